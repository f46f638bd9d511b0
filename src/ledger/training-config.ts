/**
 * The training contract's config (ITrainingRounds.Config) and the protocol's defaults for it,
 * shared by everyone who creates a training (the scenario runner, the proposer node, tests):
 * the rule ids and limits as the contracts define them, and the one encoding of the
 * aggregation parameter.
 *
 * @packageDocumentation
 */
import { parseEther } from 'viem'
import { DeaiError } from '../errors/base.js'
import { AGGREGATION_RULES } from '../mechanisms/aggregation/aggregate.js'
import type { AggregationRule, AggregationSpec } from '../mechanisms/aggregation/aggregate.js'
import { DEFAULT_TRIM_BETA } from '../mechanisms/aggregation/trimmed-mean.js'
import { CONSENSUS_RULES } from '../mechanisms/consensus/training/settle-round.js'
import type { TrainingConsensusRule } from '../mechanisms/consensus/training/settle-round.js'
import { CONTRACT_CONSTANTS, CONTRACT_ENUM_MEMBERS } from './contracts/generated/protocol-constants.js'

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
export const MAX_SCORES: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_SCORES
/** Under Yuma the epoch's cells one settlement may hold (TrainingStorage.MAX_YUMA_SCORES). */
export const MAX_YUMA_SCORES: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_YUMA_SCORES
/** Under Yuma the trainer uids one training may have (TrainingStorage.MAX_YUMA_TRAINERS). */
export const MAX_YUMA_TRAINERS: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_YUMA_TRAINERS
/** The largest validator set (TrainingStorage.MAX_VALIDATORS). */
export const MAX_VALIDATORS: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_VALIDATORS
/** The most update commitments a round takes (TrainingStorage.MAX_UPDATES). */
export const MAX_UPDATES: number = CONTRACT_CONSTANTS.TrainingStorage.MAX_UPDATES

/** Rule names to enum values, matching each name to the member spelled alike (case and dashes aside). */
function enumIds<R extends string>(rules: readonly R[], members: readonly string[]): Readonly<Record<R, number>> {
  const key = (name: string) => name.toLowerCase().replaceAll('-', '')
  return Object.fromEntries(rules.map((rule) => [rule, members.findIndex((member) => key(member) === key(rule))])) as Record<R, number>
}

/** Each aggregation rule's id in the training config (ITrainingRounds.Aggregation). */
export const AGGREGATION_IDS: Readonly<Record<AggregationRule, number>> = enumIds(AGGREGATION_RULES, CONTRACT_ENUM_MEMBERS.ITrainingRounds.Aggregation)
/** Each consensus rule's id in the training config (ITrainingRounds.Consensus). */
export const CONSENSUS_IDS: Readonly<Record<TrainingConsensusRule, number>> = enumIds(CONSENSUS_RULES, CONTRACT_ENUM_MEMBERS.ITrainingRounds.Consensus)

/** The aggregation as the training config records it: the rule's id and its one parameter. */
export type EncodedAggregation = Pick<TrainingConfig, 'aggregation' | 'aggregationParam'>

/**
 * The training config's aggregation fields for a spec. The parameter is the trimmed mean's
 * beta in bps, Krum's and Bulyan's f, or Multi-Krum's k (0: unset, the aggregator's default).
 *
 * @example
 * ```ts
 * import { encodeAggregation } from 'deai/actions'
 * encodeAggregation({ rule: 'trimmed-mean', beta: 0.2 }) // { aggregation: 2, aggregationParam: 2000 }
 * ```
 */
export function encodeAggregation(spec: AggregationSpec): EncodedAggregation {
  const aggregation = AGGREGATION_IDS[spec.rule]
  switch (spec.rule) {
    case 'trimmed-mean':
      // A proposer's flags may leave beta out; the aggregator's default applies then.
      return { aggregation, aggregationParam: Math.round((spec.beta ?? DEFAULT_TRIM_BETA) * 10_000) }
    case 'krum':
    case 'bulyan':
      return { aggregation, aggregationParam: spec.f ?? 0 }
    case 'multi-krum':
      return { aggregation, aggregationParam: spec.k ?? 0 }
    default:
      return { aggregation, aggregationParam: 0 }
  }
}

/**
 * The aggregation spec a training config records (the inverse of {@link encodeAggregation}).
 *
 * @throws DeaiError `NODE_UNKNOWN_AGGREGATION` when the id names no rule this client implements.
 */
export function decodeAggregation(aggregation: number, param: number): AggregationSpec {
  const rule = AGGREGATION_RULES.find((name) => AGGREGATION_IDS[name] === aggregation)
  switch (rule) {
    case 'trimmed-mean':
      return { rule, beta: param / 10_000 }
    case 'krum':
    case 'bulyan':
      return param === 0 ? { rule } : { rule, f: param }
    case 'multi-krum':
      return param === 0 ? { rule } : { rule, k: param }
    case 'fedavg':
    case 'median':
      return { rule }
    default:
      throw new DeaiError('NODE_UNKNOWN_AGGREGATION', `The training contract names aggregation ${aggregation}, which this node does not implement.`)
  }
}

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
  const cells = consensus === CONSENSUS_IDS.yuma ? MAX_YUMA_SCORES : MAX_SCORES
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
