import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type RevokeOperatorParameters = { role: RoleName; taskId?: bigint }

/**
 * The owner `account` removes its operator key (current and pending) at once and works with its
 * own key again: what to do when an operator key is stolen.
 */
export function revokeOperator(protocol: Protocol, account: PrivateKeyAccount, parameters: RevokeOperatorParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'revokeOperator',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role)],
  }, { gasMeter: protocol.gasMeter })
}
