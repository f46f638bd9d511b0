/**
 * Plays many training rounds through the settlement rules alone ({@link settleTrainingRound}),
 * with Yuma's bonds carried from round to round: the contract's outcome, round by round, without
 * a chain. For studying the rules (collusion, weight copying) at scale, in seconds.
 *
 * @packageDocumentation
 */
import type { YumaDenseParams } from '../yuma/dense-epoch.js'
import { settleTrainingRound } from './settle-round.js'
import type { TrainingConsensusRule, TrainingRoundOutcome } from './settle-round.js'
import { EMPTY_YUMA_BOND_STATE } from './yuma-round.js'
import type { YumaBondState } from './yuma-round.js'

/** The rules' settings, as a training's config holds them. */
export interface SimulatedTrainingConfig {
  readonly rule: TrainingConsensusRule
  readonly acceptFloorBps: number
  readonly acceptRelativeBps: number
  readonly deviationBoundBps: number
  readonly trainerShareBps: number
  /** What each round pays. */
  readonly emission: bigint
  /** Yuma's hyperparameters, if not the contract's. */
  readonly yumaParams?: YumaDenseParams
}

/** One round's play: who submitted, and who scored them how. */
export interface SimulatedRound {
  /** Trainer ids, in submission order; each submits its own distinct update. */
  readonly trainers: readonly string[]
  /** Validators that reveal, in commit order, with their stake weight and one score (bps) per trainer. */
  readonly validators: readonly { readonly id: string; readonly stake: bigint; readonly scores: readonly number[] }[]
}

/** A round played: what was submitted and scored, and how it settled. */
export interface PlayedRound {
  readonly round: number
  readonly play: SimulatedRound
  readonly outcome: TrainingRoundOutcome
}

/** What {@link simulateTrainingRounds} returns. */
export interface SimulationResult {
  /** Every round, in order. */
  readonly rounds: readonly PlayedRound[]
  /** Rewards per participant id over all rounds (trainers and validators). */
  readonly rewards: ReadonlyMap<string, bigint>
  /** Rounds in which each participant was slashed. */
  readonly slashed: ReadonlyMap<string, number>
  /** Yuma's state after the last round. */
  readonly yuma: YumaBondState
}

/**
 * Plays `rounds` rounds. `play(round, history)` decides each round (1-based) and may look at
 * every earlier round, as a participant reading the chain could.
 *
 * @param config - the rules' settings.
 * @param rounds - how many rounds.
 * @param play - the round's submissions and scores.
 * @returns every round's outcome and the totals.
 * @example
 * ```ts
 * import { simulateTrainingRounds } from 'deai/mechanisms'
 * const result = simulateTrainingRounds(
 *   { rule: 'yuma', acceptFloorBps: 5000, acceptRelativeBps: 8000, deviationBoundBps: 2500, trainerShareBps: 7000, emission: 1000n },
 *   10,
 *   () => ({ trainers: ['t1', 't2'], validators: [{ id: 'v1', stake: 1n, scores: [9000, 7000] }] }),
 * )
 * result.rewards.get('t1') // more than t2's
 * ```
 */
export function simulateTrainingRounds(
  config: SimulatedTrainingConfig,
  rounds: number,
  play: (round: number, history: readonly PlayedRound[]) => SimulatedRound,
): SimulationResult {
  const history: PlayedRound[] = []
  const rewards = new Map<string, bigint>()
  const slashed = new Map<string, number>()
  let yuma = EMPTY_YUMA_BOND_STATE
  for (let round = 1; round <= rounds; round++) {
    const p = play(round, history)
    const outcome = settleTrainingRound({
      rule: config.rule,
      acceptFloorBps: config.acceptFloorBps,
      acceptRelativeBps: config.acceptRelativeBps,
      deviationBoundBps: config.deviationBoundBps,
      trainerShareBps: config.trainerShareBps,
      emission: config.emission,
      modelDigest: 'model',
      submissions: p.trainers.map((trainer) => ({ trainer, digest: `${round} ${trainer}` })),
      validators: p.validators.map((v) => ({ owner: v.id, stake: v.stake, scores: v.scores })),
    }, { yuma, round, ...(config.yumaParams === undefined ? {} : { yumaParams: config.yumaParams }) })
    yuma = outcome.yuma
    const credit = (id: string, amount: bigint, wasSlashed: boolean) => {
      rewards.set(id, (rewards.get(id) ?? 0n) + amount)
      if (wasSlashed) slashed.set(id, (slashed.get(id) ?? 0) + 1)
    }
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- the outcome lists updates and validators in the order they went in */
    outcome.updates.forEach((u, j) => credit(p.trainers[j]!, u.reward, u.slashed))
    outcome.validators.forEach((v, i) => credit(p.validators[i]!.id, v.reward, v.slashed))
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    history.push({ round, play: p, outcome })
  }
  return { rounds: history, rewards, slashed, yuma }
}
