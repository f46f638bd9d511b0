/**
 * Krum and Multi-Krum (Blanchard et al., NIPS 2017), with Flower's definitions.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */
import { DeaiError } from '../../errors/base.js'
import { pairwiseSquaredDistances } from './distances.js'
import { weightedAverage } from './fedavg.js'
import { assertUpdates, resolveF, resolveWeights } from './validate.js'

/**
 * Krum scores of a set of updates. With m = max(1, |members| − f − 2), the score of member i is
 * the sum of its m smallest squared distances to the other members (all of them when
 * m ≥ |members| − 1; 0 for a single member), summed smallest first in double precision.
 *
 * @param distances - Squared distances between all n updates, row-major n×n.
 * @param n - Number of updates behind `distances`.
 * @param members - Indices of the updates to score (Bulyan scores a shrinking set).
 * @param f - Assumed number of Byzantine updates.
 * @returns One score per member, in the order of `members`.
 */
export function krumScores(distances: Float64Array, n: number, members: readonly number[], f: number): Float64Array {
  const size = members.length
  const m = Math.max(1, size - f - 2)
  const scores = new Float64Array(size)
  const row = new Float64Array(Math.max(0, size - 1))
  for (let a = 0; a < size; a++) {
    const i = members[a]!
    let len = 0
    for (let b = 0; b < size; b++) {
      if (b !== a) row[len++] = distances[i * n + members[b]!]!
    }
    row.sort()
    let score = 0
    const take = Math.min(m, len)
    for (let p = 0; p < take; p++) score += row[p]!
    scores[a] = score
  }
  return scores
}

/**
 * Members ordered by Krum score, lowest first; equal scores keep the order of `members`
 * (so the lower index wins when members are ascending).
 *
 * @param distances - Squared distances between all n updates, row-major n×n.
 * @param n - Number of updates behind `distances`.
 * @param members - Indices of the updates to rank.
 * @param f - Assumed number of Byzantine updates.
 * @returns The members, best first.
 */
export function rankByKrumScore(distances: Float64Array, n: number, members: readonly number[], f: number): number[] {
  const scores = krumScores(distances, n, members, f)
  const order = members.map((_, a) => a)
  // Array.prototype.sort is stable, so ties stay in member order.
  order.sort((a, b) => scores[a]! - scores[b]!)
  return order.map((a) => members[a]!)
}

/**
 * The index Krum chooses: the update with the lowest score, the lowest index on ties.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param f - Assumed number of Byzantine updates, 0 ≤ f < n. @default 0
 * @returns The chosen index.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE` or `AGGREGATION_INVALID_OPTION`.
 */
export function krumSelect(updates: readonly Float32Array[], f?: number): number {
  assertUpdates(updates)
  const fv = resolveF(f, updates.length)
  return rankByKrumScore(pairwiseSquaredDistances(updates), updates.length, indices(updates.length), fv)[0]!
}

/**
 * Krum: a copy of the single update with the lowest Krum score (lowest index on ties). No
 * averaging happens and weights play no part.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param f - Assumed number of Byzantine updates, 0 ≤ f < n. @default 0
 * @returns A new Float32Array equal to the chosen update.
 * @throws DeaiError as {@link krumSelect}.
 *
 * @example
 * ```ts
 * import { krum } from './krum.js'
 * krum([0.2, 0.7, 1.0].map((v) => new Float32Array(4).fill(v)), 1) // Float32Array [0.7, 0.7, 0.7, 0.7]
 * ```
 */
export function krum(updates: readonly Float32Array[], f?: number): Float32Array {
  return Float32Array.from(updates[krumSelect(updates, f)]!)
}

/** Options of {@link multiKrum} and {@link multiKrumSelect}. */
export type MultiKrumOptions = {
  /** Assumed number of Byzantine updates, 0 ≤ f < n. @default 0 */
  f?: number | undefined
  /**
   * How many updates to keep; min(k, n) are kept. Flower's MultiKrum defaults to 1 (plain
   * Krum); here the default is Blanchard et al.'s n − f. @default n − f
   */
  k?: number | undefined
  /** Example counts, one per update, used to average the kept updates. @default all 1 */
  weights?: readonly number[] | undefined
}

/**
 * The indices Multi-Krum keeps: the min(k, n) lowest Krum scores, lowest score first, the lower
 * index first on ties.
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param options - f and k.
 * @returns The kept indices, best first.
 * @throws DeaiError `AGGREGATION_NO_UPDATES`, `AGGREGATION_INVALID_UPDATE`,
 *   `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE` or `AGGREGATION_INVALID_OPTION`.
 */
export function multiKrumSelect(updates: readonly Float32Array[], options: MultiKrumOptions = {}): number[] {
  assertUpdates(updates)
  const n = updates.length
  const f = resolveF(options.f, n)
  const k = resolveK(options.k, n, f)
  return rankByKrumScore(pairwiseSquaredDistances(updates), n, indices(n), f).slice(0, Math.min(k, n))
}

/**
 * Multi-Krum: keep the min(k, n) updates with the lowest Krum scores and average them weighted
 * by example counts (FedAvg arithmetic, summed best score first, as Flower's Message API).
 *
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param options - f, k and weights.
 * @returns A new Float32Array.
 * @throws DeaiError as {@link multiKrumSelect}, or `AGGREGATION_INVALID_WEIGHTS`.
 *
 * @example
 * ```ts
 * import { multiKrum } from './krum.js'
 * multiKrum([0.2, 0.5, 1.0].map((v) => new Float32Array(4).fill(v)), { f: 1, k: 2 }) // ≈ 0.35 everywhere
 * ```
 */
export function multiKrum(updates: readonly Float32Array[], options: MultiKrumOptions = {}): Float32Array {
  assertUpdates(updates)
  const weights = resolveWeights(options.weights, updates.length)
  return weightedAverage(updates, multiKrumSelect(updates, options), weights)
}

/**
 * Checks Multi-Krum's k: an integer ≥ 1 (values above n keep all n).
 *
 * @param k - The value given, or undefined for n − f.
 * @param n - Number of updates.
 * @param f - Assumed number of Byzantine updates.
 * @returns k.
 * @throws DeaiError `AGGREGATION_INVALID_OPTION`.
 */
export function resolveK(k: number | undefined, n: number, f: number): number {
  if (k === undefined) return n - f
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new DeaiError('AGGREGATION_INVALID_OPTION', `k (updates Multi-Krum keeps) is ${String(k)}; it must be an integer ≥ 1.`, {
      fixes: ['Set k to how many of the best-scoring updates to average, for example n − f.'],
    })
  }
  return k
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
