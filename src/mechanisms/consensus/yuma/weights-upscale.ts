/**
 * How `set_weights` stores a submitted row (spec §7): values are max-upscaled so the largest
 * becomes 65535 (`vec_u16_max_upscale_to_u16`), with the chain's fixed-point rounding.
 *
 * @packageDocumentation
 */

const ONE = 1n << 32n
const U16_MAX = 65_535n

/**
 * Max-upscales submitted u16 weights as the chain stores them.
 *
 * With `m = max(values)`: `m = 0` → all 0; `m > 32768` → `round(v ⊗ (65535 ⊘ m))`; otherwise
 * `round((v ⊗ 65535) ⊘ m)`, where `round` is to nearest with ties away from zero.
 *
 * @param values - submitted u16 values.
 * @returns the stored u16 values, in the same order.
 * @example
 * ```ts
 * import { maxUpscaleWeights } from './weights-upscale.js'
 * maxUpscaleWeights([43690, 21845]) // [65535, 32768]
 * ```
 */
export function maxUpscaleWeights(values: readonly number[]): number[] {
  return maxUpscaleToU16(values.map((v) => BigInt(v) << 32n))
}

/**
 * `vec_max_upscale_to_u16` on `I32F32` bits: the largest value becomes 65535. Also how the legacy
 * `PruningScore` was stored from the combined emission.
 *
 * @param bits - raw `I32F32` bits, non-negative.
 * @returns u16 values in the same order.
 */
export function maxUpscaleToU16(bits: readonly bigint[]): number[] {
  if (bits.length === 0) return []
  let m = 0n
  for (const b of bits) if (b > m) m = b
  if (m === 0n) return bits.map(() => 0)
  if (m > 32_768n * ONE) {
    // 65535 ⊘ m in I32F32, then v ⊗ that.
    const q = ((U16_MAX * ONE) << 32n) / m
    return bits.map((v) => roundToU16((v * q) >> 32n))
  }
  // (v ⊗ 65535) ⊘ m.
  return bits.map((v) => roundToU16(((v * U16_MAX) << 32n) / m))
}

/** `round()` (ties away from zero) of non-negative `I32F32` bits, then saturating `to u16`. */
function roundToU16(bits: bigint): number {
  const rounded = (bits + ONE / 2n) >> 32n
  return Number(rounded > U16_MAX ? U16_MAX : rounded)
}
