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

export type GetPositionParameters = {
  role: RoleName
  /** The task's pool. @default the protocol-wide pool */
  taskId?: bigint | undefined
  /** Read the position as it stood at the end of this block. @default the latest block */
  blockNumber?: bigint | undefined
}

/**
 * Reads an owner's position in a pool, its unclaimed rewards and its operator.
 *
 * @example
 * ```ts
 * import { getPosition } from 'deai/actions'
 * const { active, lockedUntil } = await getPosition(protocol, owner, { role: 'trainer', taskId: 1n })
 * ```
 */
export async function getPosition(protocol: Protocol, owner: Address, parameters: GetPositionParameters): Promise<Position> {
  const args = [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), owner] as const
  const client = protocol.ledger.client
  const at = parameters.blockNumber === undefined ? {} : { blockNumber: parameters.blockNumber }
  const [position, unclaimed, operator] = await Promise.all([
    client.readContract({ ...protocol.stakeManager, functionName: 'positionOf', args, ...at }),
    client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [owner], ...at }),
    client.readContract({ ...protocol.stakeManager, functionName: 'operatorOf', args, ...at }),
  ])
  return { active: position.active, unbonding: position.unbonding, releaseAt: BigInt(position.releaseAt), lockedUntil: BigInt(position.lockedUntil), unclaimed, operator }
}
