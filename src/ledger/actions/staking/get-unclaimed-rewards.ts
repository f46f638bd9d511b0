import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

export type GetUnclaimedRewardsParameters = { owner: Address }

/**
 * Rewards credited to an owner (all pools) and not claimed yet.
 *
 * @example
 * ```ts
 * import { getUnclaimedRewards } from 'deai/actions'
 * if ((await getUnclaimedRewards(protocol, { owner })) > 0n) await claimRewards(protocol, account)
 * ```
 */
export async function getUnclaimedRewards(protocol: Protocol, { owner }: GetUnclaimedRewardsParameters): Promise<bigint> {
  return protocol.ledger.client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [owner] })
}
