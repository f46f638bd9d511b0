import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { ensureAllowance } from '../../internal/ensure-allowance.js'

export type StakeParameters = {
  role: RoleName
  /** DEAI in wei. */
  amount: bigint
  /** The task whose pool to stake in. @default 0 (protocol-wide pool) */
  taskId?: bigint
}

/**
 * Stakes DEAI from the owner `account` into the pool (task, role), approving first if needed.
 *
 * @example
 * ```ts
 * import { stake } from 'deai/actions'
 * await stake(protocol, owner, { role: 'verifier', amount: parseEther('500') })
 * ```
 */
export async function stake(protocol: Protocol, account: PrivateKeyAccount, parameters: StakeParameters): Promise<TransactionReceipt> {
  await ensureAllowance(protocol, account, protocol.stakeManager.address, parameters.amount)
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'stake',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.amount],
  }, { gasMeter: protocol.gasMeter })
}
