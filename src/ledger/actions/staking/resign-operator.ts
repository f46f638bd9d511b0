import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type ResignOperatorParameters = { role: RoleName; owner: Address; taskId?: bigint }

/** The operator key `account` stops working for `owner` in a pool (current or pending). */
export function resignOperator(protocol: Protocol, account: PrivateKeyAccount, parameters: ResignOperatorParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'resignOperator',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.owner],
  }, { gasMeter: protocol.gasMeter })
}
