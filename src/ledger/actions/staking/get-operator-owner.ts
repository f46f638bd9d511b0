import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type GetOperatorOwnerParameters = {
  role: RoleName
  /** The task's pool; absent for the protocol-wide pools (verifiers). */
  taskId?: bigint | undefined
}

/**
 * The owner an operator key works for in a pool (the key itself when it works for itself; the
 * zero address when it works for nobody).
 *
 * @example
 * ```ts
 * import { getOperatorOwner } from 'deai'
 * const member = await getOperatorOwner(protocol, key.address, { role: 'verifier' })
 * ```
 */
export async function getOperatorOwner(protocol: Protocol, operator: Address, parameters: GetOperatorOwnerParameters): Promise<Address> {
  return protocol.ledger.client.readContract({
    ...protocol.stakeManager,
    functionName: 'ownerOfOperator',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), operator],
  })
}
