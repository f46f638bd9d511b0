/**
 * The training contract's config (ITrainingRounds.Config) and the protocol's defaults for it,
 * shared by everyone who creates a training (the scenario runner, the proposer node, tests).
 *
 * @packageDocumentation
 */
import { parseEther } from 'viem'

/** ITrainingRounds.Config with enums as their numbers. */
export type TrainingConfig = {
  rounds: number
  /** Seconds trainers have to commit to an update after a round opens. */
  trainPeriod: bigint
  /** Then trainers reveal their updates. */
  updateRevealPeriod: bigint
  /** Then validators commit score hashes. */
  scorePeriod: bigint
  /** Then validators reveal. */
  revealPeriod: bigint
  /** A round is settled, and a dispute resolved, within this after its deadline; stake locks cover it. */
  settlePeriod: bigint
  /** A posted model can be disputed this long (at most `trainPeriod`). */
  disputePeriod: bigint
  emissionPerRound: bigint
  trainerShareBps: number
  acceptFloorBps: number
  acceptRelativeBps: number
  deviationBoundBps: number
  slashTrainerBps: number
  slashValidatorBps: number
  slashAggregatorBps: number
  /** Update commitments per round (under Yuma also the trainer uids, at most 64). */
  maxUpdates: number
  /** The round's validator set: the committers with the most stake (maxUpdates × maxValidators bounds settlement). */
  maxValidators: number
  consensus: number
  aggregation: number
  aggregationParam: number
  minTrainerStake: bigint
  minValidatorStake: bigint
  minAggregatorStake: bigint
}

/** Scores one settlement may hold: maxUpdates × maxValidators (TrainingStorage.MAX_SCORES). */
export const MAX_SCORES = 4096
/** Under Yuma the epoch's cells one settlement may hold (TrainingStorage.MAX_YUMA_SCORES). */
export const MAX_YUMA_SCORES = 1024
/** The largest validator set (TrainingStorage.MAX_VALIDATORS). */
export const MAX_VALIDATORS = 64
const YUMA = 2

type Defaults = Pick<TrainingConfig, 'trainerShareBps' | 'acceptFloorBps' | 'acceptRelativeBps' | 'deviationBoundBps' | 'slashTrainerBps' | 'slashValidatorBps' | 'slashAggregatorBps' | 'minTrainerStake' | 'minValidatorStake' | 'minAggregatorStake'>

/** The protocol's default shares, bars, slashes and minimum stakes. */
export const TRAINING_DEFAULTS: Readonly<Defaults> = {
  trainerShareBps: 7000,
  acceptFloorBps: 1500,
  acceptRelativeBps: 8000,
  deviationBoundBps: 2500,
  slashTrainerBps: 1000,
  slashValidatorBps: 1000,
  slashAggregatorBps: 5000,
  minTrainerStake: parseEther('10'),
  minValidatorStake: parseEther('100'),
  minAggregatorStake: parseEther('100'),
}

/** The largest validator set that keeps a settlement of `maxUpdates` updates within bounds. */
export function largestValidatorSet(maxUpdates: number, consensus: number): number {
  const cells = consensus === YUMA ? MAX_YUMA_SCORES : MAX_SCORES
  return Math.max(1, Math.min(MAX_VALIDATORS, Math.floor(cells / Math.max(1, maxUpdates))))
}

/** What a training's creator chooses; the rest comes from {@link TRAINING_DEFAULTS}. */
export type TrainingConfigInit = Pick<TrainingConfig, 'rounds' | 'emissionPerRound' | 'maxUpdates' | 'consensus' | 'aggregation' | 'aggregationParam'> & {
  periods: { train: bigint; updateReveal: bigint; score: bigint; reveal: bigint; settle: bigint; dispute: bigint }
  /** @default the largest set the update cap allows ({@link largestValidatorSet}) */
  maxValidators?: number | undefined
} & Partial<Defaults>

/** A full config from the creator's choices and the protocol's defaults. */
export function trainingConfig(init: TrainingConfigInit): TrainingConfig {
  const { periods, maxValidators, ...rest } = init
  return {
    ...TRAINING_DEFAULTS,
    ...rest,
    trainPeriod: periods.train,
    updateRevealPeriod: periods.updateReveal,
    scorePeriod: periods.score,
    revealPeriod: periods.reveal,
    settlePeriod: periods.settle,
    disputePeriod: periods.dispute,
    maxValidators: maxValidators ?? largestValidatorSet(init.maxUpdates, init.consensus),
  }
}
