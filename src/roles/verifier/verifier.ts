import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { getOperatorOwner } from '../../ledger/actions/staking/get-operator-owner.js'
import { getTaskVote } from '../../ledger/actions/tasks/get-task-vote.js'
import type { GetTaskVoteReturnType } from '../../ledger/actions/tasks/get-task-vote.js'
import { commitTaskVote } from '../../ledger/actions/tasks/commit-task-vote.js'
import { revealTaskVote } from '../../ledger/actions/tasks/reveal-task-vote.js'
import type { TaskVote } from '../../ledger/actions/tasks/commit-task-vote.js'
import type { Protocol } from '../../ledger/protocol.js'
import type { TaskVoteParticipant } from '../task-vote-schedule.js'
import { checkTask } from './check-task.js'
import type { CheckReport } from './check-task.js'

export type VerifierInit = {
  protocol: Protocol
  content: ContentStore
  /** The operator key that votes. */
  key: PrivateKeyAccount
}

/** A verdict with the report it rests on. */
export type VerifierVerdict = TaskVote & { report: CheckReport }

/** A code verifier: checks a task it was drawn for, commits the verdict, then reveals it. */
export interface Verifier {
  /** The operator key's address. */
  readonly address: Address
  /**
   * Runs the rule set on the task's spec and bundle and publishes the report by CID. The report
   * is deterministic, so a verdict checked again for the reveal matches the one committed.
   */
  check(taskId: bigint): Promise<VerifierVerdict>
  /** Checks the task and commits the verdict. */
  commit(taskId: bigint): Promise<VerifierVerdict>
  /** Checks the task again and reveals the verdict committed. */
  reveal(taskId: bigint): Promise<VerifierVerdict>
}

/**
 * Creates a verifier.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'deai/roles'
 * const verifier = createVerifier({ protocol, content, key })
 * const { approve, reasonsCid } = await verifier.commit(taskId)
 * ```
 */
export function createVerifier(init: VerifierInit): Verifier {
  const { protocol, content, key } = init
  const check = async (taskId: bigint): Promise<VerifierVerdict> => {
    const task = await getTask(protocol, taskId)
    const report = await checkTask(content, task.specCid)
    return { taskId, approve: report.approve, reasonsCid: await content.putJson(report), report }
  }
  return {
    address: key.address,
    check,
    async commit(taskId) {
      const verdict = await check(taskId)
      await commitTaskVote(protocol, key, verdict)
      return verdict
    },
    async reveal(taskId) {
      const verdict = await check(taskId)
      await revealTaskVote(protocol, key, verdict)
      return verdict
    },
  }
}

/** The vote of the committee member an operator key works for, with that member's address. */
export async function memberVote(protocol: Protocol, taskId: bigint, operator: Address): Promise<GetTaskVoteReturnType & { member: Address }> {
  const member = await getOperatorOwner(protocol, { role: 'verifier', operator })
  return { ...(await getTaskVote(protocol, { taskId, member })), member }
}

/** The verifier's steps in a task vote: commit, then reveal; done as the registry records them. */
export function verifierParticipant(verifier: Verifier, protocol: Protocol): TaskVoteParticipant {
  return {
    role: 'verifier',
    steps: {
      'commit-vote': { run: (taskId) => verifier.commit(taskId), done: async (taskId) => (await memberVote(protocol, taskId, verifier.address)).committed },
      'reveal-vote': {
        run: (taskId) => verifier.reveal(taskId),
        // Nothing committed means nothing to reveal.
        done: async (taskId) => {
          const vote = await memberVote(protocol, taskId, verifier.address)
          return !vote.committed || vote.revealed
        },
      },
    },
  }
}
