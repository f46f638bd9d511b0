import { beforeAll, describe, expect, test } from 'vitest'
import { benchSortitionGas, depthOf, formatSortitionGas } from '../../bench/gas-sortition.js'
import type { SortitionGasReport } from '../../bench/gas-sortition.js'

/**
 * The benchmark's claims at 100,000 keys (depth 17), kept without building that tree: trees and
 * verifier pools of 512 and 2,048 give the cost of one level, and the larger is extrapolated
 * from there.
 */
const DEPTH_AT_100K = depthOf(100_000)
const COLD_SLOAD = 2_100

let report: SortitionGasReport

beforeAll(async () => {
  report = await benchSortitionGas({ sizes: [100, 512, 2_048], stakers: [512, 2_048], samples: 4 })
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

  test('a set on an existing key writes its leaf and the left children on its path, at most about 125,000 transaction gas at 100,000 keys', () => {
    const [, small, large] = report.trees
    if (small === undefined || large === undefined) throw new Error('missing tree sizes')
    const perLevel = Number(large.setExisting.mean - small.setExisting.mean) / (large.depth - small.depth)
    // The sampled keys sit at multiples of size / 8, left children on most levels: the worst
    // case, a cold read (2,100) and a write (2,900) per level. Right children cost nothing.
    expect(perLevel).toBeGreaterThan(2_000)
    expect(perLevel).toBeLessThan(5_600)
    const extrapolated = Number(large.setExisting.max) + perLevel * (DEPTH_AT_100K - large.depth)
    expect(extrapolated).toBeLessThan(127_000)
    // A new key adds its leaf, its two index entries and the nodes it is the first leaf under.
    expect(large.setNew.min).toBeGreaterThan(large.setExisting.max)
  })

  test('the protocol draws a committee of 5 in O(log n): well under 500,000 gas extrapolated to 100,000 verifiers', () => {
    const [small, large] = report.protocol
    if (small === undefined || large === undefined) throw new Error('missing pool sizes')
    const perLevel = Number(large.drawCommittee.mean - small.drawCommittee.mean) / (depthOf(large.stakers) - depthOf(small.stakers))
    // Five walks down, one cold read per level each, and their bookkeeping.
    expect(perLevel).toBeLessThan(5 * (COLD_SLOAD + 900))
    const extrapolated = Number(large.drawCommittee.max) + perLevel * (DEPTH_AT_100K - depthOf(large.stakers))
    expect(extrapolated).toBeLessThan(500_000)
    // A stake change keeps both checkpoint histories and the tree: bounded, whatever the pool.
    expect(Number(large.stakeTopUp.max)).toBeLessThan(250_000)
    const lines = formatSortitionGas(report).split('\n')
    expect(lines.some((line) => /^2,048\s+[\d,]+ \/ /.test(line))).toBe(true)
    console.log(formatSortitionGas(report))
  })
})
