/**
 * Moves a model's weights to and from one flat Float32Array, the form in which deai stores,
 * sends and aggregates them.
 *
 * @packageDocumentation
 */
import type * as Tf from '@tensorflow/tfjs'
import { DeaiError } from '../../errors/base.js'
import { tfSync } from '../backend.js'
import type { DeaiErrorCodes } from '../../errors/codes.js'

/** Error codes thrown by {@link setWeights}. */
export type SetWeightsErrorCode = DeaiErrorCodes<'ML_WEIGHTS_MISMATCH'>

function sizeOf(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((a, b) => a * (b ?? 0), 1)
}

function weightCount(model: Tf.LayersModel): number {
  return model.weights.reduce((sum, w) => sum + sizeOf(w.shape), 0)
}

/**
 * Copies all of a model's weights into one flat vector, tensor by tensor in the order
 * `model.weights` lists them (for deai's models: the order of {@link modelLayout}).
 *
 * @param model a tfjs layers model
 * @returns a new vector holding every weight
 * @example
 * ```ts
 * import { createModel, getWeights } from 'deai/ml'
 * const model = await createModel('mlp', 1)
 * const flat = getWeights(model) // Float32Array(235146)
 * ```
 */
export function getWeights(model: Tf.LayersModel): Float32Array {
  const flat = new Float32Array(weightCount(model))
  let offset = 0
  for (const weight of model.weights) {
    const values = weight.read().dataSync()
    flat.set(values, offset)
    offset += values.length
  }
  return flat
}

/**
 * Writes a flat vector (as made by {@link getWeights}) into a model's weights.
 *
 * @param model a tfjs layers model
 * @param flat exactly as many values as the model has weights; it is copied, not kept
 * @throws DeaiError `ML_WEIGHTS_MISMATCH` when the length differs from the model's weight count
 */
export function setWeights(model: Tf.LayersModel, flat: Float32Array): void {
  const expected = weightCount(model)
  if (!(flat instanceof Float32Array) || flat.length !== expected) {
    const got = flat instanceof Float32Array ? `${flat.length} values` : 'not a Float32Array'
    throw new DeaiError('ML_WEIGHTS_MISMATCH', `The weight vector does not fit the model: expected ${expected} float32 values, got ${got}.`, {
      fixes: ['Use weights produced for the same model kind (parameterCount(kind) tells the length).'],
    })
  }
  const tf = tfSync()
  let offset = 0
  for (const weight of model.weights) {
    const size = sizeOf(weight.shape)
    const value = tf.tensor(flat.subarray(offset, offset + size), weight.shape.map((d) => d ?? 0), 'float32')
    // write() makes the variable share the new tensor's data; releasing our handle leaves it alive.
    weight.write(value)
    value.dispose()
    offset += size
  }
}
