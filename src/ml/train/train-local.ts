/**
 * Local training: a participant's SGD epochs on its own examples, starting from given weights.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { loadTf } from '../backend.js'
import type { ImageSet } from '../datasets/image-set.js'
import { assertModelKind, type ModelKind } from '../models/architecture.js'
import { getWeights, setWeights } from '../models/weights.js'
import { createRandom } from '../random.js'
import { fillBatch, prepareExamples, type ExampleTransforms } from './examples.js'
import { cachedModel, crossEntropy, forward } from './model-cache.js'
import type { DeaiErrorCodes } from '../../errors/codes.js'

export type TrainLocalParameters = ExampleTransforms & {
  /** The model kind the weights belong to. */
  kind: ModelKind
  /** Starting weights (flat, `parameterCount(kind)` values). Not modified. */
  weights: Float32Array
  /** The data set the examples come from. */
  data: ImageSet
  /**
   * Which examples of `data` to train on (e.g. one client's partition).
   * @default all of `data`
   */
  indices?: ArrayLike<number>
  /**
   * Passes over the examples.
   * @default 1
   */
  epochs?: number
  /**
   * Examples per SGD step; the last step of an epoch takes the remainder.
   * @default 32
   */
  batchSize?: number
  /**
   * SGD step size.
   * @default 0.05
   */
  learningRate?: number
  /** Seed of the per-epoch shuffles. */
  seed: number
}

export type TrainLocalReturnType = {
  /** The trained weights (a new vector). */
  weights: Float32Array
  /** Number of examples trained on (per epoch): the weight of this update in FedAvg. */
  examples: number
  /** Mean cross-entropy over the last epoch's steps, weighted by step size. */
  loss: number
}

/** Error codes thrown by {@link trainLocal}. */
export type TrainLocalErrorCode = DeaiErrorCodes<
  | 'ML_INVALID_TRAINING'
  | 'ML_INVALID_DATA'
  | 'ML_WEIGHTS_MISMATCH'
  | 'ML_UNKNOWN_MODEL'
  | 'ML_BACKEND_UNAVAILABLE'
>

function invalid(message: string, fix: string): DeaiError {
  return new DeaiError('ML_INVALID_TRAINING', message, { fixes: [fix] })
}

/**
 * Trains a model of `kind` from `weights` with plain SGD (no momentum) on the selected
 * examples, and returns the new weights.
 *
 * Deterministic: before every epoch the examples are shuffled with a generator seeded by
 * `seed` (tfjs's own shuffling, which uses Math.random, is never used), and the wasm backend
 * runs single-threaded, so equal inputs give bit-identical weights. Pixels are standardised
 * with Fashion-MNIST's mean and deviation ((v / 255 - 0.286) / 0.353); `evaluate` does the same.
 * Leaves no tensors behind.
 *
 * The call runs synchronously once tfjs is loaded, so concurrent calls never interleave on the
 * shared model; a call blocks the event loop while it trains.
 *
 * @param parameters model, starting weights, data, hyper-parameters, seed and optional hooks
 * @returns the trained weights, the number of examples and the last epoch's mean loss
 * @throws DeaiError `ML_INVALID_TRAINING` on bad hyper-parameters or no examples,
 *   `ML_INVALID_DATA` on bad indices or hook results, `ML_WEIGHTS_MISMATCH` on a wrong-length
 *   weight vector
 * @example
 * ```ts
 * import { initialWeights, loadFashionMnist, partitionIid, trainLocal } from 'deai/ml'
 * const train = await loadFashionMnist({ split: 'train' })
 * const parts = partitionIid({ count: train.count, clients: 10, seed: 1 })
 * const update = await trainLocal({ kind: 'mlp', weights: initialWeights('mlp', 1), data: train, indices: parts[0], seed: 2 })
 * ```
 */
export async function trainLocal(parameters: TrainLocalParameters): Promise<TrainLocalReturnType> {
  const { kind, weights, data, indices, seed } = parameters
  const epochs = parameters.epochs ?? 1
  const batchSize = parameters.batchSize ?? 32
  const learningRate = parameters.learningRate ?? 0.05
  assertModelKind(kind)
  if (!Number.isInteger(epochs) || epochs < 1) throw invalid(`epochs must be an integer ≥ 1, got ${String(epochs)}.`, 'Pass epochs ≥ 1.')
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalid(`batchSize must be an integer ≥ 1, got ${String(batchSize)}.`, 'Pass a batch size such as 32.')
  }
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw invalid(`learningRate must be a positive number, got ${String(learningRate)}.`, 'Pass a learning rate such as 0.05.')
  }
  const random = createRandom(seed)
  const tf = await loadTf()
  // Nothing below awaits: no other call can touch the shared model until this one returns.
  const { model, variables, inputShape, inputSize, classes } = cachedModel(tf, kind)
  const examples = prepareExamples(data, indices, parameters, inputSize, classes)
  const n = examples.count
  if (n === 0) throw invalid('There are no examples to train on.', 'Pass a non-empty `indices` (or data with examples).')
  setWeights(model, weights)

  const order = Array.from({ length: n }, (_, i) => i)
  const inputs = new Float32Array(Math.min(batchSize, n) * inputSize)
  const targets = new Float32Array(Math.min(batchSize, n) * classes)
  const optimizer = tf.train.sgd(learningRate)
  let loss = Number.NaN
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      random.shuffle(order)
      let sum = 0
      for (let from = 0; from < n; from += batchSize) {
        const size = Math.min(batchSize, n - from)
        fillBatch(examples, order, from, size, inputSize, classes, inputs, targets)
        const cost = tf.tidy(() => {
          const x = tf.tensor(inputs.subarray(0, size * inputSize), inputShape(size), 'float32')
          const y = tf.tensor2d(targets.subarray(0, size * classes), [size, classes], 'float32')
          const step = optimizer.minimize(() => tf.mean(crossEntropy(tf, forward(tf, model, x, true), y)), true, variables)
          return step === null ? Number.NaN : (step.dataSync()[0] ?? Number.NaN)
        })
        sum += cost * size
      }
      loss = sum / n
    }
    return { weights: getWeights(model), examples: n, loss }
  } finally {
    optimizer.dispose()
  }
}
