import { describe, expect, test } from 'vitest'
import { yumaDenseClaim } from '../../../src/mechanisms/consensus/yuma/dense-claim.js'
import { type YumaDenseInput, yumaDenseEpoch } from '../../../src/mechanisms/consensus/yuma/dense-epoch.js'
import { normalize, propToU16 } from '../../../src/mechanisms/consensus/yuma/fixed-point.js'
import { packU16Matrix, unpackU16Matrix } from '../../../src/mechanisms/consensus/yuma/packed-matrix.js'
import { createPrng } from '../../helpers/prng.js'
import { randomYumaCase } from '../../helpers/yuma-onchain.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 11

function round(overrides: Partial<YumaDenseInput> = {}): YumaDenseInput {
  return {
    weights: [
      [65_535, 0, 30_000],
      [40_000, 40_000, 0],
      [0, 65_535, 65_535],
    ],
    stakes: [3_000_000_000n, 2_000_000_000n, 1_000_000_000n],
    permits: [true, true, true],
    active: [true, true, true],
    emission: 1_000_000_000n,
    ...overrides,
  }
}

describe('packed u16 matrices', () => {
  test('pack big-endian row-major and unpack back', () => {
    const random = createPrng(SEED)
    for (let k = 0; k < 20; k++) {
      const rows = Array.from({ length: 1 + random.nextInt(5) }, () => [] as number[])
      const width = random.nextInt(7)
      for (const row of rows) for (let j = 0; j < width; j++) row.push(random.nextInt(65_536))
      const packed = packU16Matrix(rows)
      expect(packed.length).toBe(2 * rows.length * width)
      expect(unpackU16Matrix(packed, rows.length)).toEqual(rows)
    }
    expect([...packU16Matrix([[0x0102, 0xfffe]])]).toEqual([1, 2, 255, 254])
  })

  test('reject ragged rows, values outside u16 and lengths that are not whole rows', () => {
    expectDeaiErrorSync(() => packU16Matrix([[1, 2], [3]]), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => packU16Matrix([[65_536]]), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => packU16Matrix([[-1]]), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => packU16Matrix([[1.5]]), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => unpackU16Matrix(new Uint8Array(6), 2), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => unpackU16Matrix(new Uint8Array(0), 0), 'YUMA_INPUT_INVALID')
  })
})

describe('yumaDenseEpoch: a training round as a subnet of validators and miners', () => {
  test('splits the outputs into the validator and miner sides of the underlying epoch', () => {
    const result = yumaDenseEpoch(round())
    expect(result.epoch.n).toBe(6)
    expect(result.consensus).toEqual(result.epoch.stored.consensus.slice(3))
    expect(result.dividends).toEqual(result.epoch.stored.dividends.slice(0, 3))
    // Validators earn only dividends and miners only incentive.
    expect(result.epoch.stored.incentive.slice(0, 3)).toEqual([0, 0, 0])
    expect(result.epoch.stored.dividends.slice(3)).toEqual([0, 0, 0])
    const paid = [...result.minerEmission, ...result.validatorEmission].reduce((a, b) => a + b, 0n)
    expect(paid).toBeLessThanOrEqual(1_000_000_000n)
    expect(paid).toBeGreaterThan(999_999_990n)
  })

  test('an inactive validator keeps its trust but earns no dividends; one without a permit is ignored', () => {
    const inactive = yumaDenseEpoch(round({ active: [true, true, false] }))
    expect(inactive.validatorTrust[2]).toBeGreaterThan(0)
    expect(inactive.dividends[2]).toBe(0)
    const unpermitted = yumaDenseEpoch(round({ permits: [true, true, false] }))
    expect(unpermitted.validatorTrust[2]).toBe(0)
    expect(unpermitted.dividends[2]).toBe(0)
    // Its scores play no part: the others' consensus is what it is without the row.
    const without = yumaDenseEpoch(round({ permits: [true, true, false], weights: [[65_535, 0, 30_000], [40_000, 40_000, 0], [0, 0, 0]] }))
    expect(unpermitted.consensus).toEqual(without.consensus)
  })

  test('a validator with no stake loses its permit and its bond row', () => {
    const result = yumaDenseEpoch(round({ stakes: [3_000_000_000n, 0n, 1_000_000_000n], bonds: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] }), { yuma3: true })
    expect(result.validatorPermit).toEqual([true, false, true])
    expect(result.bonds[1]).toEqual([0, 0, 0])
  })

  test('rejects inconsistent shapes', () => {
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ stakes: [], weights: [], permits: [], active: [] })), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ weights: [[1, 2, 3]] })), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ weights: [[1, 2, 3], [1, 2], [1, 2, 3]] })), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ permits: [true] })), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ bonds: [[1, 2, 3]] })), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => yumaDenseEpoch(round({ bonds: [[1, 2, 3], [1, 2, 3], [1, 2]] })), 'YUMA_INPUT_INVALID')
  })
})

describe('yumaDenseClaim: the aggregates every output follows from', () => {
  test('normalising and rounding the claim gives the epoch outputs', () => {
    const random = createPrng(SEED + 1)
    for (let k = 0; k < 60; k++) {
      const { input, params } = randomYumaCase(random, { validators: 1 + random.nextInt(8), miners: 1 + random.nextInt(12) })
      const claim = yumaDenseClaim(input, params)
      const result = yumaDenseEpoch(input, params)
      expect(claim.consensus.map(propToU16)).toEqual(result.consensus)
      expect(normalize(claim.ranks).map(propToU16)).toEqual(result.incentive)
      expect(normalize(claim.dividends).map(propToU16)).toEqual(result.dividends)
      expect(claim.trust.map(propToU16)).toEqual(result.validatorTrust)
      expect(claim.bonds).toEqual(result.bonds)
      const yuma3 = params.yuma3 === true
      if (yuma3) expect([...claim.bondSums, ...claim.deltaSums].every((x) => x === 0)).toBe(true)
      else expect(claim.bondSums).toEqual(claim.bondSums.map((_, j) => (input.bonds ?? []).reduce((s, row) => s + (row[j] as number), 0)))
    }
  })
})
