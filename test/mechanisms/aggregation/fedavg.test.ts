import { describe, expect, test } from 'vitest'
import { fedavg } from '../../../src/mechanisms/aggregation/fedavg.js'
import { expectClose, randomUpdates, rng, scalars } from './helpers.js'
import { refWeightedMean } from './reference.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 2201

describe('fedavg', () => {
  test('weights each update by its example count', () => {
    expect(fedavg(scalars([0, 1]), [1, 3])).toEqual(new Float32Array([0.75]))
    // Σ n_k w_k / Σ n_k = (10·1 + 30·2 + 60·4) / 100 = 3.1
    expectClose(fedavg([new Float32Array([1, -1]), new Float32Array([2, -2]), new Float32Array([4, -4])], [10, 30, 60]), [3.1, -3.1])
  })

  test('without weights is the plain mean', () => {
    expectClose(fedavg(scalars([1, 2, 3, 10])), [4])
  })

  test('an update with weight 0 does not count', () => {
    expect(fedavg(scalars([7, 1000]), [5, 0])).toEqual(new Float32Array([7]))
  })

  test('a single update comes back unchanged, as a copy', () => {
    const u = new Float32Array([0.1, -2.5, 3e-8])
    const out = fedavg([u], [42])
    expect(out).toEqual(u)
    expect(out).not.toBe(u)
  })

  test('follows float32 accumulation: scale by fround(n_k / N), add in order', () => {
    // 0.1·(1/3) + 0.2·(1/3) + 0.3·(1/3) step by step in float32.
    const f = Math.fround(1 / 3)
    let acc = Math.fround(Math.fround(0.1) * f)
    acc = Math.fround(acc + Math.fround(Math.fround(0.2) * f))
    acc = Math.fround(acc + Math.fround(Math.fround(0.3) * f))
    expect(fedavg(scalars([0.1, 0.2, 0.3]))[0]).toBe(acc)
  })

  test('agrees with a double-precision weighted mean within rtol 1e-6 on random inputs', () => {
    const rand = rng(SEED)
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(rand() * 12)
      // Positive values keep the mean away from 0, where float32 accumulation error is relative.
      const updates = randomUpdates(rand, n, 64).map((u) => u.map((v) => v + 2))
      const weights = updates.map(() => 1 + Math.floor(rand() * 500))
      expectClose(fedavg(updates, weights), refWeightedMean(updates, weights), 1e-6)
    }
  })

  test('rejects bad weights and bad updates', () => {
    expectDeaiErrorSync(() => fedavg(scalars([1, 2]), [0, 0]), 'AGGREGATION_INVALID_WEIGHTS')
    expectDeaiErrorSync(() => fedavg(scalars([1, 2]), [1]), 'AGGREGATION_INVALID_WEIGHTS')
    expectDeaiErrorSync(() => fedavg(scalars([1, 2]), [1, -1]), 'AGGREGATION_INVALID_WEIGHTS')
    expectDeaiErrorSync(() => fedavg(scalars([1, 2]), [1, Number.NaN]), 'AGGREGATION_INVALID_WEIGHTS')
    expectDeaiErrorSync(() => fedavg(scalars([1, Number.NaN])), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => fedavg(scalars([1, Number.POSITIVE_INFINITY])), 'AGGREGATION_NON_FINITE')
    // NaN is reported even where its weight is 0.
    expectDeaiErrorSync(() => fedavg(scalars([1, Number.NaN]), [1, 0]), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => fedavg([]), 'AGGREGATION_NO_UPDATES')
    expectDeaiErrorSync(() => fedavg([new Float32Array(2), new Float32Array(3)]), 'AGGREGATION_LENGTH_MISMATCH')
  })
})
