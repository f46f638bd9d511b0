import { beforeAll, describe, expect, test } from 'vitest'
import { formatGasTable } from '../../bench/gas-tasks.js'
import type { GasRow } from '../../bench/gas-tasks.js'
import { benchTrainingGas, measureSettlement } from '../../bench/gas-training.js'
import { TRANSACTION_GAS_CAP } from '../../src/ledger/embedded/edr-provider.js'

/**
 * The goals (trainer and validator per round, each a commit and a reveal) and ceilings that flag
 * a regression (see bench/gas-training.ts), about a tenth above the figures measured.
 */
const CEILINGS: Record<string, bigint> = {
  createTraining: 700_000n,
  'trainer per round: commit + reveal (round 1)': 245_000n,
  'trainer per round: commit + reveal (later rounds)': 170_000n,
  'commitUpdate (later rounds)': 95_000n,
  'revealUpdate (later rounds)': 75_000n,
  'validator per round: commit + reveal, 10 updates (round 1)': 275_000n,
  'validator per round: commit + reveal, 10 updates (later rounds)': 175_000n,
  'commitScores (later rounds)': 100_000n,
  'revealScores, 10 updates (later rounds)': 80_000n,
  'settle, 10 updates x 3 validators (round 1)': 900_000n,
  'settle, 10 updates x 3 validators (later rounds)': 650_000n,
  'postModel (opens the next round)': 240_000n,
}

let rows: GasRow[]

beforeAll(async () => {
  rows = await benchTrainingGas()
})

describe('benchTrainingGas', () => {
  test('measures every training transaction over three rounds of 10 updates and 3 validators', () => {
    expect(rows.map((r) => r.operation)).toEqual(Object.keys(CEILINGS))
    const samples = Object.fromEntries(rows.map((r) => [r.operation, r.samples]))
    expect(samples).toMatchObject({
      'trainer per round: commit + reveal (round 1)': 10,
      'trainer per round: commit + reveal (later rounds)': 20,
      'revealUpdate (later rounds)': 20,
      'validator per round: commit + reveal, 10 updates (later rounds)': 6,
      'settle, 10 updates x 3 validators (later rounds)': 2,
      'postModel (opens the next round)': 3,
    })
    for (const r of rows) expect(r.min <= r.mean && r.mean <= r.max && r.min > 21_000n, r.operation).toBe(true)
  })

  test('meets the per-round goals and stays under the ceilings', () => {
    for (const r of rows) expect(r.max, r.operation).toBeLessThanOrEqual(CEILINGS[r.operation]!)
  })

  test('formats a table with one line per operation', () => {
    const lines = formatGasTable(rows).split('\n')
    expect(lines).toHaveLength(rows.length + 2)
    expect(lines[2]).toMatch(/^createTraining\s+1\s/)
  })
})

describe('measureSettlement', () => {
  test('the largest round (256 updates x 16 validators = 4,096 scores), every trainer and validator credited for the first time, settles within a transaction', async () => {
    const gas = await measureSettlement({ updates: 256, validators: 16, consensus: 'median-score', scores: 'credit' })
    expect(gas).toBeLessThan(14_000_000n)
    expect(gas).toBeLessThan(TRANSACTION_GAS_CAP)
  })

  test('the largest Yuma rounds (64 trainer uids x 16 validators, 16 x 64), every bond and credit written for the first time, settle well within a transaction', async () => {
    for (const [updates, validators] of [[64, 16], [16, 64]] as const) {
      // Every uid is registered (holder, round, score) and every bond row dated in this settlement.
      const gas = await measureSettlement({ updates, validators, consensus: 'yuma', scores: 'credit-spread' })
      expect(gas, `${updates} x ${validators}`).toBeLessThan(13_000_000n)
    }
  })

  test('the largest round settles within a transaction when validators reject every update (every trainer slashed for the first time)', async () => {
    const gas = await measureSettlement({ updates: 256, validators: 16, consensus: 'median-score', scores: 'reject' })
      .catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
    expect(typeof gas === 'bigint' && gas < TRANSACTION_GAS_CAP, `settle: ${String(gas)}`).toBe(true)
  })
})
