import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { castTaskVote } from '../../ledger/actions/tasks/cast-task-vote.js'
import type { CastTaskVoteReturnType } from '../../ledger/actions/tasks/cast-task-vote.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import type { Protocol } from '../../ledger/protocol.js'
import { checkTask } from './check-task.js'
import type { CheckReport } from './check-task.js'

export type VerifyAndVoteReturnType = CastTaskVoteReturnType & { report: CheckReport }

/**
 * The verifier role's work on one task: run the rule set on the task's spec and bundle,
 * publish the report to the content store, and commit (or reveal) the verdict with the
 * report's CID as the reasons. The report is deterministic, so commit and reveal agree.
 */
export async function verifyAndVote(protocol: Protocol, content: ContentStore, key: PrivateKeyAccount, taskId: bigint, options: { wait?: boolean } = {}): Promise<VerifyAndVoteReturnType> {
  const task = await getTask(protocol, taskId)
  const report = await checkTask(content, task.specCid)
  const reasonsCid = await content.putJson(report)
  const step = await castTaskVote(protocol, key, { taskId, approve: report.approve, reasonsCid, wait: options.wait === true })
  return { ...step, report }
}
