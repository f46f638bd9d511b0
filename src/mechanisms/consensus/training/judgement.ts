/**
 * What a training consensus rule decides for one round, as TrainingConsensus.sol's `Outcome`.
 *
 * @packageDocumentation
 */

/** One rule's decision over the judged updates (columns) and the revealed validators (rows). */
export interface RoundJudgement {
  /** Per update: consensus score in bps. */
  readonly consensus: readonly number[]
  /** Per update: its weight in the trainers' pot (the consensus score, or Yuma's incentive). */
  readonly share: readonly bigint[]
  /** Per update: accepted or not. */
  readonly accepted: readonly boolean[]
  /** Per validator: disagreement with consensus in bps (compared with the deviation bound). */
  readonly deviation: readonly number[]
  /** Per validator: its weight in the validators' pot (before deviating validators are excluded). */
  readonly weight: readonly bigint[]
}

/** The matrix a rule judges: scores[v][j] in bps, one row per revealed validator. */
export interface RoundScores {
  /** scores[v][j]: validator v's score of update j (bps, 0..10000); every row the same length, at least one column. */
  readonly scores: readonly (readonly number[])[]
  /** Each validator's stake weight. */
  readonly stakes: readonly bigint[]
  /** An update's score must be at least this. */
  readonly acceptFloorBps: number
  /** ...and at least this share of the median update's. */
  readonly acceptRelativeBps: number
}
