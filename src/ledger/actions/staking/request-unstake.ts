import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type RequestUnstakeParameters = { role: RoleName; amount: bigint; taskId?: bigint }

/** Starts unbonding `amount` of the owner's active stake; withdraw it after the unbonding delay. */
export async function requestUnstake(protocol: Protocol, account: PrivateKeyAccount, parameters: RequestUnstakeParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'requestUnstake',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.amount],
  }, { gasMeter: protocol.gasMeter })
}
