import { parseEventLogs } from 'viem'
import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { ensureAllowance } from '../../internal/ensure-allowance.js'

export type RequestInferenceParameters = {
  /** The task whose published model to run. */
  taskId: bigint
  /** CID of the input in the content store. */
  inputCid: string
  /** The provider's owner address: only its key (or its operator in (task, inference-provider)) can answer. */
  provider: Address
  /** DEAI (wei) escrowed now, paid to the provider on its result or refunded after the deadline. */
  fee: bigint
}

export type RequestInferenceReturnType = {
  requestId: bigint
  /** Chain time (s) until which the provider may answer; refundable after it. */
  deadline: bigint
  receipt: TransactionReceipt
}

/**
 * Asks a provider to run a task's published model on an input, escrowing the fee in InferenceLog
 * (approving it first if needed). The simple form: the result is not verified.
 *
 * @example
 * ```ts
 * import { requestInference } from 'deai/actions'
 * const { requestId } = await requestInference(protocol, requester, { taskId, inputCid, provider, fee: parseEther('1') })
 * ```
 */
export async function requestInference(protocol: Protocol, requester: PrivateKeyAccount, parameters: RequestInferenceParameters): Promise<RequestInferenceReturnType> {
  const { digest, codec } = toOnChainDigest(parameters.inputCid)
  await ensureAllowance(protocol, requester, protocol.inferenceLog.address, parameters.fee)
  const receipt = await writeContract(protocol.ledger, requester, {
    ...protocol.inferenceLog,
    functionName: 'request',
    args: [parameters.taskId, digest, codec, parameters.provider, parameters.fee],
  }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: protocol.inferenceLog.abi, eventName: 'InferenceRequested', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'request emitted no InferenceRequested event')
  return { requestId: event.args.requestId, deadline: event.args.deadline, receipt }
}
