/**
 * `deai/roles`: what each participant does when a stage of its work is due (proposer, verifier,
 * data provider, trainer, validator, aggregator, inference provider), the stage tables that say
 * when, and the two drivers that run any set of them: a virtual clock (what `deai run` uses) and
 * polling (what `deai node` uses).
 *
 * @packageDocumentation
 */

// Stage tables and drivers
export { dueStepOf, playStages } from './stage-table.js'
export type { DueStageStep, StageClock, StageParticipant, StageResult, StageTable, Step } from './stage-table.js'
export { TASK_VOTE_STAGES, TASK_VOTE_TABLE } from './task-vote-schedule.js'
export type { TaskVoteParticipant, TaskVoteRole, TaskVoteStage, TaskVoteStep } from './task-vote-schedule.js'
export { advanceClockTo, playOnVirtualClock, virtualClock } from './drivers/virtual-clock.js'
export { startPolling } from './drivers/polling.js'
export type { PolledParticipant, Polling, PollingInit } from './drivers/polling.js'
export { aggregatorParticipant, dueStep, playRound, ROUND_STAGES, ROUND_TABLE, STAGE_ROLE, stageClosesAt, stageOpensAt, trainerParticipant, validatorParticipant } from './round-schedule.js'
export type { DueStep, RoundParticipant, RoundRole, RoundStage, RoundStep, StepResult } from './round-schedule.js'

// Roles
export { castTaskVote } from './verifier/cast-task-vote.js'
export type { CastTaskVoteReturnType } from './verifier/cast-task-vote.js'
export { checkTask } from './verifier/check-task.js'
export type { CheckFinding, CheckReport } from './verifier/check-task.js'
export { VERIFIER_RULES } from './verifier/verifier-rules.js'
export { verifyAndVote } from './verifier/verify-and-vote.js'
export { createTrainer } from './trainer/trainer.js'
export type { Trainer, TrainerInit, TrainerWork } from './trainer/trainer.js'
export { computeUpdate } from './trainer/compute-update.js'
export type { TrainerConduct } from './trainer/compute-update.js'
export { createValidator } from './validator/validator.js'
export type { Validator, ValidatorInit } from './validator/validator.js'
export { scoreUpdates } from './validator/score-updates.js'
export { acceptedUpdates, createAggregator, expectedModel } from './aggregator/aggregator.js'
export type { Aggregator } from './aggregator/aggregator.js'
export { nextGlobalModel } from './aggregator/next-global-model.js'
export { createProposer, proposerVoteParticipant } from './proposer/proposer.js'
export type { Proposer, ProposerContent, ProposerInit, TrainingPlan } from './proposer/proposer.js'
export { createVerifier, verifierParticipant } from './verifier/verifier.js'
export type { Verifier, VerifierInit, VerifierVerdict } from './verifier/verifier.js'
export { createDataProvider } from './data-provider/data-provider.js'
export type { DataProvider, DataProviderInit, ProvidedShard } from './data-provider/data-provider.js'
export { createInferenceProvider } from './inference-provider/inference-provider.js'
export type { InferenceAnswer, InferenceProvider, InferenceProviderInit } from './inference-provider/inference-provider.js'
export { TRAINER_BEHAVIOURS } from './trainer/trainer-behaviours.js'
export type { TrainerBehaviour } from './trainer/trainer-behaviours.js'
export { VALIDATOR_BEHAVIOURS } from './validator/validator-behaviours.js'
export type { ValidatorBehaviour } from './validator/validator-behaviours.js'
