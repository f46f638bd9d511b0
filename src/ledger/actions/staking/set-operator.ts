import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type SetOperatorParameters = { role: RoleName; operator: Address; taskId?: bigint }

/**
 * Names the operator key that works for the owner `account` in a pool. The key must accept
 * (`acceptOperator`), and the change takes effect after the protocol's operator delay; until
 * then the previous key keeps working.
 */
export async function setOperator(protocol: Protocol, account: PrivateKeyAccount, parameters: SetOperatorParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'setOperator',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.operator],
  }, { gasMeter: protocol.gasMeter })
}
