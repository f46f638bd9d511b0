import type { AggregationSpec } from '../roles/aggregator/next-global-model.js'
import type { Scenario } from './scenario-schema.js'

/**
 * The aggregation a scenario configures, and the parameter the training contract records for
 * it (trimmed mean: beta in bps; Krum and Bulyan: f; Multi-Krum: k).
 */
export function aggregationSpec(scenario: Scenario): { spec: AggregationSpec; param: number } {
  const a = scenario.mechanisms.aggregation
  switch (a.rule) {
    case 'trimmed-mean':
      return { spec: { rule: a.rule, beta: a.beta }, param: Math.round(a.beta * 10_000) }
    case 'krum':
    case 'bulyan':
      return { spec: { rule: a.rule, f: a.f }, param: a.f ?? 0 }
    case 'multi-krum':
      return { spec: { rule: a.rule, f: a.f, k: a.k }, param: a.k ?? 0 }
    default:
      return { spec: { rule: a.rule }, param: 0 }
  }
}

