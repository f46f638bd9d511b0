/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'
export { DEAI_ERRORS } from './errors/codes.js'
export type { DeaiErrorCategory, DeaiErrorCode, DeaiErrorCodeIn, DeaiErrorCodes, DeaiErrorDescriptor } from './errors/codes.js'

export { createContentStore } from './content/create-content-store.js'
export type { ContentStoreInit, ContentStoreLimits, FsContentStoreInit, MemoryContentStoreInit } from './content/create-content-store.js'
export type { CidLike, ContentErrorCode, ContentGetOptions, ContentStore } from './content/content-store.js'
export { normalizeCid } from './content/cid.js'
export { cidToDigest, digestToCid } from './content/cid-digest.js'
export type { CidDigest, ContentCodec } from './content/cid-digest.js'
export { getToFile, putFile } from './content/files.js'

export { createMemoryPeerHub } from './peers/memory-peer-hub.js'
export type { MemoryPeerHub, MemoryPeerHubInit, MemoryPeerInit } from './peers/memory-peer-hub.js'
export type { PeerErrorCode, PeerMessage, PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from './peers/peer-network.js'
export { publishJson, readJsonMessage } from './peers/json-messages.js'

export { AGGREGATION_RULES, aggregate, aggregateWithSelection, selectUpdates } from './mechanisms/aggregation/aggregate.js'
export type { AggregateOptions, AggregationResult, AggregationRule, SelectionRule } from './mechanisms/aggregation/aggregate.js'
export { clipByNorm, l2Norm } from './mechanisms/aggregation/clip.js'
export { decentralization } from './mechanisms/metrics/decentralization.js'
export type { DecentralizationMetrics } from './mechanisms/metrics/decentralization.js'
export type { Distribution } from './mechanisms/metrics/distribution.js'
export { normalizedEntropy } from './mechanisms/metrics/entropy.js'
export { gini } from './mechanisms/metrics/gini.js'
export { herfindahlHirschmanIndex } from './mechanisms/metrics/hhi.js'
export { nakamotoCoefficient } from './mechanisms/metrics/nakamoto.js'
export { topKShare } from './mechanisms/metrics/top-k-share.js'

// ML: TensorFlow.js (wasm backend), Fashion-MNIST, partitions, models as flat Float32Array weights.
export { initMl } from './ml/backend.js'
export type { InitMlErrorCode } from './ml/backend.js'
export { createRandom, deriveSeed } from './ml/random.js'
export type { Random, RandomErrorCode } from './ml/random.js'
export { sampleDirichlet, sampleGamma, sampleLogGamma, sampleNormal } from './ml/distributions.js'
export { parseIdx } from './ml/datasets/idx.js'
export type { IdxArray } from './ml/datasets/idx.js'
export { sampleExamples, selectExamples, takeExamples } from './ml/datasets/image-set.js'
export type { ImageSet } from './ml/datasets/image-set.js'
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEFAULT_DIR,
  FASHION_MNIST_DIR_ENV,
  fashionMnistDir,
  loadFashionMnist,
} from './ml/datasets/fashion-mnist.js'
export type { FashionMnistSplit, LoadFashionMnistErrorCode, LoadFashionMnistParameters } from './ml/datasets/fashion-mnist.js'
export { partitionIid } from './ml/partition/iid.js'
export type { PartitionIidParameters } from './ml/partition/iid.js'
export { partitionDirichlet } from './ml/partition/dirichlet.js'
export type { PartitionDirichletParameters } from './ml/partition/dirichlet.js'
export { partitionShards } from './ml/partition/shards.js'
export type { PartitionShardsParameters } from './ml/partition/shards.js'
export { partitionExamples } from './ml/partition/partition-examples.js'
export type { PartitionExamplesParameters, PartitionSpec } from './ml/partition/partition-examples.js'
export { MODEL_KINDS, assertModelKind, isModelKind, modelLayout, parameterCount } from './ml/models/architecture.js'
export type { ModelKind, WeightSpec } from './ml/models/architecture.js'
export { initialWeights } from './ml/models/initial-weights.js'
export { createModel } from './ml/models/create-model.js'
export { getWeights, setWeights } from './ml/models/weights.js'
export type { SetWeightsErrorCode } from './ml/models/weights.js'
export { PIXEL_MEAN, PIXEL_STD } from './ml/train/examples.js'
export type { ExampleTransforms } from './ml/train/examples.js'
export { trainLocal } from './ml/train/train-local.js'
export type { TrainLocalErrorCode, TrainLocalParameters, TrainLocalReturnType } from './ml/train/train-local.js'
export { evaluate } from './ml/train/evaluate.js'
export type { EvaluateParameters, EvaluateReturnType } from './ml/train/evaluate.js'

export { yumaEpoch } from './mechanisms/consensus/yuma/epoch.js'
export type {
  YumaEpochInput,
  YumaEpochOptions,
  YumaEpochResult,
  YumaStoredOutputs,
} from './mechanisms/consensus/yuma/epoch.js'
export { YUMA_DEFAULT_PARAMS, resolveYumaParams } from './mechanisms/consensus/yuma/params.js'
export type { YumaParams, YumaParamsInit } from './mechanisms/consensus/yuma/params.js'
export { EMPTY_YUMA_ROW, yumaRowFromPairs, yumaRowToPairs } from './mechanisms/consensus/yuma/yuma-row.js'
export type { YumaSparseRow } from './mechanisms/consensus/yuma/yuma-row.js'
export {
  createYumaSubnetState,
  yumaAppendUid,
  yumaRegister,
  yumaReplaceUid,
  yumaResetBonds,
  yumaRunEpoch,
  yumaSetWeights,
} from './mechanisms/consensus/yuma/subnet-state.js'
export type { YumaRegistration, YumaSubnetState } from './mechanisms/consensus/yuma/subnet-state.js'
export {
  YUMA_DEFAULT_REGISTRATION_PARAMS,
  resolveYumaRegistrationParams,
  yumaImmuneOwnerUids,
  yumaIsImmune,
  yumaNeuronToPrune,
} from './mechanisms/consensus/yuma/registration.js'
export type {
  YumaOwnerImmunityInit,
  YumaPruneInput,
  YumaRegistrationParams,
  YumaRegistrationParamsInit,
} from './mechanisms/consensus/yuma/registration.js'
export { maxUpscaleWeights } from './mechanisms/consensus/yuma/weights-upscale.js'
export { renderYumaTrace } from './mechanisms/consensus/yuma/trace.js'
export type { YumaTraceEntry } from './mechanisms/consensus/yuma/trace.js'
export { formatYumaReplayReport, replayYumaVectors } from './mechanisms/consensus/yuma/replay.js'
export type {
  YumaCaseKind,
  YumaReplayCaseResult,
  YumaReplayMismatch,
  YumaReplayReport,
} from './mechanisms/consensus/yuma/replay.js'

export type { Ledger, LedgerClock } from './ledger/ledger.js'
export { createEmbeddedLedger } from './ledger/embedded/create-embedded-ledger.js'
export type { EmbeddedLedger, EmbeddedLedgerInit } from './ledger/embedded/create-embedded-ledger.js'
export { createRpcLedger } from './ledger/rpc/create-rpc-ledger.js'
export type { RpcLedgerInit } from './ledger/rpc/create-rpc-ledger.js'
export { serveJsonRpc } from './ledger/server/serve-json-rpc.js'
export type { JsonRpcServer, JsonRpcServerInit } from './ledger/server/serve-json-rpc.js'
export { deriveDevKeys, DEV_MNEMONIC } from './ledger/dev-accounts.js'
export { createGasMeter } from './ledger/gas-meter.js'
export type { GasMeter, GasRecord } from './ledger/gas-meter.js'
export { ROLE_NAMES, roleId } from './ledger/contracts/roles.js'
export type { RoleName } from './ledger/contracts/roles.js'
export { ContractRevertedError, revertName } from './ledger/contracts/contract-errors.js'
export type { TaskStatusName } from './ledger/contracts/contract-errors.js'
export { deployProtocol } from './ledger/deploy/deploy-protocol.js'
export type { DeployProtocolInit } from './ledger/deploy/deploy-protocol.js'
export {
  assertProtocolParams,
  DEFAULT_PROTOCOL_PARAMS,
  DEV_CHAIN_PARAMS,
  mergeProtocolParams,
  parseProtocolParams,
} from './ledger/deploy/protocol-params.js'
export type { GovernanceParams, ProtocolParams, ProtocolParamsOverrides, TaskRules } from './ledger/deploy/protocol-params.js'
export { DEFAULT_DEPLOYMENT_FILE, DEPLOYMENT_VERSION, parseDeployment, readDeployment, writeDeployment } from './ledger/deploy/deployment.js'
export type { Deployment } from './ledger/deploy/deployment.js'
export { connectProtocol } from './ledger/protocol.js'
export type { ConnectProtocolOptions, Protocol } from './ledger/protocol.js'
export { writeContract } from './ledger/write-contract.js'
export { stake } from './ledger/actions/stake.js'
export type { StakeParameters } from './ledger/actions/stake.js'
export { requestUnstake } from './ledger/actions/request-unstake.js'
export { withdrawStake } from './ledger/actions/withdraw-stake.js'
export { claimRewards } from './ledger/actions/claim-rewards.js'
export { setOperator } from './ledger/actions/set-operator.js'
export { acceptOperator } from './ledger/actions/accept-operator.js'
export type { AcceptOperatorParameters } from './ledger/actions/accept-operator.js'
export { revokeOperator } from './ledger/actions/revoke-operator.js'
export type { RevokeOperatorParameters } from './ledger/actions/revoke-operator.js'
export { resignOperator } from './ledger/actions/resign-operator.js'
export type { ResignOperatorParameters } from './ledger/actions/resign-operator.js'
export { completeRotation, declineRotation, getRotation, migratePosition, requestRotation } from './ledger/actions/rotate-owner.js'
export type { MigratePositionParameters, Rotation } from './ledger/actions/rotate-owner.js'
export { listStakers } from './ledger/actions/list-stakers.js'
export type { ListStakersParameters } from './ledger/actions/list-stakers.js'
export { getRewardsAndSlashes } from './ledger/actions/get-rewards-and-slashes.js'
export type { RewardsAndSlashes } from './ledger/actions/get-rewards-and-slashes.js'
export { getPosition } from './ledger/actions/get-position.js'
export type { Position } from './ledger/actions/get-position.js'
export { proposeTask } from './ledger/actions/propose-task.js'
export type { ProposeTaskParameters, ProposeTaskReturnType } from './ledger/actions/propose-task.js'
export { drawCommittee } from './ledger/actions/draw-committee.js'
export { commitTaskVote, finalizeTask, revealTaskVote } from './ledger/actions/vote-on-task.js'
export type { TaskVote } from './ledger/actions/vote-on-task.js'
export { castTaskVote } from './ledger/actions/cast-task-vote.js'
export { getTask, listTasks } from './ledger/actions/get-task.js'
export type { TaskRecord } from './ledger/actions/get-task.js'

// Governance: DEAI holders' Governor and the timelock that administers the protocol.
export { PROPOSAL_STATES, proposalStateName, VOTE_SUPPORT } from './ledger/contracts/proposal-state.js'
export type { ProposalStateName, VoteSupport } from './ledger/contracts/proposal-state.js'
export { delegateVotes } from './ledger/actions/governance/delegate-votes.js'
export type { DelegateVotesReturnType } from './ledger/actions/governance/delegate-votes.js'
export { accessRoleId, encodeProposalActions, GOVERNED_ROLES } from './ledger/actions/governance/encode-proposal-actions.js'
export type {
  AccessRoleName,
  EncodeProposalActionsErrorCode,
  GovernedContract,
  ProposalAction,
  ProposalCalls,
} from './ledger/actions/governance/encode-proposal-actions.js'
export { parseProposalActions } from './ledger/actions/governance/parse-proposal-actions.js'
export { createProposal } from './ledger/actions/governance/create-proposal.js'
export type { CreateProposalErrorCode, CreateProposalParameters, CreateProposalReturnType } from './ledger/actions/governance/create-proposal.js'
export { castVote } from './ledger/actions/governance/cast-vote.js'
export type { CastVoteErrorCode, CastVoteParameters, CastVoteReturnType } from './ledger/actions/governance/cast-vote.js'
export { queueProposal } from './ledger/actions/governance/queue-proposal.js'
export type { QueueProposalErrorCode, QueueProposalReturnType } from './ledger/actions/governance/queue-proposal.js'
export { executeProposal } from './ledger/actions/governance/execute-proposal.js'
export type { ExecuteProposalErrorCode } from './ledger/actions/governance/execute-proposal.js'
export { getProposal } from './ledger/actions/governance/get-proposal.js'
export type { GetProposalErrorCode, ProposalCall, ProposalRecord } from './ledger/actions/governance/get-proposal.js'
export { getGovernance } from './ledger/actions/governance/get-governance.js'
export type { GovernanceInfo } from './ledger/actions/governance/get-governance.js'

export { taskSpecSchema } from './tasks/task-spec.js'
export type { TaskSpec } from './tasks/task-spec.js'
export { modelBundleSchema } from './tasks/model-bundle.js'
export type { ModelBundle } from './tasks/model-bundle.js'
export { buildTaskSpec, modelBundle } from './tasks/build-task.js'
export { checkTask } from './roles/verifier/check-task.js'
export type { CheckFinding, CheckReport } from './roles/verifier/check-task.js'
export { VERIFIER_RULES } from './roles/verifier/verifier-rules.js'
export { verifyAndVote } from './roles/verifier/verify-and-vote.js'

export { main as runCli } from './cli/main.js'

export { trainingAt } from './ledger/training.js'
export type { Training } from './ledger/training.js'
export { createTraining } from './ledger/actions/training/create-training.js'
export { TRAINING_DEFAULTS, largestValidatorSet, trainingConfig } from './ledger/training-config.js'
export type { TrainingConfig, TrainingConfigInit } from './ledger/training-config.js'
export { getJudgements, getRevealedUpdates, getRound, getSubmissions } from './ledger/actions/training/read-training.js'
export type { RevealedSubmission, RoundInfo, Submission, UpdateJudgement, ValidatorJudgement } from './ledger/actions/training/read-training.js'
export {
  commitScores,
  commitUpdate,
  disputeModel,
  finishTraining,
  postModel,
  resolveDispute,
  revealScores,
  revealUpdate,
  scoresCommitment,
  settleRound,
  updateCommitment,
  voteDispute,
} from './ledger/actions/training/write-training.js'
export type { UpdateReveal } from './ledger/actions/training/write-training.js'
export { fromOnChainDigest, toOnChainDigest } from './ledger/contracts/on-chain-digest.js'
export { createTrainer } from './roles/trainer/trainer.js'
export type { Trainer, TrainerInit, TrainerWork } from './roles/trainer/trainer.js'
export { computeUpdate } from './roles/trainer/compute-update.js'
export type { TrainerConduct } from './roles/trainer/compute-update.js'
export { createValidator } from './roles/validator/validator.js'
export type { Validator, ValidatorInit } from './roles/validator/validator.js'
export { scoreUpdates } from './roles/validator/score-updates.js'
export { acceptedUpdates, createAggregator, expectedModel } from './roles/aggregator/aggregator.js'
export type { Aggregator } from './roles/aggregator/aggregator.js'
export { nextGlobalModel } from './roles/aggregator/next-global-model.js'
export type { AggregationSpec } from './roles/aggregator/next-global-model.js'

export { scenarioSchema, TRAINER_BEHAVIOURS, VALIDATOR_BEHAVIOURS } from './scenario/scenario-schema.js'
export type { Scenario, ScenarioInput, TrainerBehaviour, ValidatorBehaviour } from './scenario/scenario-schema.js'
export { loadScenario, parseScenario } from './scenario/load-scenario.js'
export { runScenario } from './scenario/run-scenario.js'
export type { RunScenarioOptions } from './scenario/run-scenario.js'
export type { AttackRecord, AuditEvent, RoundRecord, RunParticipant, RunReport } from './scenario/run-report.js'
export { renderReportHtml } from './scenario/report-html.js'
export { writeReport } from './scenario/write-report.js'
export { auditTrail } from './scenario/audit-trail.js'
export { toJson } from './shared/to-json.js'

export { yumaDenseEpoch } from './mechanisms/consensus/yuma/dense-epoch.js'
export type { YumaDenseInput, YumaDenseParams, YumaDenseResult } from './mechanisms/consensus/yuma/dense-epoch.js'
export { yumaDenseClaim } from './mechanisms/consensus/yuma/dense-claim.js'
export type { YumaDenseClaim } from './mechanisms/consensus/yuma/dense-claim.js'
export { packU16Matrix, unpackU16Matrix } from './mechanisms/consensus/yuma/packed-matrix.js'
export { fromYumaOutput, yumaClaimStruct, yumaEpochArgs } from './ledger/contracts/yuma-epoch-args.js'
export type {
  YumaClaimStruct,
  YumaInputStruct,
  YumaOnChainResult,
  YumaOutputStruct,
  YumaParamsStruct,
} from './ledger/contracts/yuma-epoch-args.js'

// Later stages: data shards and grants, the model record and its lineage, inference (simple form).
export { registerShard } from './ledger/actions/data/register-shard.js'
export type { RegisterShardParameters, RegisterShardReturnType } from './ledger/actions/data/register-shard.js'
export { grantShard } from './ledger/actions/data/grant-shard.js'
export type { GrantShardParameters } from './ledger/actions/data/grant-shard.js'
export { listShards } from './ledger/actions/data/list-shards.js'
export type { DataShard } from './ledger/actions/data/list-shards.js'
export { getGrantedShards } from './ledger/actions/data/get-granted-shards.js'
export { buildLineage } from './ledger/actions/market/build-lineage.js'
export { publishModel } from './ledger/actions/market/publish-model.js'
export type { PublishModelParameters, PublishModelReturnType } from './ledger/actions/market/publish-model.js'
export { getModelRecord } from './ledger/actions/market/get-model-record.js'
export type { ModelRecord } from './ledger/actions/market/get-model-record.js'
export { verifyModelRecord } from './ledger/actions/market/verify-model-record.js'
export type { ModelRecordMismatch, VerifyModelRecordReturnType } from './ledger/actions/market/verify-model-record.js'
export {
  contributionProof,
  encodeLineage,
  lineageCid,
  lineageContributions,
  lineageRoot,
  parseLineage,
  shardsHash,
} from './ledger/contracts/lineage.js'
export type { Contribution, Lineage, LineageRound, LineageShard, LineageUpdate } from './ledger/contracts/lineage.js'
export { requestInference } from './ledger/actions/inference/request-inference.js'
export type { RequestInferenceParameters, RequestInferenceReturnType } from './ledger/actions/inference/request-inference.js'
export { INFERENCE_NO_CLASS, postInferenceResult } from './ledger/actions/inference/post-inference-result.js'
export type { PostInferenceResultParameters } from './ledger/actions/inference/post-inference-result.js'
export { refundInference } from './ledger/actions/inference/refund-inference.js'
export { getInferenceRequest } from './ledger/actions/inference/get-inference-request.js'
export type { InferenceRequest, InferenceStatus } from './ledger/actions/inference/get-inference-request.js'

export { getTaskDistributions } from './ledger/actions/task-distributions.js'
export type { TaskDistribution, TaskDistributions } from './ledger/actions/task-distributions.js'
export { acceptanceBar, lowerMedian, stakeWeightedMedian } from './mechanisms/consensus/training/acceptance.js'
export type { RoundJudgement, RoundScores } from './mechanisms/consensus/training/judgement.js'
export { flockJudgement } from './mechanisms/consensus/training/flock.js'
export { medianScoreJudgement } from './mechanisms/consensus/training/median-score.js'
export {
  EMPTY_YUMA_BOND_STATE,
  MAX_YUMA_TRAINERS,
  TRAINING_YUMA_PARAMS,
  YUMA_IMMUNITY_ROUNDS,
  registerTrainerUids,
  yumaJudgement,
  yumaUidToPrune,
} from './mechanisms/consensus/training/yuma-round.js'
export type { YumaBondState, YumaRoundInput, YumaRoundResult } from './mechanisms/consensus/training/yuma-round.js'
export { settleTrainingRound } from './mechanisms/consensus/training/settle-round.js'
export type {
  SettleTrainingRoundOptions,
  TrainingConsensusRule,
  TrainingRoundInput,
  TrainingRoundOutcome,
  UpdateFate,
} from './mechanisms/consensus/training/settle-round.js'
export { simulateTrainingRounds } from './mechanisms/consensus/training/simulate-rounds.js'
export type { PlayedRound, SimulatedRound, SimulatedTrainingConfig, SimulationResult } from './mechanisms/consensus/training/simulate-rounds.js'

// Peers over libp2p, content from peers, keys, and one participant as a long-running node.
export { createLibp2pPeer, DISCOVERY_TOPIC } from './peers/libp2p/create-libp2p-peer.js'
export type { Libp2pPeer, Libp2pPeerEvent, Libp2pPeerInit } from './peers/libp2p/create-libp2p-peer.js'
export { BLOCK_PROTOCOL } from './peers/libp2p/block-exchange.js'
export { loadOrCreatePeerKey } from './peers/libp2p/peer-key.js'
export { fetchingBlockstore } from './content/fetching-blockstore.js'
export type { BlockSource } from './content/fetching-blockstore.js'
export {
  DEFAULT_KEYSTORE_DIR,
  decryptKeystore,
  encryptKeystore,
  KEYSTORE_PASSWORD_ENV,
  listKeystores,
  readKeystoreFile,
  writeKeystoreFile,
} from './keys/keystore.js'
export type { KdfStrength, KeystoreEntry } from './keys/keystore.js'
export { findTraining } from './ledger/actions/training/find-training.js'
export { getRoundProgress, hasCommitted, hasRevealed, hasSubmitted } from './ledger/actions/training/round-progress.js'
export type { RoundProgress } from './ledger/actions/training/round-progress.js'
export {
  aggregatorParticipant,
  dueStep,
  playRound,
  ROUND_STAGES,
  STAGE_ROLE,
  stageClosesAt,
  stageOpensAt,
  trainerParticipant,
  validatorParticipant,
} from './roles/round-schedule.js'
export type { DueStep, RoundParticipant, RoundRole, RoundStage, RoundStep, StepResult } from './roles/round-schedule.js'
export { startNode } from './node/start-node.js'
export type { NodeInit, NodeRoleInit, RunningNode } from './node/start-node.js'
export { NODE_ROLES } from './node/node-context.js'
export type { NodeRole, NodeStatus } from './node/node-context.js'
export { openNetworkNode } from './node/open-network-node.js'
export type { NetworkNode, NetworkNodeInit } from './node/open-network-node.js'
export { createNodeLog } from './node/node-log.js'
export type { LogLevel, NodeLog } from './node/node-log.js'
export { loadDataPart } from './node/node-data.js'
export type { DataPartInit } from './node/node-data.js'
