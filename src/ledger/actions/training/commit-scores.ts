import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { attemptOf, scoresCommitment, trainingSalt } from '../../internal/training-secrets.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type CommitScoresParameters = {
  round: bigint
  /** The validator the account works for. */
  owner: Address
  /** One score (bps) per update commitment, in commitment order. */
  scores: readonly number[]
}

/**
 * A validator's operator key commits its scores for `round`; they stay hidden until
 * `revealScores`.
 *
 * @example
 * ```ts
 * import { commitScores } from 'deai/actions'
 * await commitScores(training, account, { round: 1n, owner, scores: [8100, 7900] })
 * ```
 */
export async function commitScores(training: Training, account: PrivateKeyAccount, { round, owner, scores }: CommitScoresParameters): Promise<TransactionReceipt> {
  const attempt = await attemptOf(training, round)
  const commitment = scoresCommitment(training.address, round, attempt, owner, scores, await trainingSalt(training, account, 'score', round, attempt))
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'commitScores',
    args: [round, commitment],
  }, { gasMeter: training.protocol.gasMeter })
}
