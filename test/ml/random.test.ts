import { describe, expect, test } from 'vitest'
import { createRandom, deriveSeed } from '../../src/ml/random.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

const SEED = 2002

function first(seed: number, n: number): number[] {
  const random = createRandom(seed)
  return Array.from({ length: n }, () => random.nextUint32())
}

describe('createRandom', () => {
  test('gives a pinned stream for a seed, so a change to the generator shows up in review', () => {
    expect(first(1, 4)).toEqual([3689238470, 1978804220, 3724506883, 3707941935])
    expect(first(0, 2)).toEqual([1311701456, 930055015])
  })

  test('repeats exactly for the same seed and differs across nearby seeds', () => {
    expect(first(SEED, 100)).toEqual(first(SEED, 100))
    expect(first(SEED, 8)).not.toEqual(first(SEED + 1, 8))
    expect(first(-5, 8)).not.toEqual(first(5, 8))
    expect(first(2 ** 40, 8)).not.toEqual(first(2 ** 40 + 1, 8))
  })

  test('rejects seeds that are not safe integers', () => {
    expectDeaiErrorSync(() => createRandom(1.5), 'RANDOM_INVALID_SEED')
    expectDeaiErrorSync(() => createRandom(Number.NaN), 'RANDOM_INVALID_SEED')
    expectDeaiErrorSync(() => createRandom(2 ** 60), 'RANDOM_INVALID_SEED')
  })

  test('nextFloat stays in [0, 1) with mean near 1/2', () => {
    const random = createRandom(SEED)
    let sum = 0
    let min = 1
    let max = 0
    for (let i = 0; i < 20_000; i++) {
      const x = random.nextFloat()
      min = Math.min(min, x)
      max = Math.max(max, x)
      sum += x
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
    expect(sum / 20_000).toBeCloseTo(0.5, 2)
  })

  test('nextInt covers its range evenly', () => {
    const random = createRandom(SEED)
    const counts = new Array<number>(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[random.nextInt(7)]! += 1
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400)
    expectDeaiErrorSync(() => random.nextInt(0), 'RANDOM_INVALID_ARGUMENT')
    expectDeaiErrorSync(() => random.nextInt(2.5), 'RANDOM_INVALID_ARGUMENT')
  })

  test('shuffle returns a permutation and depends on the seed', () => {
    const a = createRandom(SEED).shuffle(Array.from({ length: 50 }, (_, i) => i))
    const b = createRandom(SEED + 1).shuffle(Array.from({ length: 50 }, (_, i) => i))
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(a).not.toEqual(b)
  })
})

describe('deriveSeed', () => {
  test('is deterministic and separates paths', () => {
    expect(deriveSeed(1, 2, 3)).toBe(3918497621)
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2))
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 2, 0))
    const seen = new Set<number>()
    for (let round = 0; round < 20; round++) for (let t = 0; t < 20; t++) seen.add(deriveSeed(SEED, round, t))
    expect(seen.size).toBe(400)
  })
})
