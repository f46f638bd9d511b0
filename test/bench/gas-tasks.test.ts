import { beforeAll, describe, expect, test } from 'vitest'
import { benchTaskGas, formatGasTable } from '../../bench/gas-tasks.js'
import type { GasRow } from '../../bench/gas-tasks.js'

/** Ceilings that flag a gas regression; well above today's figures (see bench/gas-tasks.ts). */
const CEILINGS: Record<string, bigint> = {
  // A verifier's first stake also starts its checkpoint history and its leaf of the sortition tree.
  'stake (first in pool)': 450_000n,
  // Each stake change writes both checkpoint histories and the path of the sortition tree.
  'stake (top-up)': 250_000n,
  approve: 60_000n,
  propose: 300_000n,
  drawCommittee: 600_000n,
  commitVote: 100_000n,
  revealVote: 120_000n,
  'finalize (approved 5-0)': 500_000n,
  'finalize (approved 4-1, 1 slashed)': 500_000n,
  'finalize (rejected 2-3, 2 slashed)': 500_000n,
}

let rows: GasRow[]

beforeAll(async () => {
  rows = await benchTaskGas()
})

describe('benchTaskGas', () => {
  test('measures every lifecycle transaction with a 5-member committee', () => {
    expect(rows.map((r) => r.operation)).toEqual(Object.keys(CEILINGS))
    const samples = Object.fromEntries(rows.map((r) => [r.operation, r.samples]))
    expect(samples).toMatchObject({ commitVote: 15, revealVote: 15, drawCommittee: 3, propose: 3 })
    for (const r of rows) expect(r.min <= r.mean && r.mean <= r.max && r.min > 21_000n, r.operation).toBe(true)
  })

  test('stays under the gas ceilings', () => {
    for (const r of rows) expect(r.max, r.operation).toBeLessThan(CEILINGS[r.operation]!)
    const first = rows.find((r) => r.operation === 'stake (first in pool)')!
    const topUp = rows.find((r) => r.operation === 'stake (top-up)')!
    expect(topUp.max).toBeLessThan(first.min)
  })

  test('formats a table with one line per operation', () => {
    const lines = formatGasTable(rows).split('\n')
    expect(lines).toHaveLength(rows.length + 2)
    expect(lines[2]).toMatch(/^stake \(first in pool\)\s+7\s/)
  })
})
