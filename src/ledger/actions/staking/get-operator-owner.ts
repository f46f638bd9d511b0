import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type GetOperatorOwnerParameters = {
  role: RoleName
  /** The operator key. */
  operator: Address
  /** The task's pool. @default the protocol-wide pool */
  taskId?: bigint | undefined
}

/**
 * The owner an operator key works for in a pool: itself once it stakes, the owner that named it
 * once it accepted, else the zero address.
 *
 * @example
 * ```ts
 * import { getOperatorOwner } from 'deai/actions'
 * const owner = await getOperatorOwner(protocol, { role: 'verifier', operator: account.address })
 * ```
 */
export async function getOperatorOwner(protocol: Protocol, { role, operator, taskId }: GetOperatorOwnerParameters): Promise<Address> {
  return protocol.ledger.client.readContract({
    ...protocol.stakeManager,
    functionName: 'ownerOfOperator',
    args: [taskId ?? PROTOCOL_POOL, roleId(role), operator],
  })
}
