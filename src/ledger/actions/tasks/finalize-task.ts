import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/**
 * Settles a task's vote after the reveal window: approved, rejected or failed, and the
 * committee paid or slashed. Anyone may send it.
 *
 * @example
 * ```ts
 * import { finalizeTask } from 'deai/actions'
 * await finalizeTask(protocol, account, 1n)
 * ```
 */
export async function finalizeTask(protocol: Protocol, account: PrivateKeyAccount, taskId: bigint): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.taskRegistry, functionName: 'finalize', args: [taskId] }, { gasMeter: protocol.gasMeter })
}
