/**
 * A tiny seeded generator (mulberry32) for randomized tests: same seed, same sequence.
 * Not for cryptography, and not for anything outside tests.
 */
export type Prng = {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number
  /** Uniform float on [0, 1). */
  nextFloat(): number
  /** Uniform integer on [0, maxExclusive); `maxExclusive` a positive integer at most 2^32. */
  nextInt(maxExclusive: number): number
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** Uniform bigint on [0, maxExclusive), for token amounts. */
  nextBigInt(maxExclusive: bigint): bigint
}

/**
 * Creates a generator from a 32-bit seed.
 *
 * @example
 * ```ts
 * const random = createPrng(2002)
 * random.nextInt(6) // the same value on every run
 * ```
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return (z ^ (z >>> 14)) >>> 0
  }
  const nextFloat = (): number => nextUint32() / 4294967296
  const nextInt = (maxExclusive: number): number => Math.floor(nextFloat() * maxExclusive)
  return {
    nextUint32,
    nextFloat,
    nextInt,
    pick<T>(items: readonly T[]): T {
      const item = items[nextInt(items.length)]
      if (item === undefined) throw new RangeError('pick from an empty array')
      return item
    },
    nextBigInt(maxExclusive: bigint): bigint {
      if (maxExclusive <= 0n) return 0n
      // 128 random bits, then reduce: the bias is below 2^-64 for the amounts tests use.
      let value = 0n
      for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(nextUint32())
      return value % maxExclusive
    },
  }
}
