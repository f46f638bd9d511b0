/**
 * The input of every decentralization metric: how much of something (stake, rewards,
 * validation power) each entity holds, and its conversion to shares.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'

/**
 * Non-negative amounts, one per entity. Use bigint for on-chain amounts (wei), where numbers
 * would lose precision; entities holding 0 count as entities.
 */
export type Distribution = readonly number[] | readonly bigint[]

/** A distribution checked and reduced to what the metrics need. */
export type Shares = {
  /** Each entity's share of the total, in input order; all 0 when the total is 0. */
  shares: Float64Array
  /** Whether anything is held at all (false for an empty or all-zero distribution). */
  positive: boolean
}

/**
 * Checks a distribution and converts it to shares of its total. For bigint input each share is
 * the exactly rounded double of the exact ratio.
 *
 * @param values - The amounts.
 * @returns The shares.
 * @throws DeaiError `METRICS_INVALID_VALUE` for a negative, NaN or infinite amount, or a mix of
 *   numbers and bigints.
 */
export function toShares(values: Distribution): Shares {
  if (!Array.isArray(values)) {
    throw new DeaiError('METRICS_INVALID_VALUE', `Expected an array of amounts, got ${typeof values}.`, {
      fixes: ['Pass one non-negative amount per entity, as numbers or as bigints.'],
    })
  }
  const n = values.length
  const shares = new Float64Array(n)
  if (n === 0) return { shares, positive: false }
  if (typeof values[0] === 'bigint') {
    const amounts = bigints(values)
    const total = amounts.reduce((s, v) => s + v, 0n)
    if (total === 0n) return { shares, positive: false }
    for (const [i, v] of amounts.entries()) shares[i] = ratio(v, total)
    return { shares, positive: true }
  }
  const amounts = numbers(values)
  let total = 0
  for (const v of amounts) total += v
  if (total === 0) return { shares, positive: false }
  for (const [i, v] of amounts.entries()) shares[i] = v / total
  return { shares, positive: true }
}

/**
 * Checks that every amount is a finite non-negative number.
 *
 * @param values - The amounts.
 * @returns The same values, typed as numbers.
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 */
export function numbers(values: Distribution): readonly number[] {
  const out: number[] = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalidValue(i, v)
    out.push(v)
  }
  return out
}

/**
 * Checks that every amount is a non-negative bigint.
 *
 * @param values - The amounts.
 * @returns The same values, typed as bigints.
 * @throws DeaiError `METRICS_INVALID_VALUE`.
 */
export function bigints(values: Distribution): readonly bigint[] {
  const out: bigint[] = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'bigint' || v < 0n) throw invalidValue(i, v)
    out.push(v)
  }
  return out
}

function invalidValue(index: number, value: unknown): DeaiError {
  return new DeaiError('METRICS_INVALID_VALUE', `Amount ${index} is ${String(value)} (${typeof value}); amounts must be finite, non-negative and all numbers or all bigints.`, {
    fixes: ['Pass one non-negative amount per entity; use bigint for on-chain token amounts.'],
  })
}

/**
 * a / b for 0 ≤ a ≤ b, b > 0, rounded once to the nearest double.
 *
 * @param a - Numerator.
 * @param b - Denominator.
 * @returns The ratio as a number.
 */
export function ratio(a: bigint, b: bigint): number {
  if (a === 0n) return 0
  // Scale so the integer quotient has 64+ significant bits, then keep a sticky bit for the
  // remainder: Number() of that integer rounds exactly as the true ratio would.
  const shift = Math.max(0, bitLength(b) - bitLength(a) + 64)
  const scaled = a << BigInt(shift)
  const quotient = scaled / b
  const sticky = scaled % b === 0n ? 0n : 1n
  return Number((quotient << 1n) | sticky) / 2 ** (shift + 1)
}

function bitLength(x: bigint): number {
  return x.toString(2).length
}
