import { describe, expect, test } from 'vitest'
import { sampleDirichlet, sampleGamma, sampleLogGamma, sampleNormal } from '../../src/ml/distributions.js'
import { createRandom } from '../../src/ml/random.js'

const SEED = 7

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0
  let squares = 0
  for (let i = 0; i < n; i++) {
    const x = draw()
    sum += x
    squares += x * x
  }
  const mean = sum / n
  return { mean, variance: squares / n - mean * mean }
}

describe('samplers', () => {
  test('normal has mean 0 and variance 1', () => {
    const random = createRandom(SEED)
    const { mean, variance } = moments(() => sampleNormal(random), 40_000)
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1)).toBeLessThan(0.03)
  })

  test.each([0.3, 1, 2.5, 10])('gamma(%s) has mean and variance equal to its shape', (shape) => {
    const random = createRandom(SEED)
    const { mean, variance } = moments(() => sampleGamma(random, shape), 40_000)
    expect(Math.abs(mean - shape) / shape).toBeLessThan(0.03)
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.08)
  })

  test('log-gamma stays finite for tiny shapes where gamma underflows', () => {
    const random = createRandom(SEED)
    for (let i = 0; i < 1000; i++) expect(Number.isFinite(sampleLogGamma(random, 0.001))).toBe(true)
  })

  test('dirichlet draws are probability vectors with the right means', () => {
    const random = createRandom(SEED)
    const alphas = [1, 2, 7]
    const sums = [0, 0, 0]
    let worst = 0
    for (let i = 0; i < 20_000; i++) {
      const p = sampleDirichlet(random, alphas)
      worst = Math.max(worst, Math.abs(p.reduce((a, b) => a + b, 0) - 1))
      p.forEach((v, k) => (sums[k]! += v))
    }
    expect(worst).toBeLessThan(1e-12)
    expect(sums.map((s) => s / 20_000)).toEqual([expect.closeTo(0.1, 2), expect.closeTo(0.2, 2), expect.closeTo(0.7, 2)])
  })

  test('dirichlet with tiny alpha is still normalised and concentrated', () => {
    const random = createRandom(SEED)
    const p = sampleDirichlet(random, new Array<number>(10).fill(0.001))
    expect(p.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(Math.max(...p)).toBeGreaterThan(0.9)
  })
})
