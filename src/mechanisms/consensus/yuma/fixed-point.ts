/**
 * Fixed-point arithmetic of Bittensor's epoch, bit for bit.
 *
 * The chain computes in substrate-fixed's `I32F32` (a signed 64-bit integer `b`, value `b / 2^32`)
 * and, for stake, `I64F64` (a signed 128-bit integer, value `b / 2^64`). Here an `I32F32` is held
 * as its raw integer `b` in a JS `number`. Every quantity of the epoch stays far inside
 * `|b| < 2^53` (values below 2^21), where doubles hold integers exactly; the helpers below do the
 * chain's integer operations exactly on such numbers and fall back to `bigint` when an operand is
 * too wide for the fast path. A result that cannot be held exactly throws `YUMA_FIXED_RANGE`.
 * `I64F64` values are `bigint`s.
 *
 * Rounding, as on chain:
 * - `mul(a, b) = floor(a·b / 2^32)` (arithmetic shift, toward −∞).
 * - `div(a, b) = trunc(a·2^32 / b)` (toward zero); 0 when `b = 0` or the quotient overflows
 *   (`safe_div`).
 * - `fromF32`/`fromF64` round to nearest, ties to even (`from_num` of a float).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'

/** Raw bits of an `I32F32` value: the integer `b` of `b / 2^32`. */
export type I32F32 = number

/** `1.0` as `I32F32` bits. */
export const ONE = 4_294_967_296
/** `0.5` as `I32F32` bits. */
export const HALF = 2_147_483_648
/** `65535` (u16::MAX) as `I32F32` bits. */
export const U16_MAX_FIXED = 65_535 * ONE

const TWO16 = 65_536
const TWO20 = 2 ** 20
const TWO21 = 2 ** 21
const TWO36 = 2 ** 36
const TWO52 = 2 ** 52
const TWO53 = 2 ** 53
/** {@link mul} is exact in doubles for |a|, |b| < 2^37 with |a·b| < 2^68 (checked with margin). */
const MUL_OPERAND_LIMIT = 2 ** 37
const MUL_PRODUCT_LIMIT = 2 ** 68
const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)

/**
 * Converts a `bigint` holding raw `I32F32` bits to a `number`, or throws if it is not exact.
 *
 * @param bits - raw bits, within ±2^53.
 * @returns the same integer as a number.
 */
export function fromBigBits(bits: bigint): I32F32 {
  if (bits >= 9_007_199_254_740_992n || bits <= -9_007_199_254_740_992n) {
    throw new DeaiError('YUMA_FIXED_RANGE', `A fixed-point value left the exactly representable range (bits ${bits}).`, {
      fixes: ['Keep inputs within the chain limits: at most 65,535 uids, u16 weights, stakes below 2^63 rao.'],
    })
  }
  return Number(bits)
}

/**
 * `I32F32` from an integer (`saturating_from_num` of an integer type; exact).
 *
 * @param n - an integer with |n| < 2^21.
 * @returns its `I32F32` bits.
 */
export function fromInt(n: number): I32F32 {
  return n * ONE
}

/**
 * Floor-multiplication `floor(a·b / 2^32)`, the chain's `saturating_mul` on `I32F32`.
 *
 * @example
 * ```ts
 * mul(HALF, HALF) // ONE / 4
 * mul(-1, 1)      // -1 (floors toward −∞)
 * ```
 */
export function mul(a: I32F32, b: I32F32): I32F32 {
  if (a === 0 || b === 0) return 0
  const absA = a < 0 ? -a : a
  const absB = b < 0 ? -b : b
  if (absA < MUL_OPERAND_LIMIT && absB < MUL_OPERAND_LIMIT && absA * absB < MUL_PRODUCT_LIMIT) {
    // a·b = ah·b·2^16 + al·b with |al| < 2^16: |ah·b| < 2^52 + 2^37 and |al·b| < 2^53, both exact.
    const al = a % TWO16
    const ah = (a - al) / TWO16
    const z = ah * b + Math.floor((al * b) / TWO16)
    return Math.floor(z / TWO16)
  }
  return mulBig(a, b)
}

function mulBig(a: I32F32, b: I32F32): I32F32 {
  let p = (BigInt(a) * BigInt(b)) >> 32n
  if (p > I64_MAX) p = I64_MAX
  if (p < I64_MIN) p = I64_MIN
  return fromBigBits(p)
}

/**
 * Safe division `trunc(a·2^32 / b)`, the chain's `safe_div` on `I32F32`: 0 when `b` is 0 or the
 * quotient does not fit in `I32F32`.
 *
 * @example
 * ```ts
 * div(ONE, fromInt(10)) // 429496729 (0.0999999998)
 * div(ONE, 0)           // 0
 * ```
 */
export function div(a: I32F32, b: I32F32): I32F32 {
  if (b === 0 || a === 0) return 0
  const negative = a < 0 !== b < 0
  const x = a < 0 ? -a : a
  const s = b < 0 ? -b : b
  if (x < TWO20 && s < TWO52) {
    // x·2^32 < 2^52 is exact, and so is q·s ≤ x·2^32 + s: one division, at most one correction.
    const num = x * ONE
    let q = Math.floor(num / s)
    const r = num - q * s
    if (r < 0) q -= 1
    else if (r >= s) q += 1
    return negative ? -q : q
  }
  if (x < TWO36 && s < TWO36 && x < s * TWO21) {
    // Two steps of 16-bit long division; every intermediate stays below 2^53 and so does q.
    const t1 = x * TWO16
    let q1 = Math.floor(t1 / s)
    let r1 = t1 - q1 * s
    if (r1 < 0) {
      q1 -= 1
      r1 += s
    } else if (r1 >= s) {
      q1 += 1
      r1 -= s
    }
    const t2 = r1 * TWO16
    let q2 = Math.floor(t2 / s)
    const r2 = t2 - q2 * s
    if (r2 < 0) q2 -= 1
    else if (r2 >= s) q2 += 1
    const q = q1 * TWO16 + q2
    return negative ? -q : q
  }
  // The general path needs x, s < 2^52 and a quotient below 2^53 (x/s < 2^21).
  if (x < TWO52 && s < TWO52 && x < s * TWO21) {
    const q = divFloorShift32(x, s)
    if (q >= 0) return negative ? -q : q
  }
  return divBig(a, b)
}

/**
 * Saturating division `trunc(a·2^32 / b)`, clamped to the `I32F32` range (`saturating_div`).
 * Only used with non-zero divisors.
 */
export function saturatingDiv(a: I32F32, b: I32F32): I32F32 {
  if (b === 0) {
    throw new DeaiError('YUMA_FIXED_RANGE', 'Division by zero in a saturating fixed-point division.')
  }
  let q = (BigInt(a) << 32n) / BigInt(b)
  if (q > I64_MAX) q = I64_MAX
  if (q < I64_MIN) q = I64_MIN
  return fromBigBits(q)
}

function divBig(a: I32F32, b: I32F32): I32F32 {
  const q = (BigInt(a) << 32n) / BigInt(b)
  if (q > I64_MAX || q < I64_MIN) return 0
  return fromBigBits(q)
}

/** Bit length of a positive integer below 2^53. */
function bitLength(s: number): number {
  if (s < ONE) return 32 - Math.clz32(s)
  return 64 - Math.clz32(Math.floor(s / ONE))
}

/**
 * floor(x·2^32 / s) for integers 0 ≤ x < 2^52, 0 < s < 2^52, by long division in base 2^k with k
 * chosen so that every intermediate stays below 2^52. Returns −1 when s is too wide for this path
 * or the quotient reaches 2^53.
 */
export function divFloorShift32(x: number, s: number): number {
  let q = Math.floor(x / s)
  let r = x - q * s
  if (r < 0) {
    q -= 1
    r += s
  } else if (r >= s) {
    q += 1
    r -= s
  }
  const step = 52 - bitLength(s)
  if (step <= 0) return -1
  let remaining = 32
  while (remaining > 0) {
    const k = remaining < step ? remaining : step
    const scale = 2 ** k
    const t = r * scale
    let d = Math.floor(t / s)
    let r2 = t - d * s
    if (r2 < 0) {
      d -= 1
      r2 += s
    } else if (r2 >= s) {
      d += 1
      r2 -= s
    }
    q = q * scale + d
    r = r2
    remaining -= k
  }
  return q < TWO53 ? q : -1
}

/**
 * floor(u·2^32 / total) for non-negative integers u ≤ total < 2^31. This is `div` on two
 * `I32F32` values that are both whole numbers (`u<<32` and `total<<32`): the shared 2^32 cancels,
 * so the chain's division of raw u16 weights or bonds by their sum is computed exactly here.
 */
export function divIntegers(u: number, total: number): I32F32 {
  if (total === 0) return 0
  const num = u * ONE
  let q = Math.floor(num / total)
  const r = num - q * total
  if (r < 0) q -= 1
  else if (r >= total) q += 1
  return q
}

/**
 * `fixed_proportion_to_u16`: `x ⊗ 65535` converted to u16, flooring and saturating (negative → 0,
 * above 65535 → 65535). This is how consensus, incentive, dividends, trust and Yuma 3 bonds are stored.
 *
 * @example
 * ```ts
 * propToU16(ONE)  // 65535
 * propToU16(HALF) // 32767
 * ```
 */
export function propToU16(x: I32F32): number {
  if (x <= 0) return 0
  // x ⊗ (65535<<32) is exactly x·65535; converting to u16 floors the value.
  const v = Math.floor((x * 65_535) / ONE)
  return v > 65_535 ? 65_535 : v
}

/**
 * `u16_proportion_to_fixed`: `(v<<32) ⊘ (65535<<32)`.
 *
 * @example
 * ```ts
 * u16ToProp(65535) // ONE
 * u16ToProp(32767) // 2147450879 (κ ≈ 0.49999)
 * ```
 */
export function u16ToProp(v: number): I32F32 {
  return divIntegers(v, 65_535)
}

/**
 * `I32F32::from_num(x as f32)`: the f32 nearest to `x`, then rounded to the nearest `I32F32`
 * (ties to even). Test vectors write their literals this way.
 */
export function fromF32(x: number): I32F32 {
  return fromF64(Math.fround(x))
}

/** `I32F32::from_num(x: f64)`: nearest `I32F32`, ties to even. */
export function fromF64(x: number): I32F32 {
  const scaled = x * ONE // exact: scaling by a power of two
  const floor = Math.floor(scaled)
  const frac = scaled - floor
  if (frac > 0.5) return floor + 1
  if (frac < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}

/** The real value of `I32F32` bits, as a double (for display and tolerance checks only). */
export function toReal(bits: I32F32): number {
  return bits / ONE
}

/** Exact sum of `I32F32` values (the chain's `iter().sum()`, which never nears its bounds here). */
export function sum(values: ArrayLike<I32F32>): I32F32 {
  let total = 0
  for (let i = 0; i < values.length; i++) total += values[i] as number
  return total
}

/**
 * `inplace_normalize`: divides every entry by the sum, unless the sum is 0 (then the vector is
 * returned unchanged). Results sum to slightly less than 1.
 */
export function normalize(values: readonly I32F32[]): I32F32[] {
  const total = sum(values)
  if (total === 0) return values.slice()
  return values.map((v) => div(v, total))
}

/**
 * Narrows `I64F64` bits to `I32F32` bits by dropping the low 32 fraction bits (floor).
 */
export function narrowI64F64(bits: bigint): I32F32 {
  return fromBigBits(bits >> 32n)
}
