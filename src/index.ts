/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'
export { AGGREGATION_RULES, aggregate, aggregateWithSelection, selectUpdates } from './mechanisms/aggregation/aggregate.js'
export type { AggregateOptions, AggregationResult, AggregationRule, SelectionRule } from './mechanisms/aggregation/aggregate.js'
export { clipByNorm, l2Norm } from './mechanisms/aggregation/clip.js'
export { decentralization } from './mechanisms/metrics/decentralization.js'
export type { DecentralizationMetrics } from './mechanisms/metrics/decentralization.js'
export type { Distribution } from './mechanisms/metrics/distribution.js'
export { normalizedEntropy } from './mechanisms/metrics/entropy.js'
export { gini } from './mechanisms/metrics/gini.js'
export { herfindahlHirschmanIndex } from './mechanisms/metrics/hhi.js'
export { nakamotoCoefficient } from './mechanisms/metrics/nakamoto.js'
export { topKShare } from './mechanisms/metrics/top-k-share.js'
