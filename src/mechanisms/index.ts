/**
 * `deai/mechanisms`: the pure mechanisms, with no chain or network: robust aggregation rules,
 * the training consensus rules (flock, median-score, Yuma) and their round simulation, Yuma's
 * epoch with Bittensor's registration and replay, and decentralization metrics.
 *
 * @packageDocumentation
 */

// Aggregation
export { AGGREGATION_RULES, aggregate, aggregateWithSelection, selectUpdates } from './aggregation/aggregate.js'
export type { AggregateOptions, AggregationResult, AggregationRule, AggregationSpec, SelectionRule } from './aggregation/aggregate.js'
export { clipByNorm, l2Norm } from './aggregation/clip.js'

// Training consensus: judge a round, settle it, simulate many
export { acceptanceBar, lowerMedian, stakeWeightedMedian } from './consensus/training/acceptance.js'
export type { RoundJudgement, RoundScores } from './consensus/training/judgement.js'
export { flockJudgement } from './consensus/training/flock.js'
export { medianScoreJudgement } from './consensus/training/median-score.js'
export { EMPTY_YUMA_BOND_STATE, MAX_YUMA_TRAINERS, yumaJudgement } from './consensus/training/yuma-round.js'
export type { YumaBondState, YumaRoundInput, YumaRoundResult } from './consensus/training/yuma-round.js'
export { CONSENSUS_RULES, settleTrainingRound } from './consensus/training/settle-round.js'
export type { SettleTrainingRoundOptions, TrainingConsensusRule, TrainingRoundInput, TrainingRoundOutcome, UpdateFate } from './consensus/training/settle-round.js'
export { simulateTrainingRounds } from './consensus/training/simulate-rounds.js'
export type { PlayedRound, SimulatedRound, SimulatedTrainingConfig, SimulationResult } from './consensus/training/simulate-rounds.js'

// Yuma consensus
export { yumaEpoch } from './consensus/yuma/epoch.js'
export type { YumaEpochInput, YumaEpochOptions, YumaEpochResult, YumaStoredOutputs } from './consensus/yuma/epoch.js'
export { YUMA_DEFAULT_PARAMS, resolveYumaParams } from './consensus/yuma/params.js'
export type { YumaParams, YumaParamsInit } from './consensus/yuma/params.js'
export { EMPTY_YUMA_ROW, yumaRowFromPairs, yumaRowToPairs } from './consensus/yuma/yuma-row.js'
export type { YumaSparseRow } from './consensus/yuma/yuma-row.js'
export { createYumaSubnetState, yumaRegister, yumaRunEpoch, yumaSetWeights } from './consensus/yuma/subnet-state.js'
export type { YumaRegistration, YumaSubnetState } from './consensus/yuma/subnet-state.js'
export { YUMA_DEFAULT_REGISTRATION_PARAMS, resolveYumaRegistrationParams, yumaImmuneOwnerUids, yumaIsImmune, yumaNeuronToPrune } from './consensus/yuma/registration.js'
export type { YumaOwnerImmunityInit, YumaPruneInput, YumaRegistrationParams, YumaRegistrationParamsInit } from './consensus/yuma/registration.js'
export { renderYumaTrace } from './consensus/yuma/trace.js'
export type { YumaTraceEntry } from './consensus/yuma/trace.js'
export { formatYumaReplayReport, replayYumaVectors } from './consensus/yuma/replay.js'
export type { YumaCaseKind, YumaReplayCaseResult, YumaReplayMismatch, YumaReplayReport } from './consensus/yuma/replay.js'
export { yumaDenseEpoch } from './consensus/yuma/dense-epoch.js'
export type { YumaDenseInput, YumaDenseParams, YumaDenseResult } from './consensus/yuma/dense-epoch.js'
export { yumaDenseClaim } from './consensus/yuma/dense-claim.js'
export type { YumaDenseClaim } from './consensus/yuma/dense-claim.js'

// Decentralization metrics
export { decentralization } from './metrics/decentralization.js'
export type { DecentralizationMetrics } from './metrics/decentralization.js'
export type { Distribution } from './metrics/distribution.js'
export { normalizedEntropy } from './metrics/entropy.js'
export { gini } from './metrics/gini.js'
export { herfindahlHirschmanIndex } from './metrics/hhi.js'
export { nakamotoCoefficient } from './metrics/nakamoto.js'
export { topKShare } from './metrics/top-k-share.js'
