/**
 * A training round settled by Yuma consensus, as TrainingYuma.sol runs it: one Yuma 3 epoch
 * over the round's revealed validators (rows) and every trainer uid the training has assigned
 * (columns), with bonds carried from round to round.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- uids index the per-uid arrays, per-validator arrays are parallel, and registerTrainerUids gives every judged trainer a uid */
import { CONTRACT_CONSTANTS } from '../../../ledger/contracts/generated/protocol-constants.js'
import { yumaDenseEpoch } from '../yuma/dense-epoch.js'
import type { YumaDenseParams, YumaDenseResult } from '../yuma/dense-epoch.js'
import { maxUpscaleWeights } from '../yuma/weights-upscale.js'
import { acceptanceBar, lowerMedian } from './acceptance.js'
import type { RoundJudgement, RoundScores } from './judgement.js'

const BPS = 10_000n
const U16_MAX = 65_535n

/** The hyperparameters the training contract fixes: Yuma 3 without liquid alpha, subtensor's defaults. */
export const TRAINING_YUMA_PARAMS: Readonly<YumaDenseParams> = Object.freeze({
  kappa: CONTRACT_CONSTANTS.TrainingYuma.YUMA_KAPPA,
  bondsPenalty: CONTRACT_CONSTANTS.TrainingYuma.YUMA_BONDS_PENALTY,
  bondsMovingAverage: BigInt(CONTRACT_CONSTANTS.TrainingYuma.YUMA_BONDS_MOVING_AVERAGE),
  yuma3: true,
  liquidAlpha: false,
})

/** Trainer uids a training may have at most (the bond matrix has one column per uid). */
export const MAX_YUMA_TRAINERS: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_YUMA_TRAINERS

/**
 * Rounds a trainer's uid is immune from being taken by a newcomer: the round its holder
 * registered in and the next, so a newcomer is judged at least once before it can be pruned.
 */
export const YUMA_IMMUNITY_ROUNDS: number = CONTRACT_CONSTANTS.TrainingStorage.YUMA_IMMUNITY_ROUNDS

/** What Yuma keeps from round to round of one training. */
export interface YumaBondState {
  /** Each uid's holder, in uid order (a recycled uid names its current holder). */
  readonly trainers: readonly string[]
  /** Per uid: the round its holder registered in. */
  readonly registeredRound: readonly number[]
  /** Per uid: its incentive (u16) in the latest epoch, the pruning score (0 for a new holder). */
  readonly score: readonly number[]
  /** Each validator's stored bond row: one u16 per uid (missing cells are 0). */
  readonly bonds: ReadonlyMap<string, readonly number[]>
  /** The round each validator's bond row was written in. */
  readonly bondRound: ReadonlyMap<string, number>
}

/** A training before its first judged update. */
export const EMPTY_YUMA_BOND_STATE: YumaBondState = Object.freeze({
  trainers: Object.freeze([]),
  registeredRound: Object.freeze([]),
  score: Object.freeze([]),
  bonds: new Map(),
  bondRound: new Map(),
})

/**
 * The uid a newcomer takes when every slot is held, as subtensor's `get_neuron_to_prune` picks
 * it with no non-immune floor: among the uids whose holders are not judged this round, the one
 * with the lowest score, then the earliest registration, then the lowest uid; outside the
 * immunity period if any such uid is, else among the immune ones.
 *
 * @param state - the training's uids.
 * @param round - the round being settled.
 * @param busy - uids whose holders are judged this round (never taken).
 * @returns the uid, or undefined when every uid is busy.
 */
export function yumaUidToPrune(state: YumaBondState, round: number, busy: ReadonlySet<number>): number | undefined {
  let best: { uid: number; immune: boolean } | undefined
  const better = (u: number, v: number) =>
    state.score[u]! !== state.score[v]! ? state.score[u]! < state.score[v]! : state.registeredRound[u]! !== state.registeredRound[v]! ? state.registeredRound[u]! < state.registeredRound[v]! : u < v
  for (let u = 0; u < state.trainers.length; u++) {
    if (busy.has(u)) continue
    const immune = round - state.registeredRound[u]! < YUMA_IMMUNITY_ROUNDS
    if (best === undefined || (best.immune && !immune) || (best.immune === immune && better(u, best.uid))) best = { uid: u, immune }
  }
  return best?.uid
}

/**
 * Gives a uid to each judged trainer that has none, in commitment order (as the contract does
 * when it settles a Yuma round): the next free slot while there is one, else the uid
 * {@link yumaUidToPrune} picks, whose holder loses it. A new holder starts with score 0, and
 * bonds that validators wrote before it registered are masked at the epoch.
 *
 * @param state - the training's uids and bonds.
 * @param trainers - the round's judged trainers, in commitment order.
 * @param round - the round being settled.
 * @param slots - the training's uid slots (its `maxUpdates`, at most 64).
 * @returns the state with every trainer holding a uid (the same object when none was new).
 */
export function registerTrainerUids(state: YumaBondState, trainers: readonly string[], round: number, slots: number): YumaBondState {
  const holders = [...state.trainers]
  const registeredRound = [...state.registeredRound]
  const score = [...state.score]
  const uidOf = new Map(holders.map((id, uid) => [id, uid]))
  const busy = new Set(trainers.flatMap((t) => uidOf.get(t) ?? []))
  let changed = false
  for (const t of trainers) {
    if (uidOf.has(t)) continue
    let uid: number
    if (holders.length < slots) {
      uid = holders.length
      holders.push(t)
      registeredRound.push(round)
      score.push(0)
    } else {
      const pruned = yumaUidToPrune({ ...state, trainers: holders, registeredRound, score }, round, busy)
      if (pruned === undefined) throw new Error('more judged trainers than uid slots: the update cap is the slot count')
      uid = pruned
      uidOf.delete(holders[uid]!)
      holders[uid] = t
      registeredRound[uid] = round
      score[uid] = 0
    }
    uidOf.set(t, uid)
    busy.add(uid)
    changed = true
  }
  return changed ? { ...state, trainers: holders, registeredRound, score } : state
}

/** A Yuma round: the scores of the judged updates, who gave and who received them. */
export interface YumaRoundInput extends RoundScores {
  /** Row ids: the revealed validators, in the order of `scores`. */
  readonly validators: readonly string[]
  /** Column ids: the judged updates' trainers, in the order of each score row (distinct), which is commitment order. */
  readonly trainers: readonly string[]
  /** The round being settled (1-based). @default 1 */
  readonly round?: number | undefined
  /** The training's uid slots (its `maxUpdates`). @default MAX_YUMA_TRAINERS */
  readonly uidSlots?: number | undefined
}

/** What {@link yumaJudgement} returns. */
export interface YumaRoundResult {
  /** The round's judgement, as the other rules give one. */
  readonly judgement: RoundJudgement
  /** The state after the round (uids assigned, scores updated, the revealed validators' bonds replaced). */
  readonly state: YumaBondState
  /** The epoch itself, over every trainer uid. */
  readonly epoch: YumaDenseResult
}

/**
 * Judges a round by Yuma consensus. Judged trainers without a uid first get one
 * ({@link registerTrainerUids}), and validators' bonds written before a uid's holder registered
 * are masked. Weights: each validator's scores, those below the floor set
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
 * import { EMPTY_YUMA_BOND_STATE, yumaJudgement } from 'deai/mechanisms'
 * const { judgement, state } = yumaJudgement({
 *   scores: [[9000, 3000], [8000, 2000]], stakes: [2n, 1n], acceptFloorBps: 1000, acceptRelativeBps: 5000,
 *   validators: ['v1', 'v2'], trainers: ['t1', 't2'],
 * }, EMPTY_YUMA_BOND_STATE)
 * judgement.accepted // [true, false]
 * state.bonds.get('v1') // the bonds v1 holds after the round
 * ```
 */
export function yumaJudgement(input: YumaRoundInput, state: YumaBondState, params: YumaDenseParams = TRAINING_YUMA_PARAMS): YumaRoundResult {
  const round = input.round ?? 1
  const withUids = registerTrainerUids(state, input.trainers, round, input.uidSlots ?? MAX_YUMA_TRAINERS)
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
  // A bond written before a uid's holder registered was on the previous holder: masked.
  const bonds = input.validators.map((id) => {
    const stored = withUids.bonds.get(id) ?? []
    const written = withUids.bondRound.get(id) ?? 0
    return Array.from({ length: t }, (_, u) => (withUids.registeredRound[u]! > written ? 0 : stored[u] ?? 0))
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
  const nextBondRound = new Map(withUids.bondRound)
  input.validators.forEach((id, k) => {
    nextBonds.set(id, epoch.bonds[k]!)
    nextBondRound.set(id, round)
  })
  return {
    judgement: {
      consensus: c16.map((c) => Number((BigInt(c) * BPS) / U16_MAX)),
      share,
      accepted,
      deviation,
      weight,
    },
    state: { trainers: withUids.trainers, registeredRound: withUids.registeredRound, score: epoch.incentive.slice(0, t), bonds: nextBonds, bondRound: nextBondRound },
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
