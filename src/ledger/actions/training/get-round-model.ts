import type { Address } from 'viem'
import { CONTRACT_ENUMS } from '../../contracts/generated/protocol-constants.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'
import { getModelInfo } from './get-model-info.js'

/** The model standing for a round: its CID, who posted it and when. */
export type RoundModel = { round: bigint; cid: string; aggregator: Address; postedAt: bigint }

const POSTED = CONTRACT_ENUMS.ITrainingRounds.ModelStatus.Posted

/**
 * Reads the model that stands for `round`: the one posted after it, unless none was or a
 * dispute rejected it.
 *
 * @example
 * ```ts
 * import { getRoundModel } from 'deai/actions'
 * const model = await getRoundModel(training, 3n)
 * if (model !== undefined) console.log(model.cid, model.postedAt)
 * ```
 */
export async function getRoundModel(training: Training, round: bigint): Promise<RoundModel | undefined> {
  const model = await getModelInfo(training, round)
  if (model.status !== POSTED) return undefined
  return { round, cid: fromOnChainDigest(model.digest, model.codec), aggregator: model.aggregator, postedAt: BigInt(model.postedAt) }
}
