/**
 * Seeded initial weights, computed without TensorFlow.js.
 *
 * @packageDocumentation
 */
import { createRandom } from '../random.js'
import { modelLayout, type ModelKind } from './architecture.js'

/** Salt that derives a task's initial-model seed from its run seed (`deriveSeed(seed, INITIAL_MODEL_SALT)`). */
export const INITIAL_MODEL_SALT = 0x1417

/**
 * The initial flat weights of a model kind: kernels drawn Glorot-uniform (Keras's default,
 * U(-l, l) with l = sqrt(6 / (fanIn + fanOut))) from a generator seeded with `seed`, biases
 * zero. Pure and platform-independent, so a task can publish a seed instead of a weight file
 * and everyone derives the same starting model.
 *
 * @param kind the model kind
 * @param seed any safe integer
 * @returns a new vector of `parameterCount(kind)` values
 * @throws DeaiError `ML_UNKNOWN_MODEL` for an unknown kind, `RANDOM_INVALID_SEED` for a bad seed
 * @example
 * ```ts
 * import { initialWeights } from 'deai/ml'
 * const w0 = initialWeights('mlp', 1) // Float32Array(235146)
 * ```
 */
export function initialWeights(kind: ModelKind, seed: number): Float32Array {
  const layout = modelLayout(kind)
  const last = layout[layout.length - 1]
  const flat = new Float32Array(last === undefined ? 0 : last.offset + last.size)
  const random = createRandom(seed)
  for (const spec of layout) {
    if (spec.role !== 'kernel') continue
    const limit = Math.sqrt(6 / (spec.fanIn + spec.fanOut))
    for (let i = spec.offset; i < spec.offset + spec.size; i++) flat[i] = (2 * random.nextFloat() - 1) * limit
  }
  return flat
}
