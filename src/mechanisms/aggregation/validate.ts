/**
 * Input checks shared by the aggregation rules. Every rule validates what it reads, so each
 * rule is safe to call on its own, not only through `aggregate`.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'

/**
 * Checks that there is at least one update, that every update is a Float32Array and that all
 * have the same length.
 *
 * @param updates - The client updates, one flat vector each.
 * @returns The common length d of the updates.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE` or
 *   `AGGREGATION_LENGTH_MISMATCH`.
 */
export function assertUpdates(updates: readonly Float32Array[]): number {
  // Plain-JS callers may pass anything; `as unknown` keeps the guard from widening the type to any[].
  if (!Array.isArray(updates as unknown) || updates.length === 0) {
    throw new DeaiError('AGGREGATION_NO_UPDATES', 'There are no updates to aggregate.', {
      fixes: ['Pass at least one update (a Float32Array) to the aggregation rule.'],
    })
  }
  const first = updates[0]
  if (!(first instanceof Float32Array)) throw invalidUpdate(0, first)
  const d = first.length
  for (let k = 1; k < updates.length; k++) {
    const update = updates[k]
    if (!(update instanceof Float32Array)) throw invalidUpdate(k, update)
    if (update.length !== d) {
      throw new DeaiError('AGGREGATION_LENGTH_MISMATCH', `Update ${k} has ${update.length} values but update 0 has ${d}.`, {
        fixes: ['Flatten every update of one model the same way, so all updates have the same length.'],
      })
    }
  }
  return d
}

function invalidUpdate(index: number, value: unknown): DeaiError {
  const seen = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value
  return new DeaiError('AGGREGATION_INVALID_UPDATE', `Update ${index} is not a Float32Array (got ${seen}).`, {
    fixes: ['Pass each update as one flat Float32Array (all layers concatenated).'],
  })
}

/**
 * Finds the first value that is NaN or infinite.
 *
 * @param updates - The updates.
 * @param indices - Which updates to scan, in order. @default all
 * @returns `[update index, coordinate]` of the first non-finite value, or undefined.
 */
export function findNonFinite(updates: readonly Float32Array[], indices?: readonly number[]): [number, number] | undefined {
  const count = indices === undefined ? updates.length : indices.length
  for (let r = 0; r < count; r++) {
    const k = indices === undefined ? r : indices[r]!
    const u = updates[k]!
    for (let i = 0; i < u.length; i++) {
      // v - v is NaN for NaN and for ±Infinity, and 0 for every finite v.
      const v = u[i]!
      if (v - v !== 0) return [k, i]
    }
  }
  return undefined
}

/**
 * The error for a NaN or infinite value in an update.
 *
 * @param update - Index of the offending update.
 * @param coordinate - Index of the offending value inside it.
 * @param value - The value.
 * @returns A DeaiError with code `AGGREGATION_NON_FINITE`.
 */
export function nonFiniteError(update: number, coordinate: number, value: number): DeaiError {
  return new DeaiError('AGGREGATION_NON_FINITE', `Update ${update} holds ${value} at coordinate ${coordinate}.`, {
    fixes: ['Reject or repair updates with NaN or infinite values before aggregating them.'],
  })
}

/**
 * Throws if any update holds a NaN or infinite value. Rules call it lazily (only when their
 * output or distances came out non-finite), so the common case pays no extra pass.
 *
 * @param updates - The updates.
 * @param indices - Which updates to scan. @default all
 * @throws DeaiError `AGGREGATION_NON_FINITE`.
 */
export function assertFinite(updates: readonly Float32Array[], indices?: readonly number[]): void {
  const hit = findNonFinite(updates, indices)
  if (hit !== undefined) throw nonFiniteError(hit[0], hit[1], updates[hit[0]]![hit[1]]!)
}

/**
 * Checks example-count weights: one per update, each finite and non-negative.
 *
 * @param weights - The weights, or undefined for equal weights.
 * @param n - The number of updates.
 * @returns The weights, or n ones when none were given.
 * @throws DeaiError `AGGREGATION_INVALID_WEIGHTS`.
 */
export function resolveWeights(weights: readonly number[] | undefined, n: number): readonly number[] {
  if (weights === undefined) return new Array<number>(n).fill(1)
  if (!Array.isArray(weights as unknown) || weights.length !== n) {
    const got = Array.isArray(weights as unknown) ? `${weights.length} weights` : typeof weights
    throw new DeaiError('AGGREGATION_INVALID_WEIGHTS', `Expected ${n} weights (one per update), got ${got}.`, {
      fixes: ['Pass one example count per update, in the same order as the updates, or omit weights.'],
    })
  }
  for (let k = 0; k < n; k++) {
    const w = weights[k]
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new DeaiError('AGGREGATION_INVALID_WEIGHTS', `Weight ${k} is ${String(w)}; weights must be finite and non-negative.`, {
        fixes: ['Use the number of training examples behind each update as its weight.'],
      })
    }
  }
  return weights
}

/**
 * Checks the assumed number of Byzantine updates f: an integer with 0 ≤ f < n.
 *
 * @param f - The value given, or undefined for the default 0.
 * @param n - The number of updates.
 * @returns f.
 * @throws DeaiError `AGGREGATION_INVALID_OPTION`.
 */
export function resolveF(f: number | undefined, n: number): number {
  if (f === undefined) return 0
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= n) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `f (assumed Byzantine updates) is ${String(f)}; it must be an integer with 0 ≤ f < n = ${n}.`, {
      fixes: ['Set f to the number of updates you assume may be malicious, fewer than the number of updates.'],
    })
  }
  return f
}
