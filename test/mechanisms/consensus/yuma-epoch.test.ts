import { describe, expect, test } from 'vitest'
import { type YumaEpochInput, yumaEpoch } from '../../../src/mechanisms/consensus/yuma/epoch.js'
import { ONE } from '../../../src/mechanisms/consensus/yuma/fixed-point.js'
import { mergeVisible } from '../../../src/mechanisms/consensus/yuma/liquid-alpha.js'
import { resolveYumaParams } from '../../../src/mechanisms/consensus/yuma/params.js'
import { renderYumaTrace } from '../../../src/mechanisms/consensus/yuma/trace.js'
import { type YumaSparseRow, yumaRowFromPairs, yumaRowToPairs } from '../../../src/mechanisms/consensus/yuma/yuma-row.js'
import { createPrng } from '../../helpers/prng.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

/** Rows from `(uid, value)` pairs. */
function rows(...pairs: (readonly (readonly [number, number])[])[]): YumaSparseRow[] {
  return pairs.map(yumaRowFromPairs)
}

const SEED = 7

/** Uniform floats on [0, 1) from the seeded test generator. */
function uniform(seed: number): () => number {
  const prng = createPrng(seed)
  return () => prng.nextFloat()
}

/** Two equal validators both weighting the one miner, uid 2. */
function twoValidators(): YumaEpochInput {
  return {
    currentBlock: 1,
    stake: [1_000_000_000n, 1_000_000_000n, 0n],
    lastUpdate: [1, 1, 1],
    blockAtRegistration: [0, 0, 0],
    validatorPermit: [true, true, false],
    weights: rows([[2, 65_535]], [[2, 65_535]], []),
    raoEmission: 1_000_000_000n,
  }
}


describe('yumaEpoch', () => {
  test('two validators agreeing on one miner: half to the miner, a quarter to each validator', () => {
    const result = yumaEpoch(twoValidators(), resolveYumaParams())
    expect(result.stored.stakeWeight).toEqual([32_767, 32_767, 0])
    expect(result.stored.consensus).toEqual([0, 0, 65_535])
    expect(result.stored.incentive).toEqual([0, 0, 65_535])
    expect(result.stored.dividends).toEqual([32_767, 32_767, 0])
    expect(result.stored.validatorTrust).toEqual([65_535, 65_535, 0])
    expect(result.serverEmission).toEqual([0n, 0n, 500_000_000n])
    expect(result.validatorEmission).toEqual([250_000_000n, 250_000_000n, 0n])
    expect(result.stored.validatorPermit).toEqual([true, true, false])
    expect(result.stored.bonds.map(yumaRowToPairs)).toEqual([[[2, 65_535]], [[2, 65_535]], []])
    expect(result.trace).toBeUndefined()
  })

  test('a weight above consensus is clipped, and a lone dissenter earns less trust', () => {
    const input: YumaEpochInput = {
      ...twoValidators(),
      stake: [1_000_000_000n, 1_000_000_000n, 1_000_000_000n, 0n, 0n],
      lastUpdate: [1, 1, 1, 1, 1],
      blockAtRegistration: [0, 0, 0, 0, 0],
      validatorPermit: [true, true, true, false, false],
      weights: rows([[3, 65_535]], [[3, 65_535]], [[4, 65_535]], [], []),
    }
    const result = yumaEpoch(input, resolveYumaParams())
    expect(result.stored.consensus).toEqual([0, 0, 0, 65_535, 0])
    expect(result.stored.validatorTrust).toEqual([65_535, 65_535, 0, 0, 0])
    expect(result.stored.dividends[2]).toBe(0)
    expect(result.stored.incentive[4]).toBe(0)
  })

  test('with no usable weights, validators are paid by active stake', () => {
    const input = { ...twoValidators(), weights: rows([], [], []) }
    const result = yumaEpoch(input, resolveYumaParams())
    expect(result.validatorEmission).toEqual([500_000_000n, 500_000_000n, 0n])
    expect(result.serverEmission).toEqual([0n, 0n, 0n])
  })

  test('the trace renders the chain log lines', () => {
    const result = yumaEpoch(twoValidators(), resolveYumaParams(), [], { trace: true })
    const lines = renderYumaTrace(result.trace ?? [])
    expect(lines).toContain('Inactive: [false, false, false]')
    expect(lines).toContain('Weights (mask+norm): [[(2, 1)], [(2, 1)], []]')
    expect(lines).toContain('ΔB (norm): [[(2, 0.5)], [(2, 0.5)], []]')
    expect(lines).toContain('Combined Emission: [AlphaBalance(250000000), AlphaBalance(250000000), AlphaBalance(500000000)]')
  })

  test('Yuma 3 with liquid alpha keeps every share in [0, 1] and emission within the amount', () => {
    const random = uniform(SEED)
    const validators = 8
    const n = 24
    const input: YumaEpochInput = {
      currentBlock: 100,
      stake: Array.from({ length: n }, (_, i) => (i < validators ? BigInt(1 + Math.floor(random() * 1e12)) : 0n)),
      lastUpdate: new Array<number>(n).fill(99),
      blockAtRegistration: new Array<number>(n).fill(0),
      validatorPermit: Array.from({ length: n }, (_, i) => i < validators),
      weights: Array.from({ length: n }, (_, i) =>
        yumaRowFromPairs(
          i < validators
            ? Array.from({ length: n - validators }, (_, k) => [validators + k, Math.floor(random() * 65_536)] as const)
            : [],
        ),
      ),
      raoEmission: 1_000_000_000n,
    }
    const params = resolveYumaParams({ yuma3: true, liquidAlpha: true, bondsPenalty: 0, commitReveal: false })
    let bonds = yumaEpoch(input, params).stored.bonds
    for (let epoch = 0; epoch < 3; epoch++) {
      const result = yumaEpoch({ ...input, currentBlock: 101 + epoch }, params, bonds)
      const paid = result.stored.emission.reduce((a, b) => a + b, 0n)
      expect(paid).toBeLessThanOrEqual(1_000_000_000n)
      expect(paid).toBeGreaterThan(999_000_000n)
      for (const v of [...result.incentive, ...result.dividends, ...result.consensus]) {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(ONE)
      }
      bonds = result.stored.bonds
    }
    expect(bonds.slice(0, validators).every((row) => row.uids.length > 0)).toBe(true)
  })

  test('the owner keeps its own weight and its permit', () => {
    const input: YumaEpochInput = { ...twoValidators(), weights: rows([[0, 65_535]], [[2, 65_535]], []) }
    const withOwner = yumaEpoch(input, resolveYumaParams({ ownerUid: 0 }), [], { trace: true })
    const lines = renderYumaTrace(withOwner.trace ?? [])
    expect(lines).toContain('Weights (permit+diag): [[(0, 65535)], [(2, 65535)], []]')
    const withoutOwner = yumaEpoch(input, resolveYumaParams(), [], { trace: true })
    expect(renderYumaTrace(withoutOwner.trace ?? [])).toContain('Weights (permit+diag): [[], [(2, 65535)], []]')
  })

  test('vectors of the wrong length are used as the chain uses them, and logged as it logs them', () => {
    const params = resolveYumaParams({ commitReveal: false })
    const mismatch = 'math error: inplace_mask_vector input lengths are not equal'
    // A short permit vector: the missing entry is no permit, so validator 1 carries no active stake.
    const short = yumaEpoch({ ...twoValidators(), validatorPermit: [true] }, params, [], { trace: true })
    expect(renderYumaTrace(short.trace ?? [])).toContain(`${mismatch}: 1 != 3`)
    expect(renderYumaTrace(short.trace ?? [])).toContain('validator_permits: [true]')
    expect(short.activeStake[1]).toBe(0)
    expect(short.stored.dividends).toEqual([65_535, 0, 0])
    // A long LastUpdate: the extra entries are ignored but show in the log.
    const long = yumaEpoch({ ...twoValidators(), lastUpdate: [1, 1, 1, 1] }, params, [], { trace: true })
    expect(renderYumaTrace(long.trace ?? [])).toEqual(
      expect.arrayContaining(['Last update: [1, 1, 1, 1]', 'Inactive: [false, false, false, false]', `${mismatch}: 4 != 3`]),
    )
    expect(long.stored.active).toEqual([true, true, true])
    // Well-formed input logs no mismatch.
    const fine = yumaEpoch(twoValidators(), params, [], { trace: true })
    expect(renderYumaTrace(fine.trace ?? []).some((line) => line.startsWith('math error'))).toBe(false)
  })

  test('rejects malformed input and parameters with stable codes', () => {
    expectDeaiErrorSync(() => yumaEpoch({ ...twoValidators(), weights: rows([[2, 70_000]], [], []) }, resolveYumaParams()), 'YUMA_INPUT_INVALID')
    const ragged = { uids: [2, 1], values: [5] }
    expectDeaiErrorSync(() => yumaEpoch({ ...twoValidators(), weights: [ragged] }, resolveYumaParams()), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaEpoch({ ...twoValidators(), stake: [-1n, 0n, 0n] }, resolveYumaParams()), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => resolveYumaParams({ kappa: 70_000 }), 'YUMA_PARAMS_INVALID')
    expectDeaiErrorSync(() => resolveYumaParams({ bondsMovingAverage: -1n }), 'YUMA_PARAMS_INVALID')
  })
})

describe('liquid-alpha row merge', () => {
  test('sees only entries whose column exceeds every earlier column, as the chain does', () => {
    const out = new Float64Array(6)
    const written = mergeVisible({ cols: [1, 5, 3, 7, 5], vals: [10, 50, 30, 70, 55] }, 6, out)
    expect(written).toEqual([1, 5])
    expect([...out]).toEqual([0, 10, 0, 0, 0, 50])
  })
})
