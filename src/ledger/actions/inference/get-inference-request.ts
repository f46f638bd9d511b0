import type { Address } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { lowerCaseNames } from '../../contracts/enum-names.js'
import { CONTRACT_ENUM_MEMBERS } from '../../contracts/generated/protocol-constants.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { INFERENCE_NO_CLASS } from './post-inference-result.js'

export type InferenceStatus = Exclude<(typeof STATUS)[number], 'none'>

const STATUS = lowerCaseNames(CONTRACT_ENUM_MEMBERS.InferenceLog.Status)

/** A request as InferenceLog holds it. */
export type InferenceRequest = {
  id: bigint
  taskId: bigint
  requester: Address
  /** The provider's owner address. */
  provider: Address
  inputCid: string
  /** DEAI (wei): escrowed while pending, then paid or refunded. */
  fee: bigint
  /** Chain time (s): results until then, refunds after. */
  deadline: bigint
  status: InferenceStatus
  /** Once answered. */
  resultCid?: string
  /** Once answered with a classification. */
  outputClass?: number
}

/**
 * Reads one inference request.
 *
 * @throws DeaiError `INFERENCE_REQUEST_NOT_FOUND` for an id never issued.
 * @example
 * ```ts
 * import { getInferenceRequest } from 'deai/actions'
 * const { status, resultCid } = await getInferenceRequest(protocol, requestId)
 * ```
 */
export async function getInferenceRequest(protocol: Protocol, requestId: bigint): Promise<InferenceRequest> {
  const r = await protocol.ledger.client.readContract({ ...protocol.inferenceLog, functionName: 'getRequest', args: [requestId] })
  const status = STATUS[r.status]
  if (status === undefined || status === 'none') {
    throw new DeaiError('INFERENCE_REQUEST_NOT_FOUND', `no inference request ${requestId}`, {
      fixes: ['request ids start at 1 and come from requestInference'],
    })
  }
  return {
    id: requestId,
    taskId: r.taskId,
    requester: r.requester,
    provider: r.provider,
    inputCid: fromOnChainDigest(r.inputDigest, r.inputCodec),
    fee: r.fee,
    deadline: r.deadline,
    status,
    ...(status === 'answered' ? { resultCid: fromOnChainDigest(r.resultDigest, r.resultCodec) } : {}),
    ...(status === 'answered' && r.outputClass !== INFERENCE_NO_CLASS ? { outputClass: r.outputClass } : {}),
  }
}
