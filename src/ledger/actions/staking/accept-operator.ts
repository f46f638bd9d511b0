import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type AcceptOperatorParameters = { role: RoleName; owner: Address; taskId?: bigint }

/**
 * The key `account` agrees to work for `owner` in a pool, which named it with `setOperator`.
 * Without this, naming a key gives its namer nothing. The change takes effect once the owner's
 * operator delay has passed.
 *
 * @example
 * ```ts
 * import { acceptOperator } from 'deai/actions'
 * await acceptOperator(protocol, operatorKey, { role: 'validator', taskId: 1n, owner })
 * ```
 */
export function acceptOperator(protocol: Protocol, account: PrivateKeyAccount, parameters: AcceptOperatorParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'acceptOperator',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.owner],
  }, { gasMeter: protocol.gasMeter })
}
