/**
 * The stake-weighted median score per update, as TrainingConsensus.sol computes it.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- scores, stakes and the per-validator arrays built from them are parallel, one entry per validator */
import { acceptanceBar, lowerMedian, stakeWeightedMedian } from './acceptance.js'
import type { RoundJudgement, RoundScores } from './judgement.js'

const BPS = 10_000n

/**
 * MedianScore: update j's consensus score is the stake-weighted median of its column, accepted
 * iff it clears the bar of the consensus vector (max(floor, relative × lowerMedian(consensus))).
 * A validator's deviation is its mean absolute difference from consensus (bps, floored), its
 * weight stake × (10000 − deviation).
 *
 * @param input - scores (at least one row and one column), stakes (positive sum) and the bar.
 * @returns the judgement.
 * @example
 * ```ts
 * import { medianScoreJudgement } from 'deai/mechanisms'
 * medianScoreJudgement({ scores: [[9000, 1000], [8000, 7000]], stakes: [2n, 1n], acceptFloorBps: 5000, acceptRelativeBps: 0 }).consensus // [9000, 1000]
 * ```
 */
export function medianScoreJudgement(input: RoundScores): RoundJudgement {
  const { scores, stakes } = input
  const total = stakes.reduce((a, b) => a + b, 0n)
  const n = scores[0]?.length ?? 0
  const consensus = Array.from({ length: n }, (_, j) => stakeWeightedMedian(scores.map((row) => row[j] ?? 0), stakes, total))
  const bar = acceptanceBar(input.acceptFloorBps, input.acceptRelativeBps, lowerMedian(consensus))
  const accepted = consensus.map((c) => c >= bar)
  const deviation = scores.map((row) => Math.floor(row.reduce((sum, s, j) => sum + Math.abs(s - consensus[j]!), 0) / n))
  return {
    consensus,
    share: consensus.map(BigInt),
    accepted,
    deviation,
    weight: stakes.map((s, v) => s * (BPS - BigInt(deviation[v]!))),
  }
}
