/**
 * The Herfindahl–Hirschman index of a distribution.
 *
 * @packageDocumentation
 */
import { toShares, type Distribution } from './distribution.js'

/**
 * The Herfindahl–Hirschman index Σ sᵢ² over the entities' shares sᵢ: 1/n when n entities hold
 * equal shares, 1 when one holds everything. It is a fraction; multiply by 10 000 for the
 * antitrust convention (shares in percent). An empty or all-zero distribution gives 0.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @returns The index in [1/n, 1], or 0 when nothing is held.
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 *
 * @example
 * ```ts
 * import { herfindahlHirschmanIndex } from 'deai/mechanisms'
 * herfindahlHirschmanIndex([1, 2, 3, 4]) // 0.3
 * ```
 */
export function herfindahlHirschmanIndex(values: Distribution): number {
  const { shares, positive } = toShares(values)
  if (!positive) return 0
  let sum = 0
  for (const s of shares) sum += s * s
  return Math.min(1, sum)
}
