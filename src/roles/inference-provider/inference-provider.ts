import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { DeaiError } from '../../errors/base.js'
import { getInferenceRequest } from '../../ledger/actions/inference/get-inference-request.js'
import { postInferenceResult } from '../../ledger/actions/inference/post-inference-result.js'
import { getModelRecord } from '../../ledger/actions/market/get-model-record.js'
import type { Protocol } from '../../ledger/protocol.js'
import { decodeImageSet } from '../../ml/datasets/image-set-bytes.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { predict } from '../../ml/train/predict.js'

export type InferenceProviderInit = {
  protocol: Protocol
  content: ContentStore
  /** The key that answers (the provider named in the requests, or its operator). */
  key: PrivateKeyAccount
  /** The architecture of the tasks' published models. */
  kind: ModelKind
}

/** A result as recorded on chain. */
export type InferenceAnswer = { requestId: bigint; modelCid: string; inputCid: string; resultCid: string; outputClass: number }

/**
 * An inference provider: for a request addressed to it, it fetches the task's published model
 * and the input by CID, runs the model, stores the result by CID and records it on chain (which
 * pays it the escrowed fee).
 */
export interface InferenceProvider {
  /** The answering key's address. */
  readonly address: Address
  answer(requestId: bigint): Promise<InferenceAnswer>
}

/**
 * Creates an inference provider.
 *
 * @example
 * ```ts
 * import { createInferenceProvider } from 'deai/roles'
 * const provider = createInferenceProvider({ protocol, content, key, kind: 'mlp' })
 * const { outputClass } = await provider.answer(requestId)
 * ```
 */
export function createInferenceProvider(init: InferenceProviderInit): InferenceProvider {
  const { protocol, content, key } = init
  const models = new Map<string, Float32Array>()
  return {
    address: key.address,
    async answer(requestId) {
      const request = await getInferenceRequest(protocol, requestId)
      const record = await getModelRecord(protocol, request.taskId)
      if (record === undefined) {
        throw new DeaiError('INFERENCE_MODEL_NOT_PUBLISHED', `task ${request.taskId} has no published model to answer request ${requestId} with`)
      }
      const weights = models.get(record.modelCid) ?? (await content.getTensor(record.modelCid))
      models.set(record.modelCid, weights)
      const input = decodeImageSet(await content.getBytes(request.inputCid), `request ${requestId}`)
      const { classes, confidence } = await predict({ kind: init.kind, weights, data: input })
      const outputClass = classes[0] ?? 0
      const resultCid = await content.putJson({
        format: 'deai-inference/1', model: record.modelCid, input: request.inputCid, class: outputClass, confidence: Math.round((confidence[0] ?? 0) * 10_000) / 10_000,
      })
      await postInferenceResult(protocol, key, { requestId, resultCid, outputClass })
      return { requestId, modelCid: record.modelCid, inputCid: request.inputCid, resultCid, outputClass }
    },
  }
}
