import { expect } from 'vitest'

/** A seeded PRNG (mulberry32) returning values in [0, 1). */
export function rng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** n updates of length d with values uniform in [-scale, scale). */
export function randomUpdates(rand: () => number, n: number, d: number, scale = 1): Float32Array[] {
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => (rand() * 2 - 1) * scale))
}

/** Scalars as one-coordinate updates. */
export function scalars(values: readonly number[]): Float32Array[] {
  return values.map((v) => new Float32Array([v]))
}

/** A Fisher–Yates shuffle of the indices 0..n-1. */
export function permutation(rand: () => number, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| coordinate by coordinate. */
export function expectClose(actual: Float32Array, expected: ArrayLike<number>, rtol = 1e-6, atol = 0): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`coordinate ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`)
    }
  }
}

