/**
 * Creates a fresh, seeded tfjs model of a built-in kind.
 *
 * @packageDocumentation
 */
import type * as Tf from '@tensorflow/tfjs'
import { loadTf } from '../backend.js'
import { assertModelKind, type ModelKind } from './architecture.js'
import { buildModel } from './build-model.js'
import { initialWeights } from './initial-weights.js'
import { setWeights } from './weights.js'

/**
 * Builds a tfjs model of `kind` holding {@link initialWeights}(kind, seed): the same seed gives
 * bit-identical weights. The caller owns the model and should `model.dispose()` it when done.
 * (deai's {@link trainLocal} and {@link evaluate} do not need one: they keep their own.)
 * To run it yourself, feed it pixels standardised as training does:
 * `(v / 255 - PIXEL_MEAN) / PIXEL_STD`, shaped [n, 784] (`mlp`) or [n, 28, 28, 1] (`cnn`).
 *
 * @param kind `mlp` or `cnn`
 * @param seed any safe integer
 * @returns an uncompiled sequential model on the wasm backend
 * @throws DeaiError `ML_UNKNOWN_MODEL`, `ML_BACKEND_UNAVAILABLE`
 * @example
 * ```ts
 * import { createModel, getWeights } from 'deai/ml'
 * const model = await createModel('cnn', 7)
 * const flat = getWeights(model)
 * model.dispose()
 * ```
 */
export async function createModel(kind: ModelKind, seed: number): Promise<Tf.Sequential> {
  assertModelKind(kind)
  const weights = initialWeights(kind, seed)
  const tf = await loadTf()
  const model = buildModel(tf, kind)
  setWeights(model, weights)
  return model
}
