import { beforeAll, describe, expect, test } from 'vitest'
import { benchYumaGas, formatYumaGasTable } from '../../bench/gas-yuma.js'
import type { YumaGasRow } from '../../bench/gas-yuma.js'

/** Ceilings at 16 × 64 that flag a gas regression; well above today's figures (see bench/gas-yuma.ts). */
const CEILINGS: Record<string, bigint> = {
  'epoch original Yuma': 3_000_000n,
  'epoch Yuma 3': 2_700_000n,
  'epoch Yuma 3 + liquid alpha': 9_000_000n,
}

let rows: YumaGasRow[]

beforeAll(async () => {
  // The full run (64 × 256 as well) takes about half a minute; the small one keeps the suite quick.
  rows = await benchYumaGas({ sizes: [[16, 64]], settlement: [16, 64] })
})

describe('benchYumaGas', () => {
  test('measures the epoch of each variant and every settlement step', () => {
    const operations = rows.map((r) => `${r.operation} ${r.variant}`)
    for (const variant of ['original Yuma', 'Yuma 3', 'Yuma 3 + liquid alpha']) {
      for (const operation of ['epoch', 'propose', 'challengeColumn', 'challengeRow', 'settle']) expect(operations).toContain(`${operation} ${variant}`)
    }
    for (const r of rows) {
      expect(r.gas, `${r.operation} ${r.variant}`).toBeGreaterThan(21_000n)
      // A transaction pays at least EIP-7623's calldata floor.
      expect(r.gas, `${r.operation} ${r.variant}`).toBeGreaterThanOrEqual(r.calldataFloor)
      // 16 × 64 fits a transaction, so everything ran on the capped chain.
      expect(r.chain).toBe('osaka')
      expect(r.fitsTransaction).toBe(true)
    }
  })

  test('stays under the gas ceilings at 16 × 64', () => {
    for (const r of rows.filter((r) => r.operation === 'epoch')) expect(r.gas, r.variant).toBeLessThan(CEILINGS[`epoch ${r.variant}`]!)
  })

  test('formats a table with one line per row', () => {
    const lines = formatYumaGasTable(rows).split('\n')
    expect(lines).toHaveLength(rows.length + 2)
    expect(lines[2]).toMatch(/^epoch\s+16 × 64\s+original Yuma\s+[\d,]+\s+[\d,]+\s+transaction\s/)
  })
})
