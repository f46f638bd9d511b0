/**
 * FLock's vote consensus over a round's scores, as TrainingConsensus.sol computes it.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- scores, stakes and the per-validator arrays built from them are parallel, one entry per validator */
import { acceptanceBar, lowerMedian } from './acceptance.js'
import type { RoundJudgement, RoundScores } from './judgement.js'

const BPS = 10_000n

/**
 * Flock: validator v passes update j iff its score clears the bar of its own row
 * (max(floor, relative × lowerMedian(row))). An update is accepted iff the stake passing it is
 * more than half the total; its consensus score is floor(10000 × passing / total). A validator's
 * deviation is the share (bps, floored) of updates where its pass or fail differs from the
 * outcome, and its weight stake × (10000 − deviation).
 *
 * @param input - scores (at least one row and one column), stakes (positive sum) and the bar.
 * @returns the judgement.
 * @example
 * ```ts
 * import { flockJudgement } from 'deai/mechanisms'
 * flockJudgement({ scores: [[9000, 1000], [8000, 7000]], stakes: [2n, 1n], acceptFloorBps: 5000, acceptRelativeBps: 0 }).accepted // [true, false]
 * ```
 */
export function flockJudgement(input: RoundScores): RoundJudgement {
  const { scores, stakes } = input
  const total = stakes.reduce((a, b) => a + b, 0n)
  const n = scores[0]?.length ?? 0
  const bars = scores.map((row) => acceptanceBar(input.acceptFloorBps, input.acceptRelativeBps, lowerMedian(row)))
  const passing = Array.from({ length: n }, (_, j) => scores.reduce((sum, row, v) => ((row[j] ?? 0) >= bars[v]! ? sum + stakes[v]! : sum), 0n))
  const accepted = passing.map((p) => p * 2n > total)
  const consensus = passing.map((p) => Number((p * BPS) / total))
  const deviation = scores.map((row, v) => Number((BigInt(row.filter((s, j) => (s >= bars[v]!) !== accepted[j]).length) * BPS) / BigInt(n)))
  return {
    consensus,
    share: consensus.map(BigInt),
    accepted,
    deviation,
    weight: stakes.map((s, v) => s * (BPS - BigInt(deviation[v]!))),
  }
}
