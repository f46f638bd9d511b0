/**
 * Times the Yuma epoch on dense subnets: every validator weights every miner, with seeded random
 * weights and stakes. Bonds are carried from epoch to epoch, as on chain.
 *
 * Run alone with `npx tsx bench/yuma.ts`.
 *
 * @packageDocumentation
 */
import { pathToFileURL } from 'node:url'
import { type YumaEpochInput, yumaEpoch } from '../src/mechanisms/consensus/yuma/epoch.js'
import { type YumaParamsInit, resolveYumaParams } from '../src/mechanisms/consensus/yuma/params.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow } from '../src/mechanisms/consensus/yuma/yuma-row.js'
import { createRandom } from '../src/ml/random.js'

const SEED = 20_240_601

/** One measured configuration. */
export interface YumaBenchResult {
  readonly validators: number
  readonly miners: number
  readonly variant: string
  /** Mean wall time of one epoch, in milliseconds. */
  readonly msPerEpoch: number
  readonly epochs: number
}

const VARIANTS: readonly { name: string; params: YumaParamsInit }[] = [
  { name: 'original Yuma (β = 1)', params: {} },
  { name: 'Yuma 3', params: { yuma3: true, bondsPenalty: 0 } },
  { name: 'Yuma 3 + liquid alpha', params: { yuma3: true, liquidAlpha: true, bondsPenalty: 0 } },
]

const SIZES: readonly { validators: number; miners: number; warmup: number; epochs: number }[] = [
  { validators: 64, miners: 256, warmup: 10, epochs: 50 },
  { validators: 256, miners: 4096, warmup: 1, epochs: 5 },
]

/**
 * Runs the benchmark and prints one line per size and variant.
 *
 * @param print - where lines go.
 * @returns the measurements.
 */
export function benchYuma(print: (line: string) => void = console.log): YumaBenchResult[] {
  const results: YumaBenchResult[] = []
  for (const size of SIZES) {
    const input = denseSubnet(size.validators, size.miners, SEED)
    for (const variant of VARIANTS) {
      const params = resolveYumaParams({ commitReveal: false, maxAllowedValidators: size.validators, ...variant.params })
      // Untimed epochs build bonds and warm the JIT.
      let bonds: readonly YumaSparseRow[] = []
      let block = input.currentBlock
      for (let e = 0; e < size.warmup; e++) bonds = yumaEpoch({ ...input, currentBlock: block++ }, params, bonds).stored.bonds
      const start = performance.now()
      for (let e = 0; e < size.epochs; e++) {
        bonds = yumaEpoch({ ...input, currentBlock: block++ }, params, bonds).stored.bonds
      }
      const msPerEpoch = (performance.now() - start) / size.epochs
      results.push({ validators: size.validators, miners: size.miners, variant: variant.name, msPerEpoch, epochs: size.epochs })
      print(`yuma ${size.validators} validators × ${size.miners} miners, ${variant.name}: ${msPerEpoch.toFixed(1)} ms/epoch`)
    }
  }
  return results
}

/** A dense subnet: uids 0..v−1 are staked validators weighting every miner uid v..v+m−1. */
function denseSubnet(validators: number, miners: number, seed: number): YumaEpochInput {
  const generator = createRandom(seed)
  const random = () => generator.nextFloat()
  const n = validators + miners
  const block = 10_000
  return {
    currentBlock: block,
    stake: Array.from({ length: n }, (_, i) => (i < validators ? BigInt(1 + Math.floor(random() * 1e15)) : 0n)),
    lastUpdate: new Array<number>(n).fill(block - 1),
    blockAtRegistration: new Array<number>(n).fill(0),
    validatorPermit: Array.from({ length: n }, (_, i) => i < validators),
    weights: Array.from({ length: n }, (_, i) =>
      i < validators
        ? {
            uids: Array.from({ length: miners }, (_, k) => validators + k),
            values: Array.from({ length: miners }, () => Math.floor(random() * 65_536)),
          }
        : EMPTY_YUMA_ROW,
    ),
    raoEmission: 1_000_000_000n,
  }
}


if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) benchYuma()
