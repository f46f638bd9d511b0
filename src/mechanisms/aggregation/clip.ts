/**
 * L2 norm clipping of an update, the clipping step of DP-FedAvg and a common defence against
 * scaled (model-replacement) updates.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'
import { assertFinite, assertUpdates } from './validate.js'

/**
 * The Euclidean norm of a vector, accumulated in double precision.
 *
 * @param update - The vector.
 * @returns ‖update‖₂.
 */
export function l2Norm(update: Float32Array): number {
  let s = 0
  for (let i = 0; i < update.length; i++) {
    const v = update[i]!
    s += v * v
  }
  return Math.sqrt(s)
}

/**
 * Scales an update by min(1, maxNorm / ‖update‖₂) so its L2 norm is at most `maxNorm`.
 * Pass the update as a difference from the global model (Δ = w − x), as Flower's fixed clipping
 * does. A zero update is returned unchanged (Flower divides by zero there).
 *
 * @param update - The update Δ, one flat Float32Array.
 * @param maxNorm - The clipping bound C, finite and > 0.
 * @returns A new Float32Array (a copy when no clipping was needed).
 * @throws DeaiError `AGGREGATION_INVALID_OPTION` for a bad bound, `AGGREGATION_INVALID_UPDATE`
 *   or `AGGREGATION_NON_FINITE` for a bad update.
 *
 * @example
 * ```ts
 * import { clipByNorm } from './clip.js'
 * clipByNorm(new Float32Array([3, 4]), 1) // Float32Array [0.6, 0.8]
 * ```
 */
export function clipByNorm(update: Float32Array, maxNorm: number): Float32Array {
  assertUpdates([update])
  if (typeof maxNorm !== 'number' || !Number.isFinite(maxNorm) || !(maxNorm > 0)) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `maxNorm is ${String(maxNorm)}; it must be a finite number > 0.`, {
      fixes: ['Choose a clipping bound C > 0, for example the median norm of honest updates.'],
    })
  }
  const norm = l2Norm(update)
  if (!Number.isFinite(norm)) assertFinite([update])
  const scale = norm > maxNorm ? maxNorm / norm : 1
  const out = new Float32Array(update.length)
  for (let i = 0; i < update.length; i++) out[i] = update[i]! * scale
  return out
}
