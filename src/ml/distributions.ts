/**
 * Samplers for the continuous distributions deai needs (normal, gamma, Dirichlet), all drawn
 * from a seeded {@link Random}, so that every draw is reproducible.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'
import type { Random } from './random.js'

/**
 * Draws one standard normal N(0, 1) value (Box–Muller, one value per two uniforms).
 *
 * @param random the seeded generator to draw from
 * @returns a standard normal sample
 */
export function sampleNormal(random: Random): number {
  // 1 - u is in (0, 1], so the logarithm is finite.
  const u = 1 - random.nextFloat()
  const v = random.nextFloat()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

function assertShape(shape: number, what: string): void {
  if (!(Number.isFinite(shape) && shape > 0)) {
    throw new DeaiError('RANDOM_INVALID_ARGUMENT', `${what} ${String(shape)} is not a positive finite number.`, {
      fixes: ['Pass a concentration (shape) greater than 0, e.g. 0.5.'],
    })
  }
}

/**
 * Draws the natural logarithm of one Gamma(shape, 1) value.
 *
 * Working in log space keeps tiny shapes usable: for shape 0.01 most Gamma draws underflow to 0
 * in double precision, but their logarithms stay finite, so Dirichlet proportions can still be
 * normalised. Shape ≥ 1 uses Marsaglia and Tsang's method; shape < 1 uses the boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a).
 *
 * @param random the seeded generator to draw from
 * @param shape the shape parameter, > 0
 * @returns log of a Gamma(shape, 1) sample
 * @throws DeaiError `RANDOM_INVALID_ARGUMENT` when `shape` is not a positive finite number
 */
export function sampleLogGamma(random: Random, shape: number): number {
  assertShape(shape, 'Gamma shape')
  if (shape < 1) {
    const u = 1 - random.nextFloat()
    return sampleLogGamma(random, shape + 1) + Math.log(u) / shape
  }
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = sampleNormal(random)
    const t = 1 + c * x
    if (t <= 0) continue
    const v = t * t * t
    const u = 1 - random.nextFloat()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d) + Math.log(v)
  }
}

/**
 * Draws one Gamma(shape, 1) value. May return 0 for very small shapes (underflow); use
 * {@link sampleLogGamma} when that matters.
 *
 * @param random the seeded generator to draw from
 * @param shape the shape parameter, > 0
 * @returns a Gamma(shape, 1) sample
 */
export function sampleGamma(random: Random, shape: number): number {
  return Math.exp(sampleLogGamma(random, shape))
}

/**
 * Draws one probability vector from a Dirichlet distribution with the given concentrations.
 * The entries are non-negative and sum to 1 (up to rounding), even for tiny concentrations.
 *
 * @param random the seeded generator to draw from
 * @param alphas one concentration per component, each > 0
 * @returns proportions, one per component
 * @throws DeaiError `RANDOM_INVALID_ARGUMENT` when a concentration is not positive
 * @example
 * ```ts
 * import { createRandom, sampleDirichlet } from 'deai/ml'
 * const p = sampleDirichlet(createRandom(1), new Array(10).fill(0.5))
 * ```
 */
export function sampleDirichlet(random: Random, alphas: readonly number[]): number[] {
  if (alphas.length === 0) return []
  const logs = alphas.map((alpha) => sampleLogGamma(random, alpha))
  // Normalise in log space (a softmax), so that underflowing draws do not make the sum 0.
  const max = Math.max(...logs)
  const weights = logs.map((l) => Math.exp(l - max))
  const sum = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => w / sum)
}
