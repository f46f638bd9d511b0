/**
 * Federated averaging: the example-weighted mean of the updates (McMahan et al., Flower's FedAvg).
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'
import { assertFinite, assertUpdates, resolveWeights } from './validate.js'

/**
 * The example-weighted mean Σ n_k·w_k / Σ n_k of the updates.
 *
 * Arithmetic follows Flower's default in-place path (and its Message API) step by step: the
 * factors n_k / N are computed in double and cast to float32, the first update is scaled, then
 * each other update is scaled and added in order, every step rounded to float32. The result is
 * therefore bit-identical to Flower's for the same inputs and order.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param weights - Example counts n_k, one per update. @default all 1 (the plain mean)
 * @returns A new Float32Array.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE` or `AGGREGATION_INVALID_WEIGHTS`
 *   (also when the weights sum to 0).
 *
 * @example
 * ```ts
 * import { fedavg } from './fedavg.js'
 * fedavg([new Float32Array([0]), new Float32Array([1])], [1, 3]) // Float32Array [0.75]
 * ```
 */
export function fedavg(updates: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  assertUpdates(updates)
  const w = resolveWeights(weights, updates.length)
  return weightedAverage(updates, updates.map((_, k) => k), w)
}

/**
 * The example-weighted mean of the chosen updates, summed in the order given. Shared by FedAvg
 * and by Multi-Krum's averaging step. Inputs must already be validated.
 *
 * @param updates - All updates.
 * @param chosen - Indices of the updates to average, in summation order (non-empty).
 * @param weights - Weights of all updates (indexed like `updates`).
 * @returns A new Float32Array.
 * @throws DeaiError `AGGREGATION_INVALID_WEIGHTS` if the chosen weights sum to 0, or
 *   `AGGREGATION_NON_FINITE`.
 */
export function weightedAverage(updates: readonly Float32Array[], chosen: readonly number[], weights: readonly number[]): Float32Array {
  let total = 0
  for (const k of chosen) total += weights[k]!
  if (!(total > 0)) {
    throw new DeaiError('AGGREGATION_INVALID_WEIGHTS', 'The weights of the updates to average sum to 0.', {
      fixes: ['Give at least one averaged update a positive example count.'],
    })
  }
  const first = chosen[0]!
  const d = updates[first]!.length
  const out = new Float32Array(d)
  const f0 = Math.fround(weights[first]! / total)
  const u0 = updates[first]!
  // A product of two float32 values is exact in double, so one rounding on store equals float32 math.
  for (let i = 0; i < d; i++) out[i] = u0[i]! * f0
  for (let c = 1; c < chosen.length; c++) {
    const k = chosen[c]!
    const fk = Math.fround(weights[k]! / total)
    const u = updates[k]!
    // Round the product to float32 before adding, as numpy does with a float32 temporary.
    for (let i = 0; i < d; i++) out[i] = out[i]! + Math.fround(u[i]! * fk)
  }
  // Non-finite input always leaves a non-finite output, so scan the inputs only then; a finite
  // overflow to ±Infinity is returned as Flower would.
  let finite = true
  for (let i = 0; i < d; i++) {
    const v = out[i]!
    if (v - v !== 0) {
      finite = false
      break
    }
  }
  if (!finite) assertFinite(updates, chosen)
  return out
}
