import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { attemptOf, trainingSalt } from '../../internal/training-secrets.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type RevealScoresParameters = {
  round: bigint
  /** The scores committed with `commitScores`. */
  scores: readonly number[]
}

/**
 * Reveals the scores committed with `commitScores`, during the reveal phase.
 *
 * @example
 * ```ts
 * import { revealScores } from 'deai/actions'
 * await revealScores(training, account, { round: 1n, scores: [8100, 7900] })
 * ```
 */
export async function revealScores(training: Training, account: PrivateKeyAccount, { round, scores }: RevealScoresParameters): Promise<TransactionReceipt> {
  const attempt = await attemptOf(training, round)
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'revealScores',
    args: [round, scores, await trainingSalt(training, account, 'score', round, attempt)],
  }, { gasMeter: training.protocol.gasMeter })
}
