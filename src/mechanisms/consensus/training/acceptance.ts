/**
 * The acceptance bar and the medians the training rules share (TrainingConsensus.sol's
 * `bar`, `lowerMedian` and `weightedMedian`), on scores in basis points.
 *
 * @packageDocumentation
 */

/**
 * The lower median: the element of rank floor((k − 1) / 2) of the values sorted ascending.
 *
 * @param values - at least one value.
 * @returns the lower median.
 * @example
 * ```ts
 * import { lowerMedian } from 'deai/mechanisms'
 * lowerMedian([4, 1, 3, 2]) // 2
 * ```
 */
export function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0
}

/**
 * The acceptance bar of a score vector: max(floorBps, floor(relativeBps × median / 10000)).
 *
 * @param floorBps - the absolute floor.
 * @param relativeBps - the share of the median that must be reached.
 * @param median - the vector's lower median.
 * @returns the bar in the vector's units.
 */
export function acceptanceBar(floorBps: number, relativeBps: number, median: number): number {
  return Math.max(floorBps, Math.floor((relativeBps * median) / 10_000))
}

/**
 * The stake-weighted median: the smallest value whose cumulative stake (values ascending)
 * reaches half the total, i.e. 2 × Σ{stake : value ≤ x} ≥ total.
 *
 * @param values - one value per validator.
 * @param stakes - one stake per validator.
 * @param total - the sum of the stakes (> 0).
 * @returns the median value.
 */
export function stakeWeightedMedian(values: readonly number[], stakes: readonly bigint[], total: bigint): number {
  const order = values.map((v, i) => [v, stakes[i] ?? 0n] as const).sort((a, b) => a[0] - b[0])
  let cumulative = 0n
  for (const [value, stake] of order) {
    cumulative += stake
    if (cumulative * 2n >= total) return value
  }
  return order.at(-1)?.[0] ?? 0
}
