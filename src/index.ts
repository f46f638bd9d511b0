/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'

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
  yumaReplaceUid,
  yumaResetBonds,
  yumaRunEpoch,
  yumaSetWeights,
} from './mechanisms/consensus/yuma/subnet-state.js'
export type { YumaSubnetState } from './mechanisms/consensus/yuma/subnet-state.js'
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
