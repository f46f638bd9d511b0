import type { ContentStore } from '../../content/content-store.js'
import { aggregate } from '../../mechanisms/aggregation/aggregate.js'
import type { AggregationRule, AggregationSpec } from '../../mechanisms/aggregation/aggregate.js'

export type { AggregationSpec } from '../../mechanisms/aggregation/aggregate.js'

/**
 * The Byzantine count `f` a rule uses over `n` updates: the configured one, else a fifth of n,
 * and never more than the rule allows (Krum and Multi-Krum: f < n; Bulyan: n ≥ 4f + 3).
 */
export function byzantineCount(spec: AggregationSpec, n: number): number {
  const wanted = 'f' in spec && spec.f !== undefined ? spec.f : Math.floor(n / 5)
  const limit = spec.rule === 'bulyan' ? Math.floor((n - 3) / 4) : n - 1
  return Math.max(0, Math.min(wanted, limit))
}

/**
 * The next global model: the task's aggregation rule over the round's accepted updates (by
 * CID, with their example counts). With no accepted update, the model stays as it was. With
 * too few updates for Bulyan, the coordinate-wise median stands in (it needs no minimum).
 * Deterministic: every honest node computes the same bits, so the posted model's CID can be
 * checked by recomputing it.
 */
export async function nextGlobalModel(content: ContentStore, previousCid: string, accepted: readonly { cid: string; examples: number }[], spec: AggregationSpec): Promise<Float32Array> {
  if (accepted.length === 0) return content.getTensor(previousCid)
  const updates = []
  for (const update of accepted) updates.push(await content.getTensor(update.cid))
  const n = updates.length
  const f = byzantineCount(spec, n)
  let rule: AggregationRule = spec.rule
  if (rule === 'bulyan' && n < 4 * f + 3) rule = 'median'
  return aggregate(rule, updates, {
    weights: accepted.map((u) => u.examples),
    f,
    ...(spec.rule === 'trimmed-mean' ? { beta: spec.beta } : {}),
    ...(spec.rule === 'multi-krum' && spec.k !== undefined ? { k: spec.k } : {}),
  })
}
