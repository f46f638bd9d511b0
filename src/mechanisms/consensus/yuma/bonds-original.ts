/**
 * Bonds and dividends of original Yuma (`Yuma3On = false`, spec §5.10a): relative bonds,
 * column-normalised, an EMA with a fixed rate, dividends `D_i = Σ_j I_j ⊗ B_ij`, and column
 * max-upscaled u16 storage. The β penalty reaches this step through the weights for bonds.
 *
 * @packageDocumentation
 */
import { type I32F32, ONE, divIntegers, normalize, propToU16 } from './fixed-point.js'
import { maskRecentlyRegistered } from './masks.js'
import {
  type SparseMatrix,
  colMaxUpscale,
  colNormalize,
  mapValues,
  matEma,
  matmulTranspose,
  rowHadamard,
} from './sparse-matrix.js'
import type { EpochTracer } from './trace.js'

/** What {@link originalYumaBonds} needs. */
export interface OriginalBondsInput {
  /** Stored bonds, values in u16 units (column max-upscaled). */
  readonly storedBonds: SparseMatrix
  /** `WB`: weights for bonds after the β penalty. */
  readonly weightsForBonds: SparseMatrix
  readonly activeStake: readonly I32F32[]
  readonly incentive: readonly I32F32[]
  /** Number of uids. */
  readonly n: number
  /** `last_tempo`: bonds to uids registered at or after it are dropped. */
  readonly lastTempo: number
  readonly blockAtRegistration: readonly number[]
  /** The fixed EMA rate α (see {@link emaAlpha}). */
  readonly alpha: I32F32
}

/** Output of a bonds step. */
export interface BondsOutput {
  /** Normalised dividends `D`. */
  readonly dividends: I32F32[]
  /** Bonds to store, as u16 rows in the chain's entry order. */
  readonly storedBonds: SparseMatrix
}

/**
 * The original-Yuma bonds step.
 *
 * @returns dividends and the bonds to store.
 */
export function originalYumaBonds(input: OriginalBondsInput, tracer: EpochTracer | null): BondsOutput {
  const { n } = input
  tracer?.sparse('B', wholeRows(input.storedBonds))
  const masked = maskRecentlyRegistered(input.storedBonds, input.lastTempo, input.blockAtRegistration)
  tracer?.sparse('B (outdatedmask)', wholeRows(masked))
  const bonds = colNormalizeWhole(masked, n)
  tracer?.sparse('B (mask+norm)', bonds)

  const delta = rowHadamard(input.weightsForBonds, input.activeStake)
  tracer?.sparse('ΔB', delta)
  const deltaNorm = colNormalize(delta, n)
  tracer?.sparse('ΔB (norm)', deltaNorm)

  const emaRaw = matEma(deltaNorm, bonds, input.alpha)
  tracer?.sparse('Exponential Moving Average Bonds Normal', emaRaw)
  const ema = colNormalize(emaRaw, n)
  tracer?.sparse('Exponential Moving Average Bonds', ema)

  const dividends = normalize(matmulTranspose(ema, input.incentive))
  tracer?.fixed('Dividends', dividends)

  const upscaled = colMaxUpscale(ema, n)
  return {
    dividends,
    storedBonds: upscaled.map((row) => mapValues(row, propToU16)),
  }
}

/**
 * The fixed EMA rate `α = 1 − floor32((bma << 64) / 10^6)`: the moving average is divided in
 * `I64F64` and narrowed to `I32F32` by flooring.
 *
 * @example
 * ```ts
 * emaAlpha(900_000) // 429496730 (≈ 0.1000000001)
 * ```
 */
export function emaAlpha(bondsMovingAverage: bigint): I32F32 {
  const scaled = (bondsMovingAverage << 64n) / 1_000_000n
  return ONE - Number(scaled >> 32n)
}

/**
 * `inplace_col_normalize_sparse` on whole-number values (u16 bonds loaded as `I32F32` integers).
 * Computed in integer units: the shared 2^32 factor cancels exactly.
 */
function colNormalizeWhole(matrix: SparseMatrix, columns: number): SparseMatrix {
  const colSum = new Float64Array(columns)
  for (const row of matrix) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns) colSum[j] = (colSum[j] as number) + (row.vals[k] as number)
    }
  }
  return matrix.map((row) => {
    const vals = new Float64Array(row.vals.length)
    for (let k = 0; k < vals.length; k++) {
      const j = row.cols[k] as number
      const u = row.vals[k] as number
      const total = j < columns ? (colSum[j] as number) : 0
      vals[k] = total !== 0 ? divIntegers(u, total) : u * ONE
    }
    return { cols: row.cols, vals }
  })
}

/** Whole-number rows as `I32F32` bits, for tracing. */
function wholeRows(matrix: SparseMatrix): SparseMatrix {
  return matrix.map((row) => mapValues(row, (u) => u * ONE))
}
