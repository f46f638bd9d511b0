/**
 * Liquid alpha (Yuma 3 only, spec §5.10b step 2): a per-cell EMA rate from a sigmoid of how far
 * a validator's weight sits from consensus, with substrate-fixed's `exp` reproduced exactly.
 *
 * @packageDocumentation
 */
import { type I32F32, HALF, ONE, fromInt, mul, saturatingDiv } from './fixed-point.js'
import type { SparseRow } from './sparse-matrix.js'

const ONE_BIG = 1n << 32n
const I64_MAX = (1n << 63n) - 1n
/** substrate-fixed's `E`: e floored to 23 fraction bits (an `I9F23` constant), widened to `I32F32`. */
const E_BITS = (0xadf8_5458_a2bb_4a9a_afdc_5620_273d_3cf1n >> 103n) << 9n
const EXP_MIN = -20n * ONE_BIG
const EXP_MAX = 20n * ONE_BIG

/**
 * substrate-fixed's `exp` on `I32F32`: 1 at 0, the constant `E` at exactly 1, otherwise the Taylor
 * sum `1 + x + Σ_{i=2..31} term_i` with `term_i = (term_{i−1} ⊗ x) ⊘ i` on |x|, and a reciprocal for
 * x < 0. Returns null where the chain's checked arithmetic would fail.
 *
 * @param x - raw `I32F32` bits.
 * @returns raw `I32F32` bits of e^x, or null on overflow.
 */
export function fixedExp(x: bigint): bigint | null {
  if (x === 0n) return ONE_BIG
  if (x === ONE_BIG) return E_BITS
  const negative = x < 0n
  const operand = negative ? -x : x
  let result = operand + ONE_BIG
  let term = operand
  for (let i = 2n; i < 32n; i++) {
    term = (term * operand) >> 32n
    if (term > I64_MAX) return null
    term = term / i
    result += term
    if (result > I64_MAX) return null
  }
  if (negative) {
    if (result === 0n) return null
    const q = (ONE_BIG << 32n) / result
    if (q > I64_MAX) return null
    result = q
  }
  return result
}

/**
 * `exp_safe`: the input clamped to [−20, 20], then {@link fixedExp} (0 or `I32F32::MAX` on error).
 *
 * @param x - raw `I32F32` bits.
 * @returns raw `I32F32` bits (a bigint: e^20 exceeds 2^53 bits).
 */
export function expSafe(x: bigint): bigint {
  const clamped = x < EXP_MIN ? EXP_MIN : x > EXP_MAX ? EXP_MAX : x
  const value = fixedExp(clamped)
  if (value !== null) return value
  return clamped <= 0n ? 0n : I64_MAX
}

const TWO16 = 65_536
const INV16 = 2 ** -16
const INV32 = 2 ** -32
const TWO64 = 2 ** 64
/** 1/i for the Taylor divisions; each quotient is corrected to the exact floor. */
const INVERSES = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0 : 1 / i))
const TWO31 = 2_147_483_648
const EXP_MIN_BITS = -20 * ONE
const EXP_MAX_BITS = 20 * ONE
const E_HI = Number(E_BITS >> 32n)
const E_LO = Number(E_BITS & 0xffff_ffffn)

/** Terms with a high limb below this (T < 29·2^32 < 2^36.9) take the two-product path. */
const SMALL_TERM_HI = 29
/** Cells evaluated together: their independent Taylor chains overlap in the CPU. */
const LANES = 8

/**
 * The chain's liquid-alpha sigmoid core, `1 ⊘sat (1 + exp_safe(t))`, computed exactly in doubles
 * for many inputs at once: the Taylor terms of {@link fixedExp} run on (high, low) 32-bit limbs,
 * so no intermediate exceeds 2^53, and {@link LANES} inputs advance in lockstep. Agrees bit for
 * bit with the `bigint` reference ({@link expSafe}).
 *
 * @param ts - raw `I32F32` bits of the sigmoid exponents.
 * @param out - receives the raw `I32F32` bits of each sigmoid, in [0, 1].
 */
export function sigmoidsOfExp(ts: ArrayLike<I32F32>, out: Float64Array): void {
  const xh = new Float64Array(LANES)
  const xl = new Float64Array(LANES)
  const xl1 = new Float64Array(LANES)
  const xl0 = new Float64Array(LANES)
  const rh = new Float64Array(LANES)
  const rl = new Float64Array(LANES)
  const th = new Float64Array(LANES)
  const tl = new Float64Array(LANES)
  const state = new Uint8Array(LANES) // 0 done, 1 running, 2 overflowed
  for (let base = 0; base < ts.length; base += LANES) {
    const lanes = Math.min(LANES, ts.length - base)
    for (let lane = 0; lane < lanes; lane++) {
      const t = ts[base + lane] as number
      const x = Math.abs(t < EXP_MIN_BITS ? EXP_MIN_BITS : t > EXP_MAX_BITS ? EXP_MAX_BITS : t)
      const h = Math.floor(x * INV32)
      const l = x - h * ONE
      xh[lane] = h
      xl[lane] = l
      xl1[lane] = Math.floor(l * INV16)
      xl0[lane] = l - (xl1[lane] as number) * TWO16
      rh[lane] = h + 1
      rl[lane] = l
      th[lane] = h
      tl[lane] = l
      state[lane] = t === 0 || t === ONE ? 0 : 1
    }
    for (let i = 2, running = true; i < 32 && running; i++) {
      running = false
      const inv = INVERSES[i] as number
      for (let lane = 0; lane < lanes; lane++) {
        if (state[lane] !== 1) continue
        const h = th[lane] as number
        const l = tl[lane] as number
        const xH = xh[lane] as number
        let qh: number
        let ql: number
        let hi: number
        if (h < SMALL_TERM_HI) {
          // T < 29·2^32: P = floor(T·x / 2^32) from two partial products, each below 2^53.
          const term = h * ONE + l
          const xL = xl[lane] as number
          const t1 = Math.floor(term * INV16)
          const t0 = term - t1 * TWO16
          const p = term * xH + Math.floor((t1 * xL + Math.floor(t0 * xL * INV16)) * INV16)
          let q = Math.floor(p * inv)
          const r = p - q * i
          if (r < 0) q -= 1
          else if (r >= i) q += 1
          qh = Math.floor(q * INV32)
          ql = q - qh * ONE
          hi = 0
        } else {
          const x1 = xl1[lane] as number
          const x0 = xl0[lane] as number
          // P = floor(T·x / 2^32) from 16- and 32-bit partial products, each exact in a double.
          const l1 = Math.floor(l * INV16)
          const l0 = l - l1 * TWO16
          const c1 = h * x1
          const c2 = h * x0
          const c3 = l * xH
          const mid = l1 * x0 + l0 * x1
          const c4 = l1 * x1 + Math.floor((mid * TWO16 + l0 * x0) * INV32)
          const c1h = Math.floor(c1 * INV16)
          const c2h = Math.floor(c2 * INV32)
          const c3h = Math.floor(c3 * INV32)
          let lo = (c1 - c1h * TWO16) * TWO16 + (c2 - c2h * ONE) + (c3 - c3h * ONE) + c4
          hi = h * xH + c1h + c2h + c3h
          const carry = Math.floor(lo * INV32)
          hi += carry
          lo -= carry * ONE
          // term = floor(P / i), by long division over the limbs (multiply by 1/i, then correct).
          qh = Math.floor(hi * inv)
          let rem = hi - qh * i
          if (rem < 0) {
            qh -= 1
            rem += i
          } else if (rem >= i) {
            qh += 1
            rem -= i
          }
          const num = rem * ONE + lo
          ql = Math.floor(num * inv)
          const r2 = num - ql * i
          if (r2 < 0) ql -= 1
          else if (r2 >= i) ql += 1
        }
        let sumLo = (rl[lane] as number) + ql
        let sumHi = (rh[lane] as number) + qh
        if (sumLo >= ONE) {
          sumLo -= ONE
          sumHi += 1
        }
        th[lane] = qh
        tl[lane] = ql
        rl[lane] = sumLo
        rh[lane] = sumHi
        if (hi >= TWO31 || sumHi >= TWO31) state[lane] = 2 // checked_mul / checked_add fail
        else if (qh === 0 && ql === 0) state[lane] = 0 // every later term is 0 too
        else running = true
      }
    }
    for (let lane = 0; lane < lanes; lane++) {
      const t = ts[base + lane] as number
      out[base + lane] = finishSigmoid(t, rh[lane] as number, rl[lane] as number, state[lane] === 2)
    }
  }
}

/** `1 ⊘sat (1 + exp_safe(t))` from the Taylor sum e^|t| = hi·2^32 + lo. */
function finishSigmoid(t: I32F32, hi: number, lo: number, overflowed: boolean): I32F32 {
  const x = t < EXP_MIN_BITS ? EXP_MIN_BITS : t > EXP_MAX_BITS ? EXP_MAX_BITS : t
  let eh = hi
  let el = lo
  if (x === 0) {
    eh = 1
    el = 0
  } else if (x === ONE) {
    eh = E_HI
    el = E_LO
  } else if (overflowed) {
    // exp_safe's fallbacks: 0 below zero, I32F32::MAX above (then 1 + MAX saturates).
    return x <= 0 ? ONE : recip64(TWO31 - 1, ONE - 1)
  } else if (x < 0) {
    const r = recip64(hi, lo)
    eh = Math.floor(r * INV32)
    el = r - eh * ONE
  }
  // 1 + exp: adds one to the high limb (never near saturation for |t| ≤ 20).
  return recip64(eh + 1, el)
}

/**
 * {@link sigmoidsOfExp} for one input.
 *
 * @param t - raw `I32F32` bits of the exponent.
 * @returns raw `I32F32` bits of `1 ⊘ (1 + exp_safe(t))`.
 */
export function sigmoidOfExp(t: I32F32): I32F32 {
  const out = new Float64Array(1)
  sigmoidsOfExp([t], out)
  return out[0] as number
}

/** floor(2^64 / R) for R = hi·2^32 + lo ≥ 2^32: `ONE ⊘ R` on `I32F32` bits. */
function recip64(hi: number, lo: number): number {
  // The double estimate is within one of the quotient (≤ 2^32); correct it exactly.
  let q = Math.floor(TWO64 / (hi * ONE + lo))
  while (compareTimes(q, hi, lo) > 0) q -= 1
  while (compareTimes(q + 1, hi, lo) <= 0) q += 1
  return q
}

/**
 * Sign of q·(hi·2^32 + lo) − 2^64 for q·hi ≤ 2^33 and q < 2^34: the product is assembled from
 * partial products below 2^50 in 16-bit steps.
 */
function compareTimes(q: number, hi: number, lo: number): number {
  const lo1 = Math.floor(lo * INV16)
  const c = q * (lo - lo1 * TWO16)
  const cHi = Math.floor(c * INV16)
  const b = q * lo1 + cHi
  const bHi = Math.floor(b * INV16)
  const a = q * hi + bHi
  if (a !== ONE) return a > ONE ? 1 : -1
  return b - bHi * TWO16 > 0 || c - cHi * TWO16 > 0 ? 1 : 0
}

/** Liquid-alpha settings as `I32F32` values. */
export interface LiquidAlphaConfig {
  /** α_low = alpha_low / 65535. */
  readonly alphaLow: I32F32
  /** α_high = alpha_high / 65535. */
  readonly alphaHigh: I32F32
  /** `AlphaSigmoidSteepness` as an integer `I32F32`. */
  readonly steepness: I32F32
}

/**
 * Per-cell alphas of one row, `alpha_sigmoid(C_j, w, b)` as the chain computes it:
 * `d = clamp(w − C_j, 0, 1)` if `w ≥ b`, else `clamp(b − w, 0, 1)`;
 * `α = clamp(α_low + sigmoid(slope ⊗ (d − ½)) ⊗ (α_high − α_low), α_low, α_high)`.
 */
export type RowAlphas = (
  cols: ArrayLike<number>,
  consensus: readonly I32F32[],
  seenWeight: Float64Array,
  seenBond: Float64Array,
) => Float64Array

/**
 * Builds the row-at-a-time alpha function for the given settings.
 *
 * @returns a function filling one alpha per entry of a row (entries at or beyond the consensus
 *   width get 0 and are not used).
 */
export function createRowAlphas(config: LiquidAlphaConfig): RowAlphas {
  const { alphaLow, alphaHigh } = config
  const slope = saturatingDiv(config.steepness, fromInt(-100))
  const span = alphaHigh - alphaLow
  const alphaOf = (sigmoid: I32F32): I32F32 => clamp(alphaLow + mul(sigmoid, span), alphaLow, alphaHigh)
  // d = 0 (a weight at or below consensus, not below its bond) is the most common input.
  const alphaAtZero = alphaOf(sigmoidOfExp(mul(slope, -HALF)))
  let exponents = new Float64Array(64)
  let sigmoids = new Float64Array(64)
  let positions = new Int32Array(64)
  return (cols, consensus, seenWeight, seenBond) => {
    const alphas = new Float64Array(cols.length)
    if (exponents.length < cols.length) {
      exponents = new Float64Array(cols.length)
      sigmoids = new Float64Array(cols.length)
      positions = new Int32Array(cols.length)
    }
    let count = 0
    for (let k = 0; k < cols.length; k++) {
      const j = cols[k] as number
      if (j >= consensus.length) continue
      const w = seenWeight[j] as number
      const b = seenBond[j] as number
      const combined = w >= b ? clamp(w - (consensus[j] as number), 0, ONE) : clamp(b - w, 0, ONE)
      if (combined === 0) {
        alphas[k] = alphaAtZero
      } else {
        exponents[count] = mul(slope, combined - HALF)
        positions[count] = k
        count += 1
      }
    }
    sigmoidsOfExp(exponents.subarray(0, count), sigmoids)
    for (let c = 0; c < count; c++) alphas[positions[c] as number] = alphaOf(sigmoids[c] as number)
    return alphas
  }
}

/** `clamp_value`: `min(high)` then `max(low)`. */
function clamp(value: I32F32, low: I32F32, high: I32F32): I32F32 {
  const capped = value < high ? value : high
  return capped > low ? capped : low
}

/**
 * What the chain's liquid-alpha merge "sees" in a sparse row: it walks columns 0..n−1 with a
 * forward-only cursor that assumes ascending column order, so only entries whose column exceeds
 * every earlier entry's column are found (the first of duplicates wins). Writes the found values
 * into `out` (which must be zero) and returns the columns written, for resetting.
 */
export function mergeVisible(row: SparseRow, columns: number, out: Float64Array): number[] {
  const written: number[] = []
  let maxSoFar = -1
  for (let k = 0; k < row.cols.length; k++) {
    const j = row.cols[k] as number
    if (j > maxSoFar) {
      maxSoFar = j
      if (j < columns) {
        out[j] = row.vals[k] as number
        written.push(j)
      }
    }
  }
  return written
}
