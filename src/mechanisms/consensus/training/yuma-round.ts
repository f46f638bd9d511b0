/**
 * A training round settled by Yuma consensus, as TrainingYuma.sol runs it: one Yuma 3 epoch
 * over the round's revealed validators (rows) and every trainer uid the training has assigned
 * (columns), with bonds carried from round to round.
 *
 * @packageDocumentation
 */
import { yumaDenseEpoch } from '../yuma/dense-epoch.js'
import type { YumaDenseParams, YumaDenseResult } from '../yuma/dense-epoch.js'
import { maxUpscaleWeights } from '../yuma/weights-upscale.js'
import { acceptanceBar, lowerMedian } from './acceptance.js'
import type { RoundJudgement, RoundScores } from './judgement.js'

const BPS = 10_000n
const U16_MAX = 65_535n

/** The hyperparameters the training contract fixes: Yuma 3 without liquid alpha, subtensor's defaults. */
export const TRAINING_YUMA_PARAMS: Readonly<YumaDenseParams> = Object.freeze({
  kappa: 32_767,
  bondsPenalty: 65_535,
  bondsMovingAverage: 900_000n,
  yuma3: true,
  liquidAlpha: false,
})

/** Trainer uids the training contract assigns at most (it refuses a new trainer beyond). */
export const MAX_YUMA_TRAINERS = 64

/** What Yuma keeps from round to round of one training. */
export interface YumaBondState {
  /** Trainer ids in uid order: a trainer's uid is its index, assigned at its first revealed update. */
  readonly trainers: readonly string[]
  /** Each validator's stored bond row: one u16 per trainer uid (missing cells are 0). */
  readonly bonds: ReadonlyMap<string, readonly number[]>
}

/** A training before its first submission. */
export const EMPTY_YUMA_BOND_STATE: YumaBondState = Object.freeze({ trainers: Object.freeze([]), bonds: new Map() })

/**
 * Assigns uids to the trainers that have none yet, in order (as `revealUpdate` does).
 *
 * @param state - the training's state.
 * @param trainers - trainer ids, in submission order.
 * @returns the state with every trainer holding a uid (the same object when none was new).
 */
export function assignTrainerUids(state: YumaBondState, trainers: readonly string[]): YumaBondState {
  const known = new Set(state.trainers)
  const added: string[] = []
  for (const t of trainers) {
    if (known.has(t)) continue
    known.add(t)
    added.push(t)
  }
  return added.length === 0 ? state : { trainers: [...state.trainers, ...added], bonds: state.bonds }
}

/** A Yuma round: the scores of the judged updates, who gave and who received them. */
export interface YumaRoundInput extends RoundScores {
  /** Row ids: the revealed validators, in the order of `scores`. */
  readonly validators: readonly string[]
  /** Column ids: the judged updates' trainers, in the order of each score row (distinct). */
  readonly trainers: readonly string[]
}

/** What {@link yumaJudgement} returns. */
export interface YumaRoundResult {
  /** The round's judgement, as the other rules give one. */
  readonly judgement: RoundJudgement
  /** The state after the round (uids assigned, the revealed validators' bonds replaced). */
  readonly state: YumaBondState
  /** The epoch itself, over every trainer uid. */
  readonly epoch: YumaDenseResult
}

/**
 * Judges a round by Yuma consensus. Weights: each validator's scores, those below the floor set
 * to 0, placed at the trainers' uids and max-upscaled to u16 as subtensor stores a weight row.
 * Stakes: shifted right together until the largest fits 63 bits. Update j is accepted iff its
 * incentive is positive and its consensus C_j (u16) clears floor(relative × lowerMedian(C) /
 * 10000); its score is floor(C_j × 10000 / 65535) and its pot share its incentive. A validator's
 * deviation is 10000 − floor(VT × 10000 / 65535), or, if it gave no weight, floor(10000 ×
 * accepted / judged); its pot weight is its dividends, or its stake if every dividend is 0.
 *
 * @param input - scores (at least one row and one column), stakes (positive sum), the bar, and the row and column ids.
 * @param state - the training's uids and bonds before the round.
 * @param params - the epoch's hyperparameters (the contract's unless given).
 * @returns the judgement, the next state and the epoch.
 * @example
 * ```ts
 * import { EMPTY_YUMA_BOND_STATE, yumaJudgement } from 'deai'
 * const { judgement, state } = yumaJudgement({
 *   scores: [[9000, 3000], [8000, 2000]], stakes: [2n, 1n], acceptFloorBps: 1000, acceptRelativeBps: 5000,
 *   validators: ['v1', 'v2'], trainers: ['t1', 't2'],
 * }, EMPTY_YUMA_BOND_STATE)
 * judgement.accepted // [true, false]
 * state.bonds.get('v1') // the bonds v1 holds after the round
 * ```
 */
export function yumaJudgement(input: YumaRoundInput, state: YumaBondState, params: YumaDenseParams = TRAINING_YUMA_PARAMS): YumaRoundResult {
  const withUids = assignTrainerUids(state, input.trainers)
  const t = withUids.trainers.length
  const uidOf = new Map(withUids.trainers.map((id, uid) => [id, uid]))
  const uids = input.trainers.map((id) => uidOf.get(id)!)
  const n = uids.length
  const empty: boolean[] = []
  const weights = input.scores.map((row) => {
    const cells = new Array<number>(t).fill(0)
    row.forEach((s, c) => {
      if (s >= input.acceptFloorBps) cells[uids[c]!] = s
    })
    empty.push(cells.every((x) => x === 0))
    return maxUpscaleWeights(cells)
  })
  const bonds = input.validators.map((id) => {
    const stored = withUids.bonds.get(id) ?? []
    return Array.from({ length: t }, (_, u) => stored[u] ?? 0)
  })
  const epoch = yumaDenseEpoch({
    weights,
    bonds,
    stakes: shiftedStakes(input.stakes),
    permits: input.validators.map(() => true),
    active: input.validators.map(() => true),
    emission: 0n,
  }, params)

  const c16 = uids.map((u) => epoch.consensus[u]!)
  const share = uids.map((u) => BigInt(epoch.incentive[u]!))
  const bar = acceptanceBar(0, input.acceptRelativeBps, lowerMedian(c16))
  const accepted = c16.map((c, i) => share[i]! > 0n && c >= bar)
  const acceptedCount = BigInt(accepted.filter(Boolean).length)
  const deviation = input.validators.map((_, k) => Number(empty[k]
    ? (acceptedCount * BPS) / BigInt(n)
    : BPS - (BigInt(epoch.validatorTrust[k]!) * BPS) / U16_MAX))
  const dividends = epoch.dividends.map(BigInt)
  const weight = dividends.some((d) => d > 0n) ? dividends : [...input.stakes]

  const nextBonds = new Map(withUids.bonds)
  input.validators.forEach((id, k) => nextBonds.set(id, epoch.bonds[k]!))
  return {
    judgement: {
      consensus: c16.map((c) => Number((BigInt(c) * BPS) / U16_MAX)),
      share,
      accepted,
      deviation,
      weight,
    },
    state: { trainers: withUids.trainers, bonds: nextBonds },
    epoch,
  }
}

/** Stakes shifted right together by the bits the largest has beyond 63 (the epoch takes u64). */
function shiftedStakes(stakes: readonly bigint[]): bigint[] {
  const max = stakes.reduce((a, b) => (b > a ? b : a), 0n)
  let shift = 0n
  while (max >> shift >= 1n << 63n) shift++
  return stakes.map((s) => s >> shift)
}
