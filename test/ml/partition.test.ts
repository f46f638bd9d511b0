import { describe, expect, test } from 'vitest'
import { partitionDirichlet } from '../../src/ml/partition/dirichlet.js'
import { partitionIid } from '../../src/ml/partition/iid.js'
import { partitionExamples } from '../../src/ml/partition/partition-examples.js'
import { partitionShards } from '../../src/ml/partition/shards.js'
import { createRandom } from '../../src/ml/random.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

const SEED = 11

/** 1,000 labels, 100 of each of 10 classes, in a seeded random order. */
const labels = createRandom(SEED).shuffle(Array.from({ length: 1000 }, (_, i) => i % 10))

function expectDisjoint(parts: number[][]): void {
  const all = parts.flat()
  expect(new Set(all).size).toBe(all.length)
  for (const part of parts) expect(part).toEqual([...part].sort((a, b) => a - b))
}

function expectCovers(parts: number[][], count: number): void {
  expect(parts.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i))
}

/** Mean over clients of the share of the client's most common class (1 = one class each). */
function skew(parts: number[][]): number {
  let total = 0
  for (const part of parts) {
    const counts = new Array<number>(10).fill(0)
    for (const i of part) counts[labels[i] ?? 0]! += 1
    total += Math.max(...counts) / part.length
  }
  return total / parts.length
}

describe('partitionIid', () => {
  test('uses every index once, in near-equal parts', () => {
    const parts = partitionIid({ count: 1003, clients: 10, seed: SEED })
    expectDisjoint(parts)
    expectCovers(parts, 1003)
    expect(parts.map((p) => p.length)).toEqual([101, 101, 101, 100, 100, 100, 100, 100, 100, 100])
  })

  test('is reproducible by seed and mixes the order', () => {
    const a = partitionIid({ count: 500, clients: 5, seed: SEED })
    expect(partitionIid({ count: 500, clients: 5, seed: SEED })).toEqual(a)
    expect(partitionIid({ count: 500, clients: 5, seed: SEED + 1 })).not.toEqual(a)
    expect(a[0]).not.toEqual(Array.from({ length: 100 }, (_, i) => i))
  })

  test('rejects impossible splits', () => {
    expectDeaiErrorSync(() => partitionIid({ count: 3, clients: 4, seed: 1 }), 'ML_INVALID_PARTITION')
    expectDeaiErrorSync(() => partitionIid({ count: 10, clients: 0, seed: 1 }), 'ML_INVALID_PARTITION')
  })
})

describe('partitionDirichlet', () => {
  test('uses every index exactly once and is reproducible', () => {
    const parts = partitionDirichlet({ labels, clients: 10, alpha: 0.5, seed: SEED })
    expectDisjoint(parts)
    expectCovers(parts, labels.length)
    expect(parts.every((p) => p.length >= 1)).toBe(true)
    expect(partitionDirichlet({ labels, clients: 10, alpha: 0.5, seed: SEED })).toEqual(parts)
    expect(partitionDirichlet({ labels, clients: 10, alpha: 0.5, seed: SEED + 1 })).not.toEqual(parts)
  })

  test('label skew grows as alpha shrinks', () => {
    const at = (alpha: number): number => skew(partitionDirichlet({ labels, clients: 10, alpha, seed: SEED }))
    const [s100, s1, s01] = [at(100), at(1), at(0.1)]
    expect(s100).toBeLessThan(0.2)
    expect(s1).toBeGreaterThan(s100 + 0.1)
    expect(s01).toBeGreaterThan(s1 + 0.1)
  })

  test('honours minPerClient by redrawing, and reports when it cannot', () => {
    const parts = partitionDirichlet({ labels, clients: 10, alpha: 0.1, seed: SEED, minPerClient: 40 })
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(40)
    expectCovers(parts, labels.length)
    expectDeaiErrorSync(() => partitionDirichlet({ labels, clients: 10, alpha: 0.01, seed: SEED, minPerClient: 99, maxAttempts: 5 }), 'ML_PARTITION_INFEASIBLE')
    expectDeaiErrorSync(() => partitionDirichlet({ labels, clients: 10, alpha: 1, seed: SEED, minPerClient: 101 }), 'ML_PARTITION_INFEASIBLE')
  })

  test('rejects bad arguments', () => {
    expectDeaiErrorSync(() => partitionDirichlet({ labels, clients: 10, alpha: 0, seed: 1 }), 'ML_INVALID_PARTITION')
    expectDeaiErrorSync(() => partitionDirichlet({ labels: [0, 1, 12], clients: 2, alpha: 1, seed: 1, classes: 10 }), 'ML_INVALID_PARTITION')
  })
})

describe('partitionShards', () => {
  test('gives each client perTrainer label-sorted shards', () => {
    // 20 shards of 50 over 100 examples per class: every shard holds one class.
    const parts = partitionShards({ labels, clients: 10, perTrainer: 2, seed: SEED })
    expectDisjoint(parts)
    expectCovers(parts, labels.length)
    for (const part of parts) {
      expect(part.length).toBe(100)
      expect(new Set(part.map((i) => labels[i])).size).toBeLessThanOrEqual(2)
    }
    expect(partitionShards({ labels, clients: 10, perTrainer: 2, seed: SEED })).toEqual(parts)
    expect(partitionShards({ labels, clients: 10, perTrainer: 2, seed: SEED + 1 })).not.toEqual(parts)
  })

  test('leaves out the remainder when the count does not divide', () => {
    const parts = partitionShards({ labels, clients: 3, perTrainer: 2, seed: SEED })
    expectDisjoint(parts)
    expect(parts.map((p) => p.length)).toEqual([332, 332, 332])
    expect(parts.flat().length).toBe(996)
  })

  test('rejects more shards than examples', () => {
    expectDeaiErrorSync(() => partitionShards({ labels: [0, 1, 2], clients: 2, perTrainer: 2, seed: 1 }), 'ML_INVALID_PARTITION')
  })
})

describe('partitionExamples', () => {
  test('dispatches on the scenario partition spec', () => {
    const base = { labels, clients: 5, seed: SEED }
    expect(partitionExamples({ kind: 'iid' }, base)).toEqual(partitionIid({ count: 1000, clients: 5, seed: SEED }))
    expect(partitionExamples({ kind: 'dirichlet', alpha: 0.3 }, base)).toEqual(partitionDirichlet({ ...base, alpha: 0.3 }))
    expect(partitionExamples({ kind: 'shards', perTrainer: 3 }, base)).toEqual(partitionShards({ ...base, perTrainer: 3 }))
  })
})
