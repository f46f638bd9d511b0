import { describe, expect, test } from 'vitest'
import { pairwiseSquaredDistances } from '../../../src/mechanisms/aggregation/distances.js'
import { krum, krumScores, krumSelect, multiKrum, multiKrumSelect } from '../../../src/mechanisms/aggregation/krum.js'
import { expectClose, permutation, randomUpdates, rng } from './helpers.js'
import { refDistance, refKrumIndex, refKrumScores, refWeightedMean } from './reference.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 5501

const constants = (values: readonly number[]) => values.map((v) => new Float32Array(4).fill(v))
const points = [
  [0, 0],
  [0.1, 0],
  [0, 0.2],
  [0.3, 0.1],
  [5, 5],
].map((p) => new Float32Array(p))
const all = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('pairwiseSquaredDistances', () => {
  test('is the symmetric matrix of squared distances with a zero diagonal', () => {
    const rand = rng(SEED)
    for (const n of [1, 2, 3, 5, 6, 9]) {
      const updates = randomUpdates(rand, n, 5000)
      const D = pairwiseSquaredDistances(updates)
      for (let i = 0; i < n; i++) {
        expect(D[i * n + i]).toBe(0)
        for (let j = 0; j < n; j++) {
          expect(D[i * n + j]).toBe(D[j * n + i])
          expect(Math.abs(D[i * n + j]! - refDistance(updates[i]!, updates[j]!))).toBeLessThanOrEqual(1e-12 * refDistance(updates[i]!, updates[j]!))
        }
      }
    }
  })

  test('reports NaN or infinite values', () => {
    expectDeaiErrorSync(() => pairwiseSquaredDistances([new Float32Array([1]), new Float32Array([Number.NaN])]), 'AGGREGATION_NON_FINITE')
    expectDeaiErrorSync(() => pairwiseSquaredDistances([new Float32Array([Number.NEGATIVE_INFINITY])]), 'AGGREGATION_NON_FINITE')
  })
})

describe('krum', () => {
  test("Flower's vector: 0.2 / 0.7 / 1.0 with f = 1 returns 0.7, the lower index of a tie", () => {
    const updates = constants([0.2, 0.7, 1.0])
    const scores = krumScores(pairwiseSquaredDistances(updates), 3, all(3), 1)
    expect(scores[0]).toBeCloseTo(1.0, 6)
    expect(scores[1]).toBeCloseTo(0.36, 6)
    expect(scores[2]).toBe(scores[1])
    expect(krumSelect(updates, 1)).toBe(1)
    expect(krum(updates, 1)).toEqual(updates[1])
  })

  test('2-D points with f = 1 (m = 2): scores 0.05, 0.06, 0.09, 0.15, 94.14', () => {
    const scores = krumScores(pairwiseSquaredDistances(points), 5, all(5), 1)
    const expected = [0.05, 0.06, 0.09, 0.15, 94.14]
    expected.forEach((e, i) => expect(scores[i]).toBeCloseTo(e, 5))
    expect(krum(points, 1)).toEqual(new Float32Array([0, 0]))
  })

  test('returns a copy of the chosen update', () => {
    const out = krum(points, 1)
    expect(out).not.toBe(points[0])
  })

  test('ties go to the lower index', () => {
    // Two identical pairs: every score is the same.
    const updates = constants([1, 1, 1])
    expect(krumSelect(updates)).toBe(0)
    expect(krumSelect([new Float32Array([0]), new Float32Array([2])])).toBe(0)
  })

  test('a single update is its own Krum choice', () => {
    expect(krum([new Float32Array([3, 4])])).toEqual(new Float32Array([3, 4]))
  })

  test('when m ≥ n − 1 the score sums all other distances', () => {
    const updates = constants([0, 1, 3])
    // n = 3, f = 0: m = max(1, 1) = 1; with f = 0 and n = 4 it is 2 = n - 2.
    const scores = krumScores(pairwiseSquaredDistances(updates), 3, all(3), 0)
    expect([...scores]).toEqual([4, 4, 16])
    const four = constants([0, 1, 3, 10])
    const s4 = krumScores(pairwiseSquaredDistances(four), 4, all(4), 0)
    expect(s4[0]).toBe(4 * (1 + 9))
  })

  test('matches a reference implementation on random inputs', () => {
    const rand = rng(SEED + 1)
    for (let trial = 0; trial < 25; trial++) {
      const n = 1 + Math.floor(rand() * 15)
      const f = Math.floor(rand() * n)
      const updates = randomUpdates(rand, n, 40)
      const scores = krumScores(pairwiseSquaredDistances(updates), n, all(n), f)
      refKrumScores(updates, f).forEach((e, i) => expect(Math.abs(scores[i]! - e)).toBeLessThanOrEqual(1e-12 * e))
      expect(krumSelect(updates, f)).toBe(refKrumIndex(updates, f))
    }
  })

  test('picks the same update whatever the order, when scores are distinct', () => {
    const rand = rng(SEED + 2)
    const updates = randomUpdates(rand, 10, 50)
    const order = permutation(rand, 10)
    const shuffled = order.map((i) => updates[i]!)
    expect(order[krumSelect(shuffled, 2)]).toBe(krumSelect(updates, 2))
  })

  test('rejects a bad f', () => {
    expectDeaiErrorSync(() => krum(points, -1), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => krum(points, 1.5), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => krum(points, 5), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => krum(points, Number.NaN), 'AGGREGATION_INVALID_OPTION')
  })
})

describe('multiKrum', () => {
  test("Flower's vector: 0.2 / 0.5 / 1.0 with k = 2 gives 0.35", () => {
    expectClose(multiKrum(constants([0.2, 0.5, 1.0]), { f: 1, k: 2 }), [0.35, 0.35, 0.35, 0.35])
  })

  test('2-D points, k = 3: equal weights give (0.0333, 0.0667); n_k = 1..5 give (0.0333, 0.1)', () => {
    expect(multiKrumSelect(points, { f: 1, k: 3 })).toEqual([0, 1, 2])
    expectClose(multiKrum(points, { f: 1, k: 3 }), [0.1 / 3, 0.2 / 3])
    expectClose(multiKrum(points, { f: 1, k: 3, weights: [1, 2, 3, 4, 5] }), [0.2 / 6, 0.6 / 6])
  })

  test('keeps min(k, n) updates', () => {
    expect(multiKrumSelect(points, { f: 1, k: 50 })).toEqual([0, 1, 2, 3, 4])
    expect(multiKrumSelect(constants([0.2, 0.5, 1.0]), { k: 4 })).toHaveLength(3)
  })

  test('k defaults to n − f', () => {
    expect(multiKrumSelect(points, { f: 1 })).toEqual([0, 1, 2, 3])
  })

  test('with k = 1 it is Krum', () => {
    const rand = rng(SEED + 3)
    const updates = randomUpdates(rand, 8, 30)
    expect(multiKrum(updates, { f: 2, k: 1 })).toEqual(krum(updates, 2))
  })

  test('averages the kept updates by examples, best score first', () => {
    const rand = rng(SEED + 4)
    for (let trial = 0; trial < 10; trial++) {
      const n = 4 + Math.floor(rand() * 10)
      const f = Math.floor(rand() * (n / 3))
      const k = 1 + Math.floor(rand() * n)
      const updates = randomUpdates(rand, n, 30).map((u) => u.map((v) => v + 3))
      const weights = updates.map(() => 1 + Math.floor(rand() * 100))
      const kept = multiKrumSelect(updates, { f, k })
      const scores = refKrumScores(updates, f)
      const expectedOrder = all(n).sort((a, b) => scores[a]! - scores[b]! || a - b)
      expect(kept).toEqual(expectedOrder.slice(0, k))
      const ref = refWeightedMean(
        kept.map((i) => updates[i]!),
        kept.map((i) => weights[i]!),
      )
      expectClose(multiKrum(updates, { f, k, weights }), ref, 1e-6)
    }
  })

  test('rejects a bad k and weights that do not match', () => {
    expectDeaiErrorSync(() => multiKrum(points, { k: 0 }), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => multiKrum(points, { k: 2.5 }), 'AGGREGATION_INVALID_OPTION')
    expectDeaiErrorSync(() => multiKrum(points, { k: 2, weights: [1, 2] }), 'AGGREGATION_INVALID_WEIGHTS')
    expectDeaiErrorSync(() => multiKrum(points, { f: 1, k: 3, weights: [0, 0, 0, 1, 1] }), 'AGGREGATION_INVALID_WEIGHTS')
  })
})
