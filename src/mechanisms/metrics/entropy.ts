/**
 * The normalized Shannon entropy of a distribution.
 *
 * @packageDocumentation
 */
import { toShares, type Distribution } from './distribution.js'

/**
 * Shannon entropy of the shares divided by its maximum: −Σ sᵢ ln sᵢ / ln n, with 0·ln 0 = 0 and n
 * the number of entities including those holding 0. 1 means perfectly even, 0 means one entity
 * holds everything. A single entity gives 0 (it holds everything; the 0/0 is defined that way),
 * and so does an empty or all-zero distribution.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @returns The normalized entropy in [0, 1].
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 *
 * @example
 * ```ts
 * import { normalizedEntropy } from 'deai/mechanisms'
 * normalizedEntropy([5, 5, 0, 0]) // 0.5: ln 2 / ln 4
 * ```
 */
export function normalizedEntropy(values: Distribution): number {
  const { shares, positive } = toShares(values)
  const n = shares.length
  if (!positive || n < 2) return 0
  let h = 0
  for (const s of shares) if (s > 0) h -= s * Math.log(s)
  return Math.min(1, Math.max(0, h / Math.log(n)))
}
