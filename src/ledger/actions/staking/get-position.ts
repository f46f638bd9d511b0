import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type Position = {
  active: bigint
  unbonding: bigint
  /** Chain time (s) when the unbonding amount can be withdrawn. */
  releaseAt: bigint
  /** Chain time (s) until which pending work locks the position (nothing leaves before). */
  lockedUntil: bigint
  /** Rewards waiting to be claimed by this owner (all pools). */
  unclaimed: bigint
  /** The key that works for the owner in this pool now. */
  operator: Address
}

/** Reads an owner's position in a pool, its unclaimed rewards and its operator. */
export async function getPosition(protocol: Protocol, owner: Address, parameters: { role: RoleName; taskId?: bigint }): Promise<Position> {
  const args = [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), owner] as const
  const client = protocol.ledger.client
  const [position, unclaimed, operator] = await Promise.all([
    client.readContract({ ...protocol.stakeManager, functionName: 'positionOf', args }),
    client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [owner] }),
    client.readContract({ ...protocol.stakeManager, functionName: 'operatorOf', args }),
  ])
  return { active: position.active, unbonding: position.unbonding, releaseAt: BigInt(position.releaseAt), lockedUntil: BigInt(position.lockedUntil), unclaimed, operator }
}
