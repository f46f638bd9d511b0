/**
 * The one seeded pseudo-random generator deai uses wherever results must be reproducible
 * (partitions, shuffles, initial weights, adversaries). Nothing in deai calls `Math.random`.
 *
 * The generator is xoshiro128** (Blackman and Vigna): 128 bits of state, 32-bit outputs, fast
 * in JavaScript because it needs only 32-bit integer operations. The state is filled from the
 * seed with a splitmix32-style mixer, so nearby seeds (0, 1, 2, ...) give unrelated streams.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'
import type { DeaiErrorCodeIn } from '../errors/codes.js'

/** A seeded stream of pseudo-random numbers. Not safe for cryptography. */
export type Random = {
  /** The next 32-bit unsigned integer, uniform on [0, 2^32). */
  nextUint32(): number
  /** The next float, uniform on [0, 1), with 53 random bits. */
  nextFloat(): number
  /**
   * The next integer, uniform on [0, maxExclusive), without modulo bias.
   * @param maxExclusive a positive integer, at most 2^32
   */
  nextInt(maxExclusive: number): number
  /**
   * Shuffles `items` in place (Fisher–Yates) and returns it.
   * @param items the array to shuffle
   */
  shuffle<T>(items: T[]): T[]
}

/** Error codes thrown by this module. */
export type RandomErrorCode = DeaiErrorCodeIn<'random'>

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

/** One step of a splitmix32-style sequence: golden-ratio increment, then a 32-bit finaliser. */
function mix32(state: number): number {
  let z = state
  z ^= z >>> 16
  z = Math.imul(z, 0x85ebca6b)
  z ^= z >>> 13
  z = Math.imul(z, 0xc2b2ae35)
  z ^= z >>> 16
  return z >>> 0
}

function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new DeaiError('RANDOM_INVALID_SEED', `Seed ${String(seed)} is not a safe integer.`, {
      fixes: ['Pass an integer seed between -(2^53 - 1) and 2^53 - 1, e.g. 1.'],
    })
  }
}

/** Splits a safe integer into its low and high 32-bit words (two's complement for negatives). */
function seedWords(seed: number): [number, number] {
  const lo = seed >>> 0
  const hi = Math.floor(seed / TWO_POW_32) >>> 0
  return [lo, hi]
}

/**
 * Creates a seeded generator. The same seed always gives the same stream, on every platform.
 *
 * @param seed any safe integer (0 is a valid seed)
 * @returns a new, independent generator
 * @throws DeaiError `RANDOM_INVALID_SEED` when `seed` is not a safe integer
 * @example
 * ```ts
 * import { createRandom } from 'deai/ml'
 * const random = createRandom(42)
 * const order = random.shuffle([0, 1, 2, 3])
 * ```
 */
export function createRandom(seed: number): Random {
  assertSeed(seed)
  const [lo, hi] = seedWords(seed)
  // Feed both seed words through the mixer so that every bit of the seed reaches every state word.
  let sm = (lo ^ mix32(hi ^ 0x6a09e667)) >>> 0
  const next = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0
    return mix32(sm)
  }
  let s0 = next()
  let s1 = next()
  let s2 = next()
  let s3 = next()
  // The all-zero state is the one state xoshiro cannot leave.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return result
  }

  const nextFloat = (): number => {
    const a = nextUint32() >>> 5
    const b = nextUint32() >>> 6
    return (a * 67108864 + b) / TWO_POW_53
  }

  const nextInt = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new DeaiError('RANDOM_INVALID_ARGUMENT', `nextInt bound ${String(maxExclusive)} is not an integer in [1, 2^32].`, {
        fixes: ['Pass a positive integer bound no larger than 4294967296.'],
      })
    }
    // Rejection sampling: drop the top partial block of 2^32 so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive)
    for (;;) {
      const x = nextUint32()
      if (x < limit) return x % maxExclusive
    }
  }

  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = nextInt(i + 1)
      const tmp = items[i] as T
      items[i] = items[j] as T
      items[j] = tmp
    }
    return items
  }

  return { nextUint32, nextFloat, nextInt, shuffle }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/**
 * Derives a new seed from a seed and a path of integers, e.g. `(runSeed, round, trainerIndex)`.
 * Different paths give unrelated seeds, so each participant and round can have its own stream
 * without coordinating.
 *
 * @param seed the parent seed (any safe integer)
 * @param path integers that name the child stream (each a safe integer)
 * @returns a seed in [0, 2^32)
 * @throws DeaiError `RANDOM_INVALID_SEED` when any part is not a safe integer
 * @example
 * ```ts
 * import { createRandom, deriveSeed } from 'deai/ml'
 * const random = createRandom(deriveSeed(runSeed, round, trainer))
 * ```
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  assertSeed(seed)
  const [lo, hi] = seedWords(seed)
  let h = mix32((lo ^ mix32(hi ^ 0x3c6ef372)) >>> 0)
  for (const part of path) {
    assertSeed(part)
    const [plo, phi] = seedWords(part)
    h = mix32((h + 0x9e3779b9 + mix32(plo ^ 0xbb67ae85)) >>> 0)
    h = mix32((h ^ mix32(phi ^ 0xa54ff53a)) >>> 0)
  }
  return h
}
