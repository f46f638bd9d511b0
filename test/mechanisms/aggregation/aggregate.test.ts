import { describe, expect, test } from 'vitest'
import {
  AGGREGATION_RULES,
  aggregate,
  aggregateWithSelection,
  selectUpdates,
  type AggregationRule,
} from '../../../src/mechanisms/aggregation/aggregate.js'
import { bulyan } from '../../../src/mechanisms/aggregation/bulyan.js'
import { fedavg } from '../../../src/mechanisms/aggregation/fedavg.js'
import { krum, multiKrum } from '../../../src/mechanisms/aggregation/krum.js'
import { median } from '../../../src/mechanisms/aggregation/median.js'
import { trimmedMean } from '../../../src/mechanisms/aggregation/trimmed-mean.js'
import { expectClose, permutation, randomUpdates, rng, scalars } from './helpers.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 7701

describe('aggregate', () => {
  const rand = rng(SEED)
  const updates = randomUpdates(rand, 11, 300)
  const weights = updates.map((_, i) => i + 1)

  test('dispatches to each rule with its options', () => {
    expect(aggregate('fedavg', updates, { weights })).toEqual(fedavg(updates, weights))
    expect(aggregate('median', updates)).toEqual(median(updates))
    expect(aggregate('trimmed-mean', updates, { beta: 0.3 })).toEqual(trimmedMean(updates, 0.3))
    expect(aggregate('trimmed-mean', updates)).toEqual(trimmedMean(updates, 0.2))
    expect(aggregate('krum', updates, { f: 2 })).toEqual(krum(updates, 2))
    expect(aggregate('multi-krum', updates, { f: 2, k: 5, weights })).toEqual(multiKrum(updates, { f: 2, k: 5, weights }))
    expect(aggregate('bulyan', updates, { f: 2 })).toEqual(bulyan(updates, 2))
  })

  test('every rule returns a new array and leaves the inputs alone', () => {
    const copies = updates.map((u) => Float32Array.from(u))
    for (const rule of AGGREGATION_RULES) {
      const out = aggregate(rule, updates, { f: 1 })
      expect(out).toHaveLength(300)
      expect(updates.includes(out)).toBe(false)
    }
    expect(updates).toEqual(copies)
  })

  test('every rule returns the update itself when all updates are identical', () => {
    const [u] = randomUpdates(rand, 1, 50)
    const same = Array.from({ length: 7 }, () => u!)
    for (const rule of ['median', 'trimmed-mean', 'krum', 'bulyan'] as const) expect(aggregate(rule, same, { f: 1 })).toEqual(u)
    // Averaging in float32 with factors fround(1/7), as Flower does, is exact only to rounding.
    for (const rule of ['fedavg', 'multi-krum'] as const) expectClose(aggregate(rule, same, { f: 1 }), u!, 1e-6)
  })

  test('no rule depends on the order of the updates (random inputs, so no score ties)', () => {
    const order = permutation(rand, updates.length)
    const shuffled = order.map((i) => updates[i]!)
    const shuffledWeights = order.map((i) => weights[i]!)
    for (const rule of AGGREGATION_RULES) {
      const options = { f: 2, k: 6 }
      const a = aggregate(rule, updates, { ...options, weights })
      const b = aggregate(rule, shuffled, { ...options, weights: shuffledWeights })
      // Float32 accumulation (FedAvg, Multi-Krum) depends on summation order within rounding.
      expectClose(b, a, 1e-6, 1e-6)
    }
    expect(aggregate('median', shuffled)).toEqual(aggregate('median', updates))
    expect(aggregate('krum', shuffled, { f: 2 })).toEqual(aggregate('krum', updates, { f: 2 }))
    expect(new Set(selectUpdates('bulyan', shuffled, { f: 2 }).map((i) => order[i]))).toEqual(new Set(selectUpdates('bulyan', updates, { f: 2 })))
  })

  test('accepts undefined options, as a parsed config may carry them', () => {
    expect(aggregate('multi-krum', updates, { f: undefined, k: undefined, weights: undefined, beta: undefined })).toEqual(multiKrum(updates))
  })

  test('rejects an unknown rule, no updates, bad shapes and bad weights', () => {
    expectDeaiErrorSync(() => aggregate('mean' as AggregationRule, updates), 'AGGREGATION_UNKNOWN_RULE')
    expectDeaiErrorSync(() => aggregate('median', []), 'AGGREGATION_NO_UPDATES')
    expectDeaiErrorSync(() => aggregate('median', [new Float32Array(3), new Float32Array(4)]), 'AGGREGATION_LENGTH_MISMATCH')
    const notFloat32 = [new Float32Array(2), new Float64Array(2)] as unknown as Float32Array[]
    expectDeaiErrorSync(() => aggregate('fedavg', notFloat32), 'AGGREGATION_INVALID_UPDATE')
    // Weights must describe the updates even for rules that ignore them.
    expectDeaiErrorSync(() => aggregate('median', updates, { weights: [1, 2] }), 'AGGREGATION_INVALID_WEIGHTS')
    for (const rule of AGGREGATION_RULES) {
      expectDeaiErrorSync(() => aggregate(rule, scalars([1, Number.NaN, 2, 3, 4, 5, 6, 7]), { f: 1 }), 'AGGREGATION_NON_FINITE')
    }
  })
})

describe('aggregateWithSelection', () => {
  const points = [
    [0, 0],
    [0.1, 0],
    [0, 0.2],
    [0.3, 0.1],
    [5, 5],
  ].map((p) => new Float32Array(p))

  test('reports the updates a selection rule kept and rejected', () => {
    expect(aggregateWithSelection('krum', points, { f: 1 })).toEqual({ aggregate: new Float32Array([0, 0]), kept: [0], rejected: [1, 2, 3, 4] })
    const multi = aggregateWithSelection('multi-krum', points, { f: 1, k: 3 })
    expect(multi.kept).toEqual([0, 1, 2])
    expect(multi.rejected).toEqual([3, 4])
    const b = aggregateWithSelection('bulyan', scalars([0, 2, 3, 5, 9, 13, 14]), { f: 1 })
    expect(b).toEqual({ aggregate: new Float32Array([17 / 3]), kept: [2, 3, 5, 0, 4], rejected: [1, 6] })
  })

  test('coordinate-wise rules keep every update', () => {
    for (const rule of ['fedavg', 'median', 'trimmed-mean'] as const) {
      const result = aggregateWithSelection(rule, points)
      expect(result.kept).toEqual([0, 1, 2, 3, 4])
      expect(result.rejected).toEqual([])
      expect(result.aggregate).toEqual(aggregate(rule, points))
    }
  })
})

describe('selectUpdates', () => {
  test('returns the kept indices of Krum, Multi-Krum and Bulyan', () => {
    const points = [[0, 0], [0.1, 0], [0, 0.2], [0.3, 0.1], [5, 5]].map((p) => new Float32Array(p))
    expect(selectUpdates('krum', points, { f: 1 })).toEqual([0])
    expect(selectUpdates('multi-krum', points, { f: 1, k: 3 })).toEqual([0, 1, 2])
    expect(selectUpdates('bulyan', scalars([0, 2, 3, 5, 9, 13, 14]), { f: 1 })).toEqual([2, 3, 5, 0, 4])
  })

  test('rejects a rule that does not select', () => {
    expectDeaiErrorSync(() => selectUpdates('median' as 'krum', scalars([1, 2, 3])), 'AGGREGATION_UNKNOWN_RULE')
  })
})
