import type { AggregationSpec } from '../mechanisms/aggregation/aggregate.js'
import { encodeAggregation } from '../ledger/training-config.js'
import type { Scenario } from './scenario-schema.js'

/**
 * The aggregation a scenario configures, and the parameter the training contract records for
 * it (see {@link encodeAggregation}).
 */
export function aggregationSpec(scenario: Scenario): { spec: AggregationSpec; param: number } {
  const spec: AggregationSpec = scenario.mechanisms.aggregation
  return { spec, param: encodeAggregation(spec).aggregationParam }
}
