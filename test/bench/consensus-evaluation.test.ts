import { beforeAll, describe, expect, test } from 'vitest'
import { RULES, evaluateCabal, evaluateWeightCopying, formatCabalTable, formatCopyingTable } from '../../bench/consensus-evaluation.js'
import type { CabalRow, CopyingRow } from '../../bench/consensus-evaluation.js'

/**
 * The claims the consensus evaluation makes, checked on a smaller run (12 rounds, 2 seeds)
 * than the one it prints (30 rounds, 5 seeds).
 */

let cabal: CabalRow[]
let copying: CopyingRow[]

beforeAll(() => {
  cabal = evaluateCabal({ rounds: 12, seeds: 2 })
  copying = evaluateWeightCopying({ rounds: 12, seeds: 2 })
})

const row = (miner: CabalRow['miner'], stake: number, rule: CabalRow['rule']) => cabal.find((r) => r.miner === miner && r.cabalStake === stake && r.rule === rule)!
const BELOW_HALF = [0.1, 0.2, 0.3, 0.4]

describe('(a) a cabal boosting its own miner', () => {
  test('below half the stake, the cabal validators deviate, are slashed every round and earn nothing, under every rule', () => {
    for (const miner of ['average', 'weak'] as const) {
      for (const stake of BELOW_HALF) for (const rule of RULES) expect(row(miner, stake, rule).cabalValidatorShare, `${miner} ${stake} ${rule}`).toBe(0)
    }
  })

  test('median-score holds an average miner to within a point of its deserved share below half the stake', () => {
    for (const stake of BELOW_HALF) {
      const r = row('average', stake, 'median-score')
      expect(r.deserved).toBeCloseTo(0.1, 2)
      expect(Math.abs(r.captured - r.deserved), String(stake)).toBeLessThan(0.01)
    }
  })

  test('under flock and yuma an average miner gains with the cabal\'s size: the cabal withholds its votes or weight from the honest trainers', () => {
    for (const rule of ['flock', 'yuma'] as const) {
      const captured = BELOW_HALF.map((stake) => row('average', stake, rule).captured)
      for (let k = 1; k < captured.length; k++) expect(captured[k]!, `${rule} ${BELOW_HALF[k]}`).toBeGreaterThan(captured[k - 1]!)
      expect(captured[3]! - row('average', 0.4, rule).deserved, rule).toBeGreaterThan(0.04)
      expect(captured[3]!, rule).toBeLessThan(0.2)
    }
  })

  test('a weak miner, rejected when scored honestly, deserves nothing and captures under a tenth below half the stake; yuma leaks the most at 40%', () => {
    for (const rule of RULES) {
      for (const stake of [...BELOW_HALF, 0.5]) expect(row('weak', stake, rule).deserved).toBe(0)
      for (const stake of BELOW_HALF) expect(row('weak', stake, rule).captured, `${rule} ${stake}`).toBeLessThan(0.1)
    }
    expect(row('weak', 0.4, 'yuma').captured).toBeGreaterThan(row('weak', 0.4, 'median-score').captured)
    expect(row('weak', 0.4, 'median-score').captured).toBeGreaterThan(row('weak', 0.4, 'flock').captured)
  })

  test('at half the stake the cabal wins: flock and median-score pay it everything, yuma about half (the honest half still sets consensus for its trainers)', () => {
    for (const miner of ['average', 'weak'] as const) {
      expect(row(miner, 0.5, 'flock').captured).toBe(1)
      expect(row(miner, 0.5, 'median-score').captured).toBe(1)
      expect(row(miner, 0.5, 'yuma').captured).toBeGreaterThan(0.45)
      expect(row(miner, 0.5, 'yuma').captured).toBeLessThan(0.65)
      expect(row(miner, 0.5, 'yuma').cabalValidatorShare).toBeGreaterThan(0.45)
    }
  })

  test('prints one line per miner and cabal size', () => {
    const lines = formatCabalTable(cabal).split('\n')
    expect(lines).toHaveLength(2 + 10)
    expect(lines[2]).toMatch(/^average\s+10\.0%\s+\d+\.\d% \(\d+\.\d%\)/)
  })
})

describe('(b) weight copying', () => {
  test('without commit-reveal a copier of the current consensus earns at least as much as an honest validator, under every rule', () => {
    for (const r of copying) expect(r.withoutCommitReveal, r.rule).toBeGreaterThanOrEqual(1)
  })

  test('with commit-reveal it can only copy last round\'s consensus, which lags the drifting quality, and earns less than an honest validator', () => {
    for (const r of copying) {
      expect(r.withCommitReveal, r.rule).toBeLessThan(1)
      expect(r.withCommitReveal, r.rule).toBeLessThan(r.withoutCommitReveal)
      // ...but it still earns most of an honest validator's pay without evaluating anything.
      expect(r.withCommitReveal, r.rule).toBeGreaterThan(0.8)
    }
  })

  test('prints one line per rule', () => {
    expect(formatCopyingTable(copying).split('\n')).toHaveLength(2 + RULES.length)
  })
})
