import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import type { Protocol } from '../../ledger/protocol.js'
import { castTaskVote } from './cast-task-vote.js'
import type { CastTaskVoteReturnType } from './cast-task-vote.js'
import type { CheckReport } from './check-task.js'
import { createVerifier } from './verifier.js'

export type VerifyAndVoteReturnType = CastTaskVoteReturnType & { report: CheckReport }

/**
 * The verifier's vote as one command: run the rule set on the task's spec and bundle, publish
 * the report to the content store, and take the vote step the schedule says is due (commit or
 * reveal) with the report's CID as the reasons. The report is deterministic, so commit and
 * reveal agree.
 */
export async function verifyAndVote(protocol: Protocol, content: ContentStore, key: PrivateKeyAccount, taskId: bigint, options: { wait?: boolean } = {}): Promise<VerifyAndVoteReturnType> {
  const { report, ...vote } = await createVerifier({ protocol, content, key }).check(taskId)
  const step = await castTaskVote(protocol, key, { ...vote, wait: options.wait === true })
  return { ...step, report }
}
