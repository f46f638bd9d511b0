import { parseEther } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { requestInference } from '../ledger/actions/inference/request-inference.js'
import type { Protocol } from '../ledger/protocol.js'
import { encodeImageSet } from '../ml/datasets/image-set-bytes.js'
import { selectExamples } from '../ml/datasets/image-set.js'
import type { ImageSet } from '../ml/datasets/image-set.js'
import { createRandom, deriveSeed } from '../ml/random.js'
import type { InferenceProvider } from '../roles/inference-provider/inference-provider.js'
import type { RunReport } from './run-report.js'

export type ServeInferenceInit = {
  taskId: bigint
  /** Who asks and pays (the proposer, in a scenario). */
  requester: PrivateKeyAccount
  /** The providers, asked in turn, each with its report id. */
  providers: readonly (InferenceProvider & { member: { id: string } })[]
  /** The test images requests are drawn from, and their labels to check the answers against. */
  test: ImageSet
  requests: number
  seed: number
}

/** A scenario's inference workload: test images sent as requests and answered by the providers in turn. */
export async function serveInference(protocol: Protocol, content: ContentStore, init: ServeInferenceInit): Promise<RunReport['inference']> {
  const results: RunReport['inference']['results'] = []
  if (init.requests === 0 || init.providers.length === 0) return { requests: 0, answered: 0, correct: 0, results }
  const order = Array.from({ length: init.test.count }, (_, i) => i)
  createRandom(deriveSeed(init.seed, 0x1f)).shuffle(order)
  for (let k = 0; k < init.requests; k++) {
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- turn by turn over lists that are not empty */
    const image = selectExamples(init.test, [order[k % order.length]!])
    const provider = init.providers[k % init.providers.length]!
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    // The label stays with the requester: the provider sees the image only.
    const inputCid = await content.putBytes(encodeImageSet({ ...image, labels: new Uint8Array(1) }))
    const { requestId } = await requestInference(protocol, init.requester, { taskId: init.taskId, inputCid, provider: provider.address, fee: parseEther('1') })
    const answer = await provider.answer(requestId)
    results.push({ requestId, provider: provider.member.id, inputCid, resultCid: answer.resultCid, outputClass: answer.outputClass, label: image.labels[0] ?? 0 })
  }
  return { requests: init.requests, answered: results.length, correct: results.filter((r) => r.outputClass === r.label).length, results }
}
