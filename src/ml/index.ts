/**
 * `deai/ml`: TensorFlow.js on its wasm backend: Fashion-MNIST, partitions across participants,
 * seeded randomness, models as flat Float32Array weights, local training and evaluation.
 *
 * @packageDocumentation
 */

// Backend and seeded randomness
export { initMl } from './backend.js'
export type { InitMlErrorCode } from './backend.js'
export { createRandom, deriveSeed } from './random.js'
export type { Random, RandomErrorCode } from './random.js'
export { sampleDirichlet, sampleGamma, sampleNormal } from './distributions.js'

// Datasets and partitions
export { parseIdx } from './datasets/idx.js'
export type { IdxArray } from './datasets/idx.js'
export { sampleExamples, selectExamples, takeExamples } from './datasets/image-set.js'
export type { ImageSet } from './datasets/image-set.js'
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DEFAULT_DIR, FASHION_MNIST_DIR_ENV, fashionMnistDir, loadFashionMnist } from './datasets/fashion-mnist.js'
export type { FashionMnistSplit, LoadFashionMnistErrorCode, LoadFashionMnistParameters } from './datasets/fashion-mnist.js'
export { partitionIid } from './partition/iid.js'
export type { PartitionIidParameters } from './partition/iid.js'
export { partitionDirichlet } from './partition/dirichlet.js'
export type { PartitionDirichletParameters } from './partition/dirichlet.js'
export { partitionShards } from './partition/shards.js'
export type { PartitionShardsParameters } from './partition/shards.js'
export { partitionExamples } from './partition/partition-examples.js'
export type { PartitionExamplesParameters, PartitionSpec } from './partition/partition-examples.js'

// Models and training
export { MODEL_KINDS, assertModelKind, isModelKind, modelLayout, parameterCount } from './models/architecture.js'
export type { ModelKind, WeightSpec } from './models/architecture.js'
export { initialWeights } from './models/initial-weights.js'
export { createModel } from './models/create-model.js'
export { getWeights, setWeights } from './models/weights.js'
export type { SetWeightsErrorCode } from './models/weights.js'
export type { ExampleTransforms } from './train/examples.js'
export { trainLocal } from './train/train-local.js'
export type { TrainLocalErrorCode, TrainLocalParameters, TrainLocalReturnType } from './train/train-local.js'
export { evaluate } from './train/evaluate.js'
export type { EvaluateParameters, EvaluateReturnType } from './train/evaluate.js'
