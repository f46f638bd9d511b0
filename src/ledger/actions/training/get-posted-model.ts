import type { Address } from 'viem'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** A model posted after a round: its CID, who posted it and when. */
export type PostedModel = { round: bigint; cid: string; aggregator: Address; postedAt: bigint }

const POSTED = 1

/**
 * Reads the model posted after `round`, if one is (a disputed model that was rejected is not).
 *
 * @example
 * ```ts
 * import { getPostedModel } from 'deai'
 * const model = await getPostedModel(training, 3n)
 * if (model !== undefined) console.log(model.cid, model.postedAt)
 * ```
 */
export async function getPostedModel(training: Training, round: bigint): Promise<PostedModel | undefined> {
  const model = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'modelInfo', args: [round] })
  if (model.status !== POSTED) return undefined
  return { round, cid: fromOnChainDigest(model.digest, model.codec), aggregator: model.aggregator, postedAt: BigInt(model.postedAt) }
}
