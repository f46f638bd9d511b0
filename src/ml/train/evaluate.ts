/**
 * Evaluation of flat weights on labelled examples.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { loadTf } from '../backend.js'
import type { ImageSet } from '../datasets/image-set.js'
import { assertModelKind, type ModelKind } from '../models/architecture.js'
import { setWeights } from '../models/weights.js'
import { fillBatch, prepareExamples, type ExampleTransforms } from './examples.js'
import { cachedModel, crossEntropy, forward } from './model-cache.js'

export type EvaluateParameters = ExampleTransforms & {
  /** The model kind the weights belong to. */
  kind: ModelKind
  /** The weights to evaluate (flat, `parameterCount(kind)` values). */
  weights: Float32Array
  /** The labelled examples, e.g. the Fashion-MNIST test split. */
  data: ImageSet
  /**
   * Which examples of `data` to use.
   * @default all of `data`
   */
  indices?: ArrayLike<number>
  /**
   * Examples per forward pass (affects speed and memory, not results beyond float rounding).
   * @default 1000
   */
  batchSize?: number
}

export type EvaluateReturnType = {
  /** Fraction of examples whose most probable class is the label, in [0, 1]. */
  accuracy: number
  /** Mean cross-entropy. */
  loss: number
  /** Number of examples evaluated. */
  examples: number
}

/**
 * Measures accuracy and mean cross-entropy of `weights` on labelled examples. With the hooks,
 * it measures attacks too: e.g. a backdoor's success rate is the accuracy on triggered images
 * relabelled to the target class. Leaves no tensors behind.
 *
 * @param parameters model, weights, data and optional selection and hooks
 * @returns accuracy, loss and the number of examples
 * @throws DeaiError `ML_INVALID_DATA` on bad indices or no examples, `ML_WEIGHTS_MISMATCH`
 * @example
 * ```ts
 * import { evaluate, initialWeights, loadFashionMnist } from 'deai/ml'
 * const test = await loadFashionMnist({ split: 'test' })
 * const { accuracy } = await evaluate({ kind: 'mlp', weights: initialWeights('mlp', 1), data: test })
 * ```
 */
export async function evaluate(parameters: EvaluateParameters): Promise<EvaluateReturnType> {
  const { kind, weights, data, indices } = parameters
  const batchSize = parameters.batchSize ?? 1000
  assertModelKind(kind)
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DeaiError('ML_INVALID_DATA', `batchSize must be an integer ≥ 1, got ${String(batchSize)}.`, { fixes: ['Pass a batch size such as 1000.'] })
  }
  const tf = await loadTf()
  // Nothing below awaits: no other call can touch the shared model until this one returns.
  const { model, inputShape, inputSize, classes } = cachedModel(tf, kind)
  const examples = prepareExamples(data, indices, parameters, inputSize, classes)
  const n = examples.count
  if (n === 0) throw new DeaiError('ML_INVALID_DATA', 'There are no examples to evaluate on.', { fixes: ['Pass a non-empty selection.'] })
  setWeights(model, weights)

  const order = Array.from({ length: n }, (_, i) => i)
  const inputs = new Float32Array(Math.min(batchSize, n) * inputSize)
  const targets = new Float32Array(Math.min(batchSize, n) * classes)
  let correct = 0
  let lossSum = 0
  for (let from = 0; from < n; from += batchSize) {
    const size = Math.min(batchSize, n - from)
    fillBatch(examples, order, from, size, inputSize, classes, inputs, targets)
    tf.tidy(() => {
      const x = tf.tensor(inputs.subarray(0, size * inputSize), inputShape(size), 'float32')
      const y = tf.tensor2d(targets.subarray(0, size * classes), [size, classes], 'float32')
      const probabilities = forward(tf, model, x, false)
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), tf.argMax(y, 1)), 'float32'))
      correct += hits.dataSync()[0] ?? 0
      lossSum += tf.sum(crossEntropy(tf, probabilities, y)).dataSync()[0] ?? 0
    })
  }
  return { accuracy: correct / n, loss: lossSum / n, examples: n }
}
