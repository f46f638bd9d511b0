import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type GetActiveStakeParameters = {
  role: RoleName
  owner: Address
  /** The task's pool. @default the protocol-wide pool */
  taskId?: bigint | undefined
}

/**
 * An owner's active stake in a pool now (what a live-stake draw would weigh).
 *
 * @example
 * ```ts
 * import { getActiveStake } from 'deai/actions'
 * const stake = await getActiveStake(protocol, { role: 'verifier', owner })
 * ```
 */
export async function getActiveStake(protocol: Protocol, { role, owner, taskId }: GetActiveStakeParameters): Promise<bigint> {
  return protocol.ledger.client.readContract({
    ...protocol.stakeManager,
    functionName: 'activeStake',
    args: [taskId ?? PROTOCOL_POOL, roleId(role), owner],
  })
}
