import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { committeeSeedSecret } from '../../internal/task-secrets.js'

/**
 * The seed secret the proposer committed to when it proposed task `taskId`: derived from its
 * key and the proposal transaction's nonce, so nothing has to be stored.
 */
export async function proposalSecret(protocol: Protocol, proposer: PrivateKeyAccount, taskId: bigint): Promise<Hex> {
  const logs = await protocol.ledger.client.getContractEvents({
    ...protocol.taskRegistry,
    eventName: 'TaskProposed',
    args: { taskId },
    fromBlock: BigInt(protocol.deployment.blockNumber),
  })
  const hash = logs[0]?.transactionHash
  if (hash == null) throw new DeaiError('LEDGER_EVENT_MISSING', `no TaskProposed event for task ${taskId}`)
  const { nonce } = await protocol.ledger.client.getTransaction({ hash })
  return committeeSeedSecret(protocol, proposer, nonce)
}

/**
 * Reveals the proposer's seed secret and draws the task's committee. Waits for (or, on a dev
 * chain, mines) the seed block first. Only the proposer's key can recompute the secret.
 *
 * @returns the committee's owner addresses (empty if the task failed for lack of verifiers).
 */
export async function drawCommittee(protocol: Protocol, proposer: PrivateKeyAccount, taskId: bigint): Promise<readonly Address[]> {
  const { ledger } = protocol
  const task = await ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'getTask', args: [taskId] })
  if (task.proposer.toLowerCase() !== proposer.address.toLowerCase()) {
    throw new DeaiError('TASK_NOT_PROPOSER', `task ${taskId} was proposed by ${task.proposer}, not ${proposer.address}`, {
      fixes: ['draw the committee with the proposer\'s key'],
    })
  }
  const secret = await proposalSecret(protocol, proposer, taskId)
  const current = await ledger.client.getBlockNumber({ cacheTime: 0 })
  if (current <= task.seedBlock) await ledger.clock.mine(Number(task.seedBlock - current + 1n))

  await writeContract(ledger, proposer, { ...protocol.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] }, { gasMeter: protocol.gasMeter })
  return ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'getCommittee', args: [taskId] })
}
