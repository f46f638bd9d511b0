import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

/** Rewards credited to `owner` and not yet claimed (wei). */
export async function getUnclaimedRewards(protocol: Protocol, owner: Address): Promise<bigint> {
  return protocol.ledger.client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [owner] })
}
