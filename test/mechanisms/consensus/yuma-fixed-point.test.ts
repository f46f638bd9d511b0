import { describe, expect, test } from 'vitest'
import { isDeaiError } from '../../../src/errors/base.js'
import { formatI32F32, formatI64F64 } from '../../../src/mechanisms/consensus/yuma/fixed-format.js'
import {
  HALF,
  ONE,
  div,
  divIntegers,
  fromBigBits,
  fromF32,
  fromF64,
  fromInt,
  mul,
  normalize,
  propToU16,
  u16ToProp,
} from '../../../src/mechanisms/consensus/yuma/fixed-point.js'
import { expSafe, fixedExp, sigmoidOfExp } from '../../../src/mechanisms/consensus/yuma/liquid-alpha.js'
import { maxUpscaleToU16, maxUpscaleWeights } from '../../../src/mechanisms/consensus/yuma/weights-upscale.js'
import { createPrng } from '../../helpers/prng.js'

const SEED = 2002

/** Uniform floats on [0, 1) from the seeded test generator. */
function uniform(seed: number): () => number {
  const prng = createPrng(seed)
  return () => prng.nextFloat()
}


const I64_MAX = (1n << 63n) - 1n

/** The chain's operations on 64-bit integers, written directly in bigint. */
function mulReference(a: number, b: number): bigint {
  return (BigInt(a) * BigInt(b)) >> 32n
}
function divReference(a: number, b: number): bigint {
  if (b === 0) return 0n
  const q = (BigInt(a) << 32n) / BigInt(b)
  return q > I64_MAX || q < -I64_MAX - 1n ? 0n : q
}

describe('I32F32 arithmetic', () => {
  test('multiplication floors toward minus infinity', () => {
    expect(mul(HALF, HALF)).toBe(ONE / 4)
    expect(mul(fromInt(3), fromInt(-2))).toBe(fromInt(-6))
    expect(mul(1, 1)).toBe(0) // 2^-64 floors to 0
    expect(mul(-1, 1)).toBe(-1) // −2^-64 floors to −2^-32
    expect(mul(3, HALF)).toBe(1) // 1.5 ulp floors to 1
    expect(mul(-3, HALF)).toBe(-2)
  })

  test('division truncates toward zero and is 0 on a zero divisor', () => {
    expect(div(ONE, fromInt(10))).toBe(429_496_729) // 0.0999999998
    expect(div(-ONE, fromInt(3))).toBe(-1_431_655_765)
    expect(div(ONE, 0)).toBe(0)
    expect(div(fromInt(2), fromInt(4))).toBe(HALF)
  })

  test('fast paths agree with 64-bit integer arithmetic over seeded random operands', () => {
    const random = uniform(SEED)
    const operand = (): number => {
      const magnitude = 2 ** Math.floor(random() * 45) // 1 .. 2^44
      const value = Math.floor(random() * magnitude)
      return random() < 0.2 ? -value : value
    }
    for (let k = 0; k < 5_000; k++) {
      const a = operand()
      const b = operand()
      const product = mulReference(a, b)
      if (product < 1n << 53n && product > -(1n << 53n)) expect(BigInt(mul(a, b))).toBe(product)
      else expect(() => mul(a, b)).toThrow() // beyond what a number holds exactly: refused, never rounded
      const q = divReference(a, b)
      if (q < 1n << 53n && q > -(1n << 53n)) expect(BigInt(div(a, b))).toBe(q)
    }
  })

  test('divIntegers is the division of two whole I32F32 numbers', () => {
    const random = uniform(SEED + 1)
    for (let k = 0; k < 5_000; k++) {
      const total = 1 + Math.floor(random() * 2_000_000_000)
      const u = Math.floor(random() * Math.min(total, 65_536))
      expect(BigInt(divIntegers(u, total))).toBe(((BigInt(u) << 64n) / (BigInt(total) << 32n)))
    }
  })

  test('u16 conversions: prop_u16 floors, u16_prop divides by 65535', () => {
    expect(propToU16(ONE)).toBe(65_535)
    expect(propToU16(HALF)).toBe(32_767)
    expect(propToU16(-5)).toBe(0)
    expect(propToU16(fromInt(2))).toBe(65_535)
    expect(u16ToProp(65_535)).toBe(ONE)
    expect(u16ToProp(32_767)).toBe(2_147_450_879) // κ default ≈ 0.49999
    expect(u16ToProp(0)).toBe(0)
  })

  test('float literals round to nearest, ties to even', () => {
    expect(fromF64(0.5)).toBe(HALF)
    expect(fromF64(2 ** -33)).toBe(0) // tie between 0 and 1 ulp: even
    expect(fromF64(3 * 2 ** -33)).toBe(2) // tie between 1 and 2 ulp: even
    expect(fromF32(0.1)).toBe(429_496_736) // f32(0.1) = 13421773·2^-27
    expect(fromF64(0.1)).toBe(429_496_730)
  })

  test('normalize sums to slightly less than one and leaves a zero vector alone', () => {
    const tenths = normalize(new Array<number>(10).fill(fromInt(1)))
    expect(tenths.every((v) => v === 429_496_729)).toBe(true)
    expect(normalize([0, 0])).toEqual([0, 0])
  })

  test('values beyond the exact range are refused', () => {
    expect(() => fromBigBits(1n << 60n)).toThrow()
    try {
      fromBigBits(1n << 60n)
    } catch (e) {
      expect(isDeaiError(e, 'YUMA_FIXED_RANGE')).toBe(true)
    }
  })
})

describe('substrate-fixed display', () => {
  test('prints the shortest decimal that identifies the value', () => {
    expect(formatI32F32(HALF)).toBe('0.5')
    expect(formatI32F32(ONE)).toBe('1')
    expect(formatI32F32(0)).toBe('0')
    expect(formatI32F32(fromInt(65_535))).toBe('65535')
    expect(formatI32F32(1_431_655_765)).toBe('0.3333333333')
    // 0.09999999986…: ten digits, rounded, are the shortest text within half an ulp.
    expect(formatI32F32(429_496_729)).toBe('0.0999999999')
    expect(formatI32F32(-HALF)).toBe('-0.5')
    expect(formatI32F32(1)).toBe('0.0000000002')
    expect(formatI64F64(1n << 63n)).toBe('0.5')
  })
})

describe('substrate-fixed exp', () => {
  test('is exact at 0 and 1 and close to e^x elsewhere', () => {
    expect(fixedExp(0n)).toBe(BigInt(ONE))
    // e floored to 23 fraction bits, widened: 22802600 << 9.
    expect(fixedExp(BigInt(ONE))).toBe(22_802_600n << 9n)
    // Within the range the liquid-alpha sigmoid uses (the 31-term series drifts beyond ~15).
    for (const x of [-5, -0.5, 0.25, 2, 5, 10]) {
      const got = Number(expSafe(BigInt(fromF64(x)))) / ONE
      expect(Math.abs(got - Math.exp(x)) / Math.exp(x)).toBeLessThan(1e-6)
    }
  })

  test('the double-limb sigmoid agrees with the bigint exp bit for bit', () => {
    const reference = (t: number): number => {
      let den = BigInt(ONE) + expSafe(BigInt(t))
      if (den > I64_MAX) den = I64_MAX
      return Number((BigInt(ONE) << 32n) / den)
    }
    const random = uniform(SEED + 2)
    const samples = [0, 1, -1, ONE, -ONE, ONE + 1, ONE - 1, HALF, -HALF, fromInt(20), fromInt(-20), fromInt(25), fromInt(-25)]
    for (let k = 0; k < 3_000; k++) samples.push(Math.round((random() * 50 - 25) * ONE))
    for (let k = 0; k < 500; k++) samples.push(Math.round((random() * 2 - 1) * 2 ** 20)) // near zero
    for (const t of samples) expect(sigmoidOfExp(t)).toBe(reference(t))
  })

  test('clamps its input to [−20, 20]', () => {
    expect(expSafe(BigInt(fromInt(50)))).toBe(expSafe(BigInt(fromInt(20))))
    expect(expSafe(BigInt(fromInt(-50)))).toBe(expSafe(BigInt(fromInt(-20))))
  })
})

describe('maxUpscaleWeights', () => {
  test('stores the largest weight as 65535, rounding halves away from zero', () => {
    expect(maxUpscaleWeights([43_690, 21_845])).toEqual([65_535, 32_768])
    expect(maxUpscaleWeights([127, 127])).toEqual([65_535, 65_535])
    expect(maxUpscaleWeights([1, 2])).toEqual([32_768, 65_535])
    expect(maxUpscaleWeights([0, 0])).toEqual([0, 0])
    expect(maxUpscaleWeights([])).toEqual([])
  })

  test('upscales fixed-point shares (the legacy pruning score) the same way', () => {
    expect(maxUpscaleToU16([BigInt(ONE / 4), BigInt(HALF), 0n])).toEqual([32_768, 65_535, 0])
  })
})
