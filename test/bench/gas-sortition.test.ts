import { beforeAll, describe, expect, test } from 'vitest'
import { benchSortitionGas, depthOf, formatSortitionGas } from '../../bench/gas-sortition.js'
import type { SortitionGasReport } from '../../bench/gas-sortition.js'

/**
 * The benchmark's claims at 100,000 keys (depth 17), kept without building that tree: trees of
 * 512 and 2,048 keys give the cost of one level, and the larger one is extrapolated from there.
 */
const DEPTH_AT_100K = depthOf(100_000)
const COLD_SLOAD = 2_100

let report: SortitionGasReport

beforeAll(async () => {
  report = await benchSortitionGas({ sizes: [100, 512, 2_048], stakers: [100], samples: 8 })
})

describe('benchSortitionGas', () => {
  test('a draw reads one slot per level, and a draw of 5 extrapolates under 250,000 gas at 100,000 keys', () => {
    const [, small, large] = report.trees
    if (small === undefined || large === undefined) throw new Error('missing tree sizes')
    expect([small.depth, large.depth, DEPTH_AT_100K]).toEqual([9, 11, 17])
    const perLevel = Number(large.draw1.mean - small.draw1.mean) / (large.depth - small.depth)
    expect(perLevel).toBeGreaterThan(COLD_SLOAD)
    expect(perLevel).toBeLessThan(COLD_SLOAD + 500)
    const extrapolated = Number(large.draw5.max) + 5 * perLevel * (DEPTH_AT_100K - large.depth)
    expect(extrapolated).toBeLessThan(250_000)
  })

  test('a set on an existing key writes one slot per level, about 125,000 transaction gas at 100,000 keys', () => {
    const [, small, large] = report.trees
    if (small === undefined || large === undefined) throw new Error('missing tree sizes')
    const perLevel = Number(large.setExisting.mean - small.setExisting.mean) / (large.depth - small.depth)
    // A cold read (2,100) and a write to a non-zero slot (2,900) per level, plus arithmetic.
    expect(perLevel).toBeGreaterThan(5_000)
    expect(perLevel).toBeLessThan(5_600)
    const extrapolated = Number(large.setExisting.max) + perLevel * (DEPTH_AT_100K - large.depth)
    expect(extrapolated).toBeLessThan(127_000)
    // A new key adds its leaf, its two index entries and the nodes it is the first leaf under.
    expect(large.setNew.min).toBeGreaterThan(large.setExisting.max)
  })

  test('the tree draws at a fraction of the O(n) draw already at 100 stakers', () => {
    const tree = report.trees.find((t) => t.keys === 100)
    const [linear] = report.linear
    if (tree === undefined || linear === undefined) throw new Error('missing the 100-key rows')
    expect(Number(linear.draw5.mean) / Number(tree.draw5.mean)).toBeGreaterThan(4)
    const lines = formatSortitionGas(report).split('\n')
    expect(lines.some((line) => /^100\s+7\s/.test(line))).toBe(true)
    expect(lines.at(-1)).toMatch(/^100\s+[\d,]+\s+[\d,]+\s+[\d.]+×$/)
  })
})
