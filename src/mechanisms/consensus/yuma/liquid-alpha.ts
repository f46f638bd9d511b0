/**
 * Liquid alpha (Yuma 3 only, spec §5.10b step 2): a per-cell EMA rate from a sigmoid of how far
 * a validator's weight sits from consensus, with substrate-fixed's `exp` reproduced exactly.
 *
 * @packageDocumentation
 */
import { type I32F32, HALF, ONE, fromBigBits, fromInt, mul, saturatingDiv } from './fixed-point.js'
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
 * Builds the per-cell alpha function `alpha_sigmoid(C_j, w, b)` of the chain, memoised on the
 * sigmoid input (many cells share it).
 *
 * @returns `(consensus, weight, bond) => α`, all `I32F32`.
 */
export function createAlphaSigmoid(config: LiquidAlphaConfig): (consensus: I32F32, weight: I32F32, bond: I32F32) => I32F32 {
  const { alphaLow, alphaHigh } = config
  const slope = saturatingDiv(config.steepness, fromInt(-100))
  const span = alphaHigh - alphaLow
  const memo = new Map<number, number>()
  return (consensus, weight, bond) => {
    const diffBuy = clamp(weight - consensus, 0, ONE)
    const diffSell = clamp(bond - weight, 0, ONE)
    const combined = weight >= bond ? diffBuy : diffSell
    let alpha = memo.get(combined)
    if (alpha === undefined) {
      const t = mul(slope, combined - HALF)
      const sigmoid = fromBigBits(saturatingDivBig(ONE_BIG, ONE_BIG + expSafe(BigInt(t))))
      alpha = clamp(alphaLow + mul(sigmoid, span), alphaLow, alphaHigh)
      memo.set(combined, alpha)
    }
    return alpha
  }
}

function saturatingDivBig(a: bigint, b: bigint): bigint {
  const sum = b > I64_MAX ? I64_MAX : b
  const q = (a << 32n) / sum
  return q > I64_MAX ? I64_MAX : q
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
