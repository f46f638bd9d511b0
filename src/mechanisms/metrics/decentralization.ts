/**
 * All decentralization metrics of one distribution at once, as reports show them.
 *
 * @packageDocumentation
 */
import { gini } from './gini.js'
import { herfindahlHirschmanIndex } from './hhi.js'
import { normalizedEntropy } from './entropy.js'
import { nakamotoCoefficient } from './nakamoto.js'
import { toShares, type Distribution } from './distribution.js'
import { topKShare } from './top-k-share.js'

/** What {@link decentralization} returns; every field is JSON-safe. */
export type DecentralizationMetrics = {
  /** Number of entities, including those holding 0. */
  entities: number
  /** Number of entities holding more than 0. */
  holders: number
  /** Fewest entities holding more than 1/3 (can halt a BFT committee); 0 if nothing is held. */
  nakamotoOneThird: number
  /** Fewest entities holding more than 1/2 (majority control); 0 if nothing is held. */
  nakamotoOneHalf: number
  /** Gini coefficient in [0, (n − 1)/n]. */
  gini: number
  /** Herfindahl–Hirschman index Σ s² in [1/n, 1]. */
  hhi: number
  /** Shannon entropy of the shares over ln n, in [0, 1]. */
  entropy: number
  /** Share of the largest holder. */
  top1Share: number
  /** Share of the 5 largest holders. */
  top5Share: number
  /** Share of the 10 largest holders. */
  top10Share: number
}

/**
 * Every decentralization metric of a distribution (stake, rewards, validation power). An empty
 * or all-zero distribution gives 0 for every metric.
 *
 * @param values - Amounts held, one per entity (numbers or bigints).
 * @returns The metrics.
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 *
 * @example
 * ```ts
 * import { decentralization } from 'deai/mechanisms'
 * decentralization([100n, 50n, 25n, 25n]).nakamotoOneHalf // 2
 * ```
 */
export function decentralization(values: Distribution): DecentralizationMetrics {
  const { shares } = toShares(values)
  return {
    entities: shares.length,
    holders: shares.reduce((count, s) => count + (s > 0 ? 1 : 0), 0),
    nakamotoOneThird: nakamotoCoefficient(values, 1 / 3),
    nakamotoOneHalf: nakamotoCoefficient(values, 1 / 2),
    gini: gini(values),
    hhi: herfindahlHirschmanIndex(values),
    entropy: normalizedEntropy(values),
    top1Share: topKShare(values, 1),
    top5Share: topKShare(values, 5),
    top10Share: topKShare(values, 10),
  }
}
