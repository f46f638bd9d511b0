/**
 * The epoch's emission split (spec §5.11): servers get incentive, validators dividends, both
 * normalised on `Σ(I + D)`; with nothing to pay on, emission falls back to stake. Amounts in rao
 * use the chain's `I96F32` product, `floor(bits · rao / 2^32)`.
 *
 * @packageDocumentation
 */
import { type I32F32, div, normalize, sum } from './fixed-point.js'

const U64_MAX = (1n << 64n) - 1n

/** Normalised and rao emission per uid. */
export interface EmissionSplit {
  /** `SE = I ⊘ Σc` (I32F32). */
  readonly normalizedServer: I32F32[]
  /** `VE = D ⊘ Σc`, or the stake fallback (I32F32). */
  readonly normalizedValidator: I32F32[]
  /** `CE = normalize(I + D)`, or the stake fallback (I32F32). */
  readonly normalizedCombined: I32F32[]
  /** Server emission in rao. */
  readonly server: bigint[]
  /** Validator emission in rao. */
  readonly validator: bigint[]
  /** Combined emission in rao (what `Emission` stores). */
  readonly combined: bigint[]
}

/**
 * Splits `raoEmission` between servers and validators.
 *
 * @param incentive - `I`.
 * @param dividends - `D`.
 * @param activeStake - `A`, the fallback when `Σ(I + D) = 0`.
 * @param stake - `S` (unmasked), the fallback when `A` is all zero too.
 * @param raoEmission - the amount for this epoch (u64).
 */
export function splitEmission(
  incentive: readonly I32F32[],
  dividends: readonly I32F32[],
  activeStake: readonly I32F32[],
  stake: readonly I32F32[],
  raoEmission: bigint,
): EmissionSplit {
  const combined = incentive.map((x, i) => x + (dividends[i] ?? 0))
  const total = sum(combined)
  const normalizedServer = total === 0 ? incentive.slice() : incentive.map((x) => div(x, total))
  let normalizedValidator = total === 0 ? dividends.slice() : dividends.map((x) => div(x, total))
  let normalizedCombined = normalize(combined)
  if (total === 0) {
    // No weights, all outdated, or only self-weights: pay validators by stake.
    const fallback = sum(activeStake) === 0 ? stake : activeStake
    normalizedValidator = fallback.slice()
    normalizedCombined = fallback.slice()
  }
  return {
    normalizedServer,
    normalizedValidator,
    normalizedCombined,
    server: normalizedServer.map((x) => toRao(x, raoEmission)),
    validator: normalizedValidator.map((x) => toRao(x, raoEmission)),
    combined: normalizedCombined.map((x) => toRao(x, raoEmission)),
  }
}

/**
 * `floor(bits(x) · rao / 2^32)` saturated to u64: the `I96F32` product and `to u64` of the chain.
 *
 * @example
 * ```ts
 * toRao(429496729, 1_000_000_000n) // 99999999n
 * ```
 */
export function toRao(x: I32F32, raoEmission: bigint): bigint {
  if (x <= 0) return 0n
  const value = (BigInt(x) * raoEmission) >> 32n
  return value > U64_MAX ? U64_MAX : value
}
