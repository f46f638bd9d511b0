import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** A `postModel` as the chain recorded it. */
export type PostedModel = {
  round: bigint
  /** CID of the model posted after the round. */
  cid: string
  /** The block it was posted in (stake as it stood then is read at this block). */
  blockNumber: bigint
}

/**
 * Every model posted to a training, oldest first, from its `ModelPosted` events (a round whose
 * model was rejected in a dispute appears once per posting).
 *
 * @example
 * ```ts
 * import { getPostedModels } from 'deai/actions'
 * const last = (await getPostedModels(training)).filter((p) => p.round === 3n).at(-1)
 * ```
 */
export async function getPostedModels(training: Training): Promise<PostedModel[]> {
  const logs = await training.protocol.ledger.client.getContractEvents({
    address: training.address,
    abi: training.abi,
    eventName: 'ModelPosted',
    fromBlock: BigInt(training.protocol.deployment.blockNumber),
    strict: true,
  })
  return logs.map((log) => ({ round: log.args.round, cid: fromOnChainDigest(log.args.digest, log.args.codec), blockNumber: log.blockNumber }))
}
