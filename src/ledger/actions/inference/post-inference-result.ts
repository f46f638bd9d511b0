import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { CONTRACT_CONSTANTS } from '../../contracts/generated/protocol-constants.js'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/** InferenceLog.NO_CLASS: the `outputClass` of a result that is not a classification. */
export const INFERENCE_NO_CLASS: number = CONTRACT_CONSTANTS.InferenceLog.NO_CLASS

export type PostInferenceResultParameters = {
  requestId: bigint
  /** CID of the result in the content store. */
  resultCid: string
  /** The predicted class for a classification model. @default INFERENCE_NO_CLASS (no class) */
  outputClass?: number
}

/**
 * The named provider (its key, or its operator in (task, inference-provider)) records the result
 * of a request before its deadline and is paid the escrowed fee.
 *
 * @example
 * ```ts
 * import { postInferenceResult } from 'deai/actions'
 * await postInferenceResult(protocol, provider, { requestId, resultCid, outputClass: 7 })
 * ```
 */
export function postInferenceResult(protocol: Protocol, key: PrivateKeyAccount, parameters: PostInferenceResultParameters): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(parameters.resultCid)
  return writeContract(protocol.ledger, key, {
    ...protocol.inferenceLog,
    functionName: 'postResult',
    args: [parameters.requestId, digest, codec, parameters.outputClass ?? INFERENCE_NO_CLASS],
  }, { gasMeter: protocol.gasMeter })
}
