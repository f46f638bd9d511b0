/**
 * Throughput of every aggregation rule at protocol scale (n = 50 updates of d = 1,000,000
 * float32 values), next to a memory-copy probe of the same bytes measured in the same run, so
 * the ratios mean something on any machine.
 *
 * Run alone: `npx tsx bench/aggregation.ts`.
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { AGGREGATION_RULES, aggregate, type AggregateOptions, type AggregationRule } from '../src/mechanisms/aggregation/aggregate.js'

/** Options of {@link benchAggregation}. */
export type BenchAggregationInit = {
  /** Number of updates. @default 50 */
  n?: number
  /** Values per update. @default 1_000_000 */
  d?: number
  /** Timed runs per rule after one warm-up run; the median is reported. @default 3 */
  repeats?: number
  /** Where the table goes. @default console.log */
  print?: (line: string) => void
  /** Seed of the random updates. @default 1 */
  seed?: number
}

/** One row of the result. */
export type BenchAggregationRow = {
  /** A rule name, or `memcpy` for the probe. */
  name: AggregationRule | 'memcpy'
  /** Median wall time of one call, in milliseconds. */
  ms: number
  /** Input bytes read (n·d·4) per second, in GB/s (10⁹ bytes). */
  gbPerSecond: number
  /** gbPerSecond divided by the memory-copy probe's. */
  ratioToCopy: number
}

/**
 * Measures each aggregation rule and a memory-copy probe (Float32Array.set of the same n·d
 * values into one buffer) and prints a table.
 *
 * @param init - Sizes, repeats, output.
 * @returns The rows, memcpy first.
 */
export function benchAggregation(init: BenchAggregationInit = {}): BenchAggregationRow[] {
  const n = init.n ?? 50
  const d = init.d ?? 1_000_000
  const repeats = init.repeats ?? 3
  const print = init.print ?? ((line: string) => console.log(line))
  const updates = randomUpdates(n, d, init.seed ?? 1)
  const bytes = n * d * 4
  // f = n/5 Byzantine (10 of 50) keeps Bulyan's n ≥ 4f + 3; Multi-Krum keeps n − f.
  const f = Math.max(0, Math.min(Math.floor(n / 5), Math.floor((n - 3) / 4)))
  const options: AggregateOptions = { f, beta: 0.2, k: n - f, weights: updates.map((_, i) => 100 + ((i * 37) % 400)) }

  const copyTarget = new Float32Array(n * d)
  const copyMs = medianTime(repeats, () => {
    for (let k = 0; k < n; k++) copyTarget.set(updates[k]!, k * d)
  })
  const copyRate = bytes / copyMs / 1e6
  const rows: BenchAggregationRow[] = [{ name: 'memcpy', ms: copyMs, gbPerSecond: copyRate, ratioToCopy: 1 }]
  for (const rule of AGGREGATION_RULES) {
    const ms = medianTime(repeats, () => aggregate(rule, updates, options))
    const rate = bytes / ms / 1e6
    rows.push({ name: rule, ms, gbPerSecond: rate, ratioToCopy: rate / copyRate })
  }

  print(`aggregation: n = ${n} updates × d = ${d.toLocaleString('en-US')} float32 (${(bytes / 1e6).toFixed(0)} MB read per call), f = ${f}, beta = 0.2, k = ${n - f}; median of ${repeats}`)
  print(`${'rule'.padEnd(14)}${'ms'.padStart(10)}${'GB/s'.padStart(10)}${'vs memcpy'.padStart(12)}`)
  for (const row of rows) {
    print(`${row.name.padEnd(14)}${row.ms.toFixed(1).padStart(10)}${row.gbPerSecond.toFixed(3).padStart(10)}${row.ratioToCopy.toFixed(3).padStart(12)}`)
  }
  return rows
}

function medianTime(repeats: number, fn: () => unknown): number {
  fn() // warm-up: lets the JIT compile the kernels before timing
  const times: number[] = []
  for (let r = 0; r < repeats; r++) {
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

/** Uniform values in [-1, 1) from a seeded xorshift32, fast enough for 50M values. */
function randomUpdates(n: number, d: number, seed: number): Float32Array[] {
  let state = seed >>> 0 || 1
  return Array.from({ length: n }, () => {
    const u = new Float32Array(d)
    for (let i = 0; i < d; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      u[i] = (state >>> 0) / 2147483648 - 1
    }
    return u
  })
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) benchAggregation()
