/**
 * The settlement of one training round (TrainingSettlement.sol) restated as a pure function:
 * which updates are judged, what the configured rule decides, who is paid what and who is
 * slashed. Exact to the wei: the contract's tests predict every settlement with it.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the per-update and per-validator arrays are parallel to the submissions and validators they are built from */
import { flockJudgement } from './flock.js'
import type { RoundJudgement } from './judgement.js'
import { medianScoreJudgement } from './median-score.js'
import { EMPTY_YUMA_BOND_STATE, MAX_YUMA_TRAINERS, yumaJudgement } from './yuma-round.js'
import type { YumaBondState } from './yuma-round.js'
import type { YumaDenseParams } from '../yuma/dense-epoch.js'

const BPS = 10_000n

/**
 * The consensus rules a training can use, in the order of the training contract's
 * `ITrainingRounds.Consensus` enum (a test holds the two to the same members).
 */
export const CONSENSUS_RULES = ['flock', 'median-score', 'yuma'] as const

/** The name of a training consensus rule. */
export type TrainingConsensusRule = (typeof CONSENSUS_RULES)[number]

/** Why an update was or was not put to the vote. */
export type UpdateFate = 'judged' | 'free-riding' | 'copied' | 'not-revealed'

/** One round, as `settle` sees it. */
export interface TrainingRoundInput {
  readonly rule: TrainingConsensusRule
  readonly acceptFloorBps: number
  readonly acceptRelativeBps: number
  readonly deviationBoundBps: number
  readonly trainerShareBps: number
  /** What the round pays (trainers' and validators' pots together). */
  readonly emission: bigint
  /** The round's global model: an update equal to it is free riding. */
  readonly modelDigest: string
  /** Update commitments in commitment order; `digest` once revealed (absent: never revealed). */
  readonly submissions: readonly { readonly trainer: string; readonly digest?: string | undefined }[]
  /**
   * The round's validator set, by slot. `scores` (one per commitment, bps) when revealed;
   * `stake` is the smallest of the stake at the round's snapshot, at commit and at settlement.
   */
  readonly validators: readonly { readonly owner: string; readonly stake: bigint; readonly scores?: readonly number[] }[]
}

/** What `settle` decides and pays. */
export interface TrainingRoundOutcome {
  readonly updates: readonly { fate: UpdateFate; accepted: boolean; consensusScore: number; reward: bigint; slashed: boolean }[]
  readonly validators: readonly { revealed: boolean; deviationBps: number; reward: bigint; slashed: boolean }[]
  /** Everything credited (trainers and validators). */
  readonly paid: bigint
  /** Yuma's uids and bonds after the round (unchanged under the other rules). */
  readonly yuma: YumaBondState
}

/** Options of {@link settleTrainingRound}. */
export interface SettleTrainingRoundOptions {
  /** Yuma's uids and bonds before the round. @default EMPTY_YUMA_BOND_STATE */
  readonly yuma?: YumaBondState
  /** Yuma: the round being settled (it ranks and ages uids). @default 1 */
  readonly round?: number
  /** Yuma: the training's uid slots, its `maxUpdates`. @default MAX_YUMA_TRAINERS */
  readonly uidSlots?: number
  /** Yuma's hyperparameters (the contract fixes them; simulations may vary them). @default TRAINING_YUMA_PARAMS */
  readonly yumaParams?: YumaDenseParams
}

/**
 * Settles a round as TrainingSettlement does: unrevealed commitments, free riders (the global
 * model) and copies (a digest an earlier commitment revealed) are rejected without a vote; the
 * revealed validators judge the rest with the configured rule; the trainers' pot (emission ×
 * trainerShareBps / 10000) goes to accepted updates pro rata to their share, the rest to
 * validators within the deviation bound pro rata to their weight; rejected trainers, silent
 * validators and deviating validators are slashed. With no revealed stake nothing is accepted or
 * paid and only the silent validators and the trainers that never revealed are slashed.
 *
 * @param input - the round.
 * @param options - Yuma's state before the round (and, for simulations, its hyperparameters).
 * @returns what is paid and slashed, and Yuma's state after the round.
 * @example
 * ```ts
 * import { settleTrainingRound } from 'deai/mechanisms'
 * const outcome = settleTrainingRound({
 *   rule: 'median-score', acceptFloorBps: 5000, acceptRelativeBps: 0, deviationBoundBps: 3000, trainerShareBps: 7000,
 *   emission: 1000n, modelDigest: '0x00',
 *   submissions: [{ trainer: 't1', digest: '0x01' }, { trainer: 't2', digest: '0x02' }],
 *   validators: [{ owner: 'v1', stake: 10n, scores: [9000, 1000] }],
 * })
 * outcome.updates.map((u) => u.reward) // [700n, 0n]
 * ```
 */
export function settleTrainingRound(input: TrainingRoundInput, options: SettleTrainingRoundOptions = {}): TrainingRoundOutcome {
  let yuma = options.yuma ?? EMPTY_YUMA_BOND_STATE
  const seen = new Set<string>()
  const fates: UpdateFate[] = input.submissions.map(({ digest }) => {
    if (digest === undefined) return 'not-revealed'
    if (digest === input.modelDigest) return 'free-riding'
    if (seen.has(digest)) return 'copied'
    seen.add(digest)
    return 'judged'
  })
  const revealed = input.validators.flatMap((v, i) => (v.scores === undefined ? [] : [i]))
  const total = revealed.reduce((sum, i) => sum + input.validators[i]!.stake, 0n)
  const consensus = total > 0n
  const n = input.submissions.length
  const score = new Array<number>(n).fill(0)
  const share = new Array<bigint>(n).fill(0n)
  const accepted = new Array<boolean>(n).fill(false)
  const deviation = new Array<number>(input.validators.length).fill(0)
  const weight = new Array<bigint>(input.validators.length).fill(0n)
  if (consensus) {
    const columns = fates.flatMap((f, j) => (f === 'judged' ? [j] : []))
    if (columns.length === 0) {
      for (const i of revealed) weight[i] = input.validators[i]!.stake * BPS
    } else {
      const scores = revealed.map((i) => columns.map((j) => input.validators[i]!.scores![j]!))
      const stakes = revealed.map((i) => input.validators[i]!.stake)
      const matrix = { scores, stakes, acceptFloorBps: input.acceptFloorBps, acceptRelativeBps: input.acceptRelativeBps }
      let out: RoundJudgement
      if (input.rule === 'flock') out = flockJudgement(matrix)
      else if (input.rule === 'median-score') out = medianScoreJudgement(matrix)
      else {
        const result = yumaJudgement({
          ...matrix,
          validators: revealed.map((i) => input.validators[i]!.owner),
          trainers: columns.map((j) => input.submissions[j]!.trainer),
          round: options.round ?? 1,
          uidSlots: options.uidSlots ?? MAX_YUMA_TRAINERS,
        }, yuma, options.yumaParams)
        out = result.judgement
        yuma = result.state
      }
      columns.forEach((j, c) => {
        score[j] = out.consensus[c]!
        share[j] = out.share[c]!
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
  const shareSum = share.reduce((sum, p, j) => (accepted[j] ? sum + p : sum), 0n)
  const updates = fates.map((fate, j) => ({
    fate,
    accepted: accepted[j]!,
    consensusScore: score[j]!,
    reward: accepted[j] && shareSum > 0n ? (trainerPot * share[j]!) / shareSum : 0n,
    slashed: !accepted[j] && (consensus || fate === 'not-revealed'),
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
  return { updates, validators, paid, yuma }
}
