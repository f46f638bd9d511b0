import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type WithdrawStakeParameters = { role: RoleName; taskId?: bigint }

/** Sends the owner's unbonded stake back once the unbonding delay has passed. */
export async function withdrawStake(protocol: Protocol, account: PrivateKeyAccount, parameters: WithdrawStakeParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'withdraw',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role)],
  }, { gasMeter: protocol.gasMeter })
}
