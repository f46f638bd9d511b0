import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { ensureAllowance } from '../../internal/ensure-allowance.js'
import { committeeSeedSecret, seedCommitment } from '../../internal/task-secrets.js'

export type ProposeTaskParameters = {
  /** CID of the task spec in the content store. */
  specCid: string
  /** Reward budget escrowed for the task's later stages (wei); the verification fee comes out of it. */
  budget: bigint
  /** Bond (wei): returned on approval, forfeited on rejection. @default the registry's minimum */
  bond?: bigint
  /** Chain time (s) after which an open task can be closed and its budget returned. @default 30 days from now */
  expiresAt?: bigint
}

export type ProposeTaskReturnType = { taskId: bigint; seedBlock: bigint }

/**
 * Proposes a task: escrows budget and bond and commits to the committee-seed secret.
 *
 * @example
 * ```ts
 * import { proposeTask, drawCommittee } from 'deai/actions'
 * const { taskId } = await proposeTask(protocol, proposer, { specCid, budget: parseEther('1000') })
 * await drawCommittee(protocol, proposer, taskId)
 * ```
 */
export async function proposeTask(protocol: Protocol, proposer: PrivateKeyAccount, parameters: ProposeTaskParameters): Promise<ProposeTaskReturnType> {
  const { ledger } = protocol
  const rules = await ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'params' })
  const bond = parameters.bond ?? rules.minBond
  const expiresAt = parameters.expiresAt ?? (await ledger.clock.now()) + 30n * 24n * 3600n
  await ensureAllowance(protocol, proposer, protocol.taskRegistry.address, parameters.budget + bond)
  // The secret is bound to the nonce of the proposing transaction, which is the next one.
  const nonce = await ledger.client.getTransactionCount({ address: proposer.address, blockTag: 'pending' })
  const secret = await committeeSeedSecret(protocol, proposer, nonce)
  const receipt = await writeContract(ledger, proposer, {
    ...protocol.taskRegistry,
    functionName: 'propose',
    args: [parameters.specCid, parameters.budget, bond, expiresAt, seedCommitment(secret)],
  }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: protocol.taskRegistry.abi, eventName: 'TaskProposed', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'propose succeeded but emitted no TaskProposed event')
  return { taskId: event.args.taskId, seedBlock: event.args.seedBlock }
}
