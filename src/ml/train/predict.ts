/**
 * Inference: the most probable class of each example under given weights.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { loadTf } from '../backend.js'
import type { ImageSet } from '../datasets/image-set.js'
import { assertModelKind, type ModelKind } from '../models/architecture.js'
import { setWeights } from '../models/weights.js'
import { fillBatch, prepareExamples } from './examples.js'
import { cachedModel, forward } from './model-cache.js'

export type PredictParameters = {
  kind: ModelKind
  weights: Float32Array
  data: ImageSet
  /** @default all of `data` */
  indices?: ArrayLike<number>
}

/**
 * Runs the model on examples (labels are ignored).
 *
 * @returns for each example, the predicted class and its probability.
 */
export async function predict(parameters: PredictParameters): Promise<{ classes: number[]; confidence: number[] }> {
  const { kind, weights, data, indices } = parameters
  assertModelKind(kind)
  const tf = await loadTf()
  const { model, inputShape, inputSize, classes } = cachedModel(tf, kind)
  const examples = prepareExamples(data, indices, {}, inputSize, classes)
  if (examples.count === 0) throw new DeaiError('ML_INVALID_DATA', 'There are no examples to run the model on.', { fixes: ['Pass a non-empty selection.'] })
  setWeights(model, weights)
  const order = Array.from({ length: examples.count }, (_, i) => i)
  const inputs = new Float32Array(examples.count * inputSize)
  const targets = new Float32Array(examples.count * classes)
  fillBatch(examples, order, 0, examples.count, inputSize, classes, inputs, targets)
  return tf.tidy(() => {
    const probabilities = forward(tf, model, tf.tensor(inputs, inputShape(examples.count), 'float32'), false)
    const best = Array.from(tf.argMax(probabilities, 1).dataSync())
    const top = Array.from(tf.max(probabilities, 1).dataSync())
    return { classes: best, confidence: top }
  })
}
