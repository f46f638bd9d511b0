/**
 * One entry point over every aggregation rule, chosen by name (as a scenario file names it).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { bulyanSelect, bulyanWithSelection } from './bulyan.js'
import { fedavg, weightedAverage } from './fedavg.js'
import { multiKrumSelect, krumSelect } from './krum.js'
import { median } from './median.js'
import { DEFAULT_TRIM_BETA, trimmedMean } from './trimmed-mean.js'
import { assertUpdates, resolveWeights } from './validate.js'

/**
 * Every aggregation rule, by the name scenario files use, in the order of the training
 * contract's `ITrainingRounds.Aggregation` enum (a test holds the two to the same members).
 */
export const AGGREGATION_RULES = ['fedavg', 'median', 'trimmed-mean', 'krum', 'multi-krum', 'bulyan'] as const

/** The name of an aggregation rule. */
export type AggregationRule = (typeof AGGREGATION_RULES)[number]

/** The aggregation a task runs, with its parameters. */
export type AggregationSpec =
  | { rule: 'fedavg' }
  | { rule: 'median' }
  | { rule: 'trimmed-mean'; beta: number }
  | { rule: 'krum'; f?: number | undefined }
  | { rule: 'multi-krum'; f?: number | undefined; k?: number | undefined }
  | { rule: 'bulyan'; f?: number | undefined }

/** The rules that keep or drop whole updates. */
export type SelectionRule = 'krum' | 'multi-krum' | 'bulyan'

/** Options of {@link aggregate}; each rule reads only the ones it uses. */
export type AggregateOptions = {
  /**
   * Example counts n_k, one per update. Only FedAvg and Multi-Krum's averaging use them; the
   * median, trimmed mean, Krum's choice and Bulyan ignore them, as in Flower. @default all 1
   */
  weights?: readonly number[] | undefined
  /** Assumed number of Byzantine updates, for Krum, Multi-Krum and Bulyan. @default 0 */
  f?: number | undefined
  /** Fraction trimmed from each side by the trimmed mean. @default 0.2 */
  beta?: number | undefined
  /** How many updates Multi-Krum keeps (min(k, n) are kept). @default n − f */
  k?: number | undefined
}

/** What {@link aggregateWithSelection} returns. */
export type AggregationResult = {
  /** The aggregated update. */
  aggregate: Float32Array
  /**
   * Indices of the updates the rule kept, in the order it chose them (Krum: one; Multi-Krum:
   * best score first; Bulyan: in selection order). Coordinate-wise rules (FedAvg, median,
   * trimmed mean) drop no whole update, so they list every index in order.
   */
  kept: number[]
  /** Indices of the updates the rule dropped, ascending. */
  rejected: number[]
}

/**
 * Aggregates client updates with the named rule. Semantics follow Flower (see each rule's file):
 *
 * - `fedavg`: Σ n_k·w_k / Σ n_k.
 * - `median`: coordinate-wise median; even counts average the two middle values.
 * - `trimmed-mean`: per coordinate drop trunc(β·n) values from each side, average the rest.
 * - `krum`: the update with the lowest Krum score (sum of its m = max(1, n − f − 2) smallest
 *   squared distances to the others), the lowest index on ties.
 * - `multi-krum`: the example-weighted mean of the min(k, n) lowest-scoring updates.
 * - `bulyan`: iterative Krum selection of n − 2f updates, then per coordinate the mean of the
 *   n − 4f values nearest their median; needs n ≥ 4f + 3.
 *
 * @param rule - Which rule.
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param options - weights, f, beta, k.
 * @returns A new Float32Array; the inputs are never modified.
 * @throws DeaiError `AGGREGATION_UNKNOWN_RULE`, `AGGREGATION_NO_UPDATES`,
 *   `AGGREGATION_INVALID_UPDATE`, `AGGREGATION_LENGTH_MISMATCH`, `AGGREGATION_NON_FINITE`,
 *   `AGGREGATION_INVALID_WEIGHTS`, `AGGREGATION_INVALID_OPTION` or `AGGREGATION_TOO_FEW_UPDATES`.
 *
 * @example
 * ```ts
 * import { aggregate } from 'deai/mechanisms'
 * const updates = [1, 2, 3, 103].map((v) => new Float32Array([v]))
 * aggregate('trimmed-mean', updates, { beta: 0.25 }) // Float32Array [2.5]
 * aggregate('median', updates) // Float32Array [2.5]
 * ```
 */
export function aggregate(rule: AggregationRule, updates: readonly Float32Array[], options: AggregateOptions = {}): Float32Array {
  return aggregateWithSelection(rule, updates, options).aggregate
}

/**
 * Like {@link aggregate}, and also reports which updates the rule kept and rejected, so the
 * protocol can record accepted and rejected updates without computing distances twice.
 *
 * @param rule - Which rule.
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param options - weights, f, beta, k.
 * @returns The aggregate and the kept and rejected indices.
 * @throws DeaiError as {@link aggregate}.
 */
export function aggregateWithSelection(rule: AggregationRule, updates: readonly Float32Array[], options: AggregateOptions = {}): AggregationResult {
  assertRule(rule)
  assertUpdates(updates)
  const n = updates.length
  const all = Array.from({ length: n }, (_, i) => i)
  // Weights given to a rule that ignores them must still describe these updates.
  const weights = resolveWeights(options.weights, n)
  switch (rule) {
    case 'fedavg':
      return { aggregate: fedavg(updates, weights), kept: all, rejected: [] }
    case 'median':
      return { aggregate: median(updates), kept: all, rejected: [] }
    case 'trimmed-mean':
      return { aggregate: trimmedMean(updates, options.beta ?? DEFAULT_TRIM_BETA), kept: all, rejected: [] }
    case 'krum': {
      const kept = [krumSelect(updates, options.f)]
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- kept holds the one index krumSelect chose from updates
      return { aggregate: Float32Array.from(updates[kept[0]!]!), kept, rejected: complement(kept, n) }
    }
    case 'multi-krum': {
      const kept = multiKrumSelect(updates, { f: options.f, k: options.k })
      return { aggregate: weightedAverage(updates, kept, weights), kept, rejected: complement(kept, n) }
    }
    case 'bulyan': {
      const { aggregate, kept } = bulyanWithSelection(updates, options.f)
      return { aggregate, kept, rejected: complement(kept, n) }
    }
  }
}

/**
 * The indices a selection rule keeps, without computing the aggregate.
 *
 * @param rule - `krum`, `multi-krum` or `bulyan`.
 * @param updates - The client updates, one flat Float32Array each, all the same length.
 * @param options - f, and k for Multi-Krum.
 * @returns The kept indices in the order the rule chose them (see {@link AggregationResult}).
 * @throws DeaiError as {@link aggregate}.
 *
 * @example
 * ```ts
 * import { selectUpdates } from 'deai/mechanisms'
 * const updates = [[0, 0], [0.1, 0], [0, 0.2], [0.3, 0.1], [5, 5]].map((p) => new Float32Array(p))
 * selectUpdates('multi-krum', updates, { f: 1, k: 3 }) // [0, 1, 2]
 * ```
 */
export function selectUpdates(rule: SelectionRule, updates: readonly Float32Array[], options: Pick<AggregateOptions, 'f' | 'k'> = {}): number[] {
  switch (rule) {
    case 'krum':
      return [krumSelect(updates, options.f)]
    case 'multi-krum':
      return multiKrumSelect(updates, { f: options.f, k: options.k })
    case 'bulyan':
      return bulyanSelect(updates, options.f)
    default:
      throw new DeaiError('AGGREGATION_UNKNOWN_RULE', `"${String(rule)}" is not a selection rule.`, {
        fixes: ['Use one of: krum, multi-krum, bulyan.'],
      })
  }
}

function assertRule(rule: unknown): asserts rule is AggregationRule {
  if (!(AGGREGATION_RULES as readonly unknown[]).includes(rule)) {
    throw new DeaiError('AGGREGATION_UNKNOWN_RULE', `"${String(rule)}" is not an aggregation rule.`, {
      fixes: [`Use one of: ${AGGREGATION_RULES.join(', ')}.`],
    })
  }
}

function complement(kept: readonly number[], n: number): number[] {
  const isKept = new Uint8Array(n)
  for (const k of kept) isKept[k] = 1
  const rejected: number[] = []
  for (let i = 0; i < n; i++) if (isKept[i] === 0) rejected.push(i)
  return rejected
}
