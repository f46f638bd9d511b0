import type { Address, Hex } from 'viem'

/**
 * The settlement rules of TrainingSettlement and TrainingConsensus restated in TypeScript (bigint
 * where the contract uses integers), so randomized tests can predict every UpdateJudged,
 * ValidatorJudged and slash to the wei.
 */

const BPS = 10_000n

export type ConsensusRule = 'flock' | 'median-score'
export type Fate = 'judged' | 'free-riding' | 'copied'

export type ReferenceInput = {
  rule: ConsensusRule
  acceptFloorBps: number
  acceptRelativeBps: number
  deviationBoundBps: number
  trainerShareBps: number
  emission: bigint
  /** The round's global model. */
  modelDigest: Hex
  submissions: readonly { trainer: Address; digest: Hex }[]
  /** Committers in commit order; `scores` (one per submission) when revealed; `stake` is the smaller of the active stake at commit and at settlement. */
  validators: readonly { owner: Address; stake: bigint; scores?: readonly number[] }[]
}

export type ReferenceOutcome = {
  updates: { fate: Fate; accepted: boolean; consensusScore: number; reward: bigint; slashed: boolean }[]
  validators: { revealed: boolean; deviationBps: number; reward: bigint; slashed: boolean }[]
  paid: bigint
}

/** The element of rank floor((k - 1) / 2) in ascending order. */
export function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** max(floor, floor(relative * median / 10000)). */
export function acceptanceBar(floorBps: number, relativeBps: number, median: number): number {
  return Math.max(floorBps, Math.floor((relativeBps * median) / 10_000))
}

/** The smallest value whose cumulative stake (values sorted ascending) reaches half the total. */
export function weightedMedian(values: readonly number[], stakes: readonly bigint[], total: bigint): number {
  const order = values.map((v, i) => [v, stakes[i]!] as const).sort((a, b) => a[0] - b[0])
  let cumulative = 0n
  for (const [value, stake] of order) {
    cumulative += stake
    if (cumulative * 2n >= total) return value
  }
  throw new RangeError('total stake exceeds the sum of the stakes')
}

type Judgement = { consensus: number[]; accepted: boolean[]; deviation: number[]; weight: bigint[] }

function flock(scores: readonly (readonly number[])[], stakes: readonly bigint[], total: bigint, floor: number, relative: number): Judgement {
  const n = scores[0]!.length
  const bars = scores.map((row) => acceptanceBar(floor, relative, lowerMedian(row)))
  const passing = Array.from({ length: n }, (_, j) => scores.reduce((sum, row, v) => (row[j]! >= bars[v]! ? sum + stakes[v]! : sum), 0n))
  const accepted = passing.map((p) => p * 2n > total)
  const consensus = passing.map((p) => Number((p * BPS) / total))
  const deviation = scores.map((row, v) => Number((BigInt(row.filter((s, j) => (s >= bars[v]!) !== accepted[j]).length) * BPS) / BigInt(n)))
  return { consensus, accepted, deviation, weight: stakes.map((s, v) => s * (BPS - BigInt(deviation[v]!))) }
}

function medianScore(scores: readonly (readonly number[])[], stakes: readonly bigint[], total: bigint, floor: number, relative: number): Judgement {
  const n = scores[0]!.length
  const consensus = Array.from({ length: n }, (_, j) => weightedMedian(scores.map((row) => row[j]!), stakes, total))
  const bar = acceptanceBar(floor, relative, lowerMedian(consensus))
  const accepted = consensus.map((c) => c >= bar)
  const deviation = scores.map((row) => Math.floor(row.reduce((sum, s, j) => sum + Math.abs(s - consensus[j]!), 0) / n))
  return { consensus, accepted, deviation, weight: stakes.map((s, v) => s * (BPS - BigInt(deviation[v]!))) }
}

/** What `settle` decides and pays for a round. */
export function referenceSettlement(input: ReferenceInput): ReferenceOutcome {
  const seen = new Set<Hex>()
  const fates: Fate[] = input.submissions.map(({ digest }) => {
    if (digest === input.modelDigest) return 'free-riding'
    if (seen.has(digest)) return 'copied'
    seen.add(digest)
    return 'judged'
  })
  const revealed = input.validators.flatMap((v, i) => (v.scores === undefined ? [] : [i]))
  const total = revealed.reduce((sum, i) => sum + input.validators[i]!.stake, 0n)
  const consensus = total > 0n
  const n = input.submissions.length
  const score = Array<number>(n).fill(0)
  const accepted = Array<boolean>(n).fill(false)
  const deviation = Array<number>(input.validators.length).fill(0)
  const weight = Array<bigint>(input.validators.length).fill(0n)
  if (consensus) {
    const columns = fates.flatMap((f, j) => (f === 'judged' ? [j] : []))
    if (columns.length === 0) {
      for (const i of revealed) weight[i] = input.validators[i]!.stake * BPS
    } else {
      const matrix = revealed.map((i) => columns.map((j) => input.validators[i]!.scores![j]!))
      const stakes = revealed.map((i) => input.validators[i]!.stake)
      const rule = input.rule === 'flock' ? flock : medianScore
      const out = rule(matrix, stakes, total, input.acceptFloorBps, input.acceptRelativeBps)
      columns.forEach((j, c) => {
        score[j] = out.consensus[c]!
        accepted[j] = out.accepted[c]!
      })
      revealed.forEach((i, k) => {
        deviation[i] = out.deviation[k]!
        weight[i] = out.weight[k]!
      })
    }
  }
  const trainerPot = (input.emission * BigInt(input.trainerShareBps)) / BPS
  const validatorPot = input.emission - trainerPot
  const scoreSum = score.reduce((sum, c, j) => (accepted[j] ? sum + BigInt(c) : sum), 0n)
  const updates = fates.map((fate, j) => ({
    fate,
    accepted: accepted[j]!,
    consensusScore: score[j]!,
    reward: accepted[j] && scoreSum > 0n ? (trainerPot * BigInt(score[j]!)) / scoreSum : 0n,
    slashed: !accepted[j] && consensus,
  }))
  const punished = input.validators.map((v, i) => v.scores === undefined || (consensus && deviation[i]! > input.deviationBoundBps))
  const weightSum = weight.reduce((sum, w, i) => (punished[i] ? sum : sum + w), 0n)
  const validators = input.validators.map((v, i) => ({
    revealed: v.scores !== undefined,
    deviationBps: deviation[i]!,
    reward: !punished[i] && weight[i]! > 0n ? (validatorPot * weight[i]!) / weightSum : 0n,
    slashed: punished[i]!,
  }))
  const paid = updates.reduce((sum, u) => sum + u.reward, 0n) + validators.reduce((sum, v) => sum + v.reward, 0n)
  return { updates, validators, paid }
}
