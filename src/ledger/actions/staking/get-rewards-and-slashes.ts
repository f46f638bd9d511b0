import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

/** What StakeManager credited and slashed, per owner (lower-case address keys), since deployment. */
export type RewardsAndSlashes = { rewards: ReadonlyMap<string, bigint>; slashed: ReadonlyMap<string, bigint> }

export type GetRewardsAndSlashesParameters = {
  /** Count what was credited and slashed up to this block. @default the latest block */
  toBlock?: bigint | undefined
}

/**
 * Sums StakeManager's RewardCredited and Slashed events per owner over the whole deployment
 * (or up to a block).
 *
 * @example
 * ```ts
 * import { getRewardsAndSlashes } from 'deai/actions'
 * const { rewards } = await getRewardsAndSlashes(protocol)
 * console.log(rewards.get(owner.toLowerCase()) ?? 0n)
 * ```
 */
export async function getRewardsAndSlashes(protocol: Protocol, { toBlock }: GetRewardsAndSlashesParameters = {}): Promise<RewardsAndSlashes> {
  const client = protocol.ledger.client
  const range = { fromBlock: BigInt(protocol.deployment.blockNumber), ...(toBlock === undefined ? {} : { toBlock }) }
  const [credited, slashedEvents] = await Promise.all([
    client.getContractEvents({ ...protocol.stakeManager, eventName: 'RewardCredited', ...range, strict: true }),
    client.getContractEvents({ ...protocol.stakeManager, eventName: 'Slashed', ...range, strict: true }),
  ])
  const add = (map: Map<string, bigint>, owner: Address, amount: bigint) => map.set(owner.toLowerCase(), (map.get(owner.toLowerCase()) ?? 0n) + amount)
  const rewards = new Map<string, bigint>()
  const slashed = new Map<string, bigint>()
  for (const e of credited) add(rewards, e.args.owner, e.args.amount)
  for (const e of slashedEvents) add(slashed, e.args.owner, e.args.amount)
  return { rewards, slashed }
}
