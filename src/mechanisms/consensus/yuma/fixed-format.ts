/**
 * Decimal rendering of fixed-point numbers exactly as substrate-fixed v0.6 `Display`/`Debug`
 * prints them, so epoch traces can be compared with the chain's log lines.
 *
 * The rule: up to `ceil(fracBits·log10 2)` fractional digits, stopping at the first digit after
 * which the remainder is within half a unit of the last place (or within 10 units of the word's
 * resolution), then rounding to nearest (ties to even) and dropping trailing zeros.
 *
 * @packageDocumentation
 */

/** `ceil(bits·log10(2))` as substrate-fixed computes it. */
function ceilLog10Of2Times(bits: number): number {
  return Number((BigInt(bits) * 0x4d10_4d43n + 0xffff_ffffn) >> 32n)
}

/**
 * Formats raw fixed-point bits the way substrate-fixed's `{:?}` does.
 *
 * @param bits - the raw signed integer.
 * @param fracBits - fractional bits of the type (32 for `I32F32`, 64 for `I64F64`).
 * @param wordBits - total bits of the type (64 for `I32F32`, 128 for `I64F64`).
 * @returns the decimal text, e.g. `0.5`, `1`, `0.3333333333`.
 * @example
 * ```ts
 * formatFixedBits(2147483648n, 32, 64) // '0.5'
 * ```
 */
export function formatFixedBits(bits: bigint, fracBits: number, wordBits: number): string {
  const negative = bits < 0n
  const abs = negative ? -bits : bits
  const word = 1n << BigInt(wordBits)
  const mask = word - 1n
  const msb = 1n << BigInt(wordBits - 1)
  let intPart = abs >> BigInt(fracBits)
  // The fraction, left-aligned in the word.
  let frac = (abs << BigInt(wordBits - fracBits)) & mask

  let fracDigits = ceilLog10Of2Times(fracBits)
  const digits: number[] = new Array<number>(fracDigits).fill(0)
  let tie = fracBits === wordBits ? 0n : msb >> BigInt(fracBits)
  let add5 = fracBits === wordBits
  for (let i = 0; i < fracDigits; i++) {
    const product = frac * 10n
    digits[i] = Number(product >> BigInt(wordBits))
    frac = product & mask
    const negated = (word - frac) & mask
    if (frac < 10n || negated < 10n) {
      fracDigits = i + 1
      break
    }
    tie = (tie * 10n) & mask
    if (add5) {
      tie += 5n
      add5 = false
    }
    if (frac < tie || negated < tie) {
      fracDigits = i + 1
      break
    }
  }
  digits.length = fracDigits

  const last = fracDigits > 0 ? (digits[fracDigits - 1] as number) : Number(intPart % 10n)
  const roundUp = frac > msb || (frac === msb && last % 2 === 1)
  if (roundUp) {
    let carried = true
    for (let i = fracDigits - 1; i >= 0 && carried; i--) {
      if ((digits[i] as number) < 9) {
        digits[i] = (digits[i] as number) + 1
        carried = false
      } else {
        digits[i] = 0
        fracDigits -= 1
      }
    }
    digits.length = fracDigits
    if (carried) intPart += 1n
  } else {
    while (fracDigits > 0 && digits[fracDigits - 1] === 0) fracDigits -= 1
    digits.length = fracDigits
  }
  const text = fracDigits > 0 ? `${intPart}.${digits.join('')}` : `${intPart}`
  return negative ? `-${text}` : text
}

/**
 * Formats `I32F32` bits as substrate-fixed prints them.
 *
 * @example
 * ```ts
 * formatI32F32(429496729) // '0.0999999998'
 * ```
 */
export function formatI32F32(bits: number): string {
  return formatFixedBits(BigInt(bits), 32, 64)
}

/** Formats `I64F64` bits as substrate-fixed prints them. */
export function formatI64F64(bits: bigint): string {
  return formatFixedBits(bits, 64, 128)
}
