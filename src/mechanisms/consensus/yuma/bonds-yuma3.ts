/**
 * Bonds and dividends of Yuma 3 (`Yuma3On = true`, spec §5.10b): bonds in absolute [0, 1] units,
 * an EMA with either a fixed rate or per-cell liquid alpha, and stake applied only in the
 * dividends `D_i = (Σ_j EN_ij ⊗ I_j) ⊗ A_i`.
 *
 * @packageDocumentation
 */
import { type I32F32, mul, normalize, propToU16, u16ToProp } from './fixed-point.js'
import { type LiquidAlphaConfig, createRowAlphas, mergeVisible } from './liquid-alpha.js'
import { maskRecentlyRegistered } from './masks.js'
import { type SparseMatrix, type SparseRow, colNormalize, mapValues, matEma, matEmaAlpha } from './sparse-matrix.js'
import type { BondsOutput } from './bonds-original.js'
import type { EpochTracer } from './trace.js'

/** What {@link yuma3Bonds} needs. */
export interface Yuma3BondsInput {
  /** Stored bonds, values in u16 units (absolute proportions × 65535). */
  readonly storedBonds: SparseMatrix
  /** `WB`: weights for bonds after the β penalty. */
  readonly weightsForBonds: SparseMatrix
  readonly activeStake: readonly I32F32[]
  readonly incentive: readonly I32F32[]
  readonly consensus: readonly I32F32[]
  readonly n: number
  readonly lastTempo: number
  readonly blockAtRegistration: readonly number[]
  /** The fixed EMA rate, used when liquid alpha is off or consensus is all zero. */
  readonly alpha: I32F32
  /** Liquid-alpha settings, or null when `LiquidAlphaOn` is false. */
  readonly liquidAlpha: LiquidAlphaConfig | null
}

/**
 * The Yuma 3 bonds step.
 *
 * @returns dividends and the bonds to store (`prop_u16` of the EMA, no upscaling).
 */
export function yuma3Bonds(input: Yuma3BondsInput, tracer: EpochTracer | null): BondsOutput {
  const { n, consensus } = input
  const loaded = input.storedBonds.map((row) => mapValues(row, u16ToProp))
  tracer?.sparse('Bonds', loaded)
  const bonds = maskRecentlyRegistered(loaded, input.lastTempo, input.blockAtRegistration)
  tracer?.sparse('Bonds: (mask)', bonds)
  tracer?.sparse('weights_for_bonds', input.weightsForBonds)

  const useLiquid = input.liquidAlpha !== null && consensus.length > 0 && consensus.some((c) => c !== 0)
  const ema =
    useLiquid && input.liquidAlpha !== null
      ? liquidEma(input.weightsForBonds, bonds, consensus, n, input.liquidAlpha, tracer)
      : matEma(input.weightsForBonds, bonds, input.alpha)
  tracer?.sparse('emaB', ema)

  const emaNorm = colNormalize(ema, n)
  tracer?.sparse('emaB norm', emaNorm)

  // mat_vec_mul_sparse then row_sum_sparse: Σ_j EN_ij ⊗ I_j (zero products contribute nothing).
  const totalBonds = emaNorm.map((row) => {
    let acc = 0
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < input.incentive.length) acc += mul(row.vals[k] as number, input.incentive[j] as number)
    }
    return acc
  })
  tracer?.fixed('total_bonds_per_validator', totalBonds)

  const dividends = normalize(totalBonds.map((tb, i) => mul(tb, input.activeStake[i] ?? 0)))
  tracer?.fixed('Dividends', dividends)

  return {
    dividends,
    storedBonds: ema.map((row) => mapValues(row, propToU16)),
  }
}

/**
 * `mat_ema_alpha_sparse` with the alphas of `compute_liquid_alpha_values_sparse`: each cell's
 * weight and bond are what the chain's ordered merge finds in the row (see {@link mergeVisible}).
 */
function liquidEma(
  weightsForBonds: SparseMatrix,
  bonds: SparseMatrix,
  consensus: readonly I32F32[],
  n: number,
  config: LiquidAlphaConfig,
  tracer: EpochTracer | null,
): SparseMatrix {
  const rowAlphas = createRowAlphas(config)
  const seenWeight = new Float64Array(n)
  const seenBond = new Float64Array(n)
  /** The alphas of row i at the given columns, from what the merge sees in WB row i and B row i. */
  const alphasAt = (i: number, cols: ArrayLike<number>): Float64Array => {
    const w = weightsForBonds[i] as SparseRow
    const b = bonds[i]
    const written = [...mergeVisible(w, n, seenWeight), ...(b === undefined ? [] : mergeVisible(b, n, seenBond))]
    const alphas = rowAlphas(cols, consensus, seenWeight, seenBond)
    for (const col of written) {
      seenWeight[col] = 0
      seenBond[col] = 0
    }
    return alphas
  }
  if (tracer !== null) {
    // The chain logs the dense alpha matrix (every cell, used or not).
    const everyColumn = Array.from({ length: consensus.length }, (_, j) => j)
    tracer.dense('alphas', weightsForBonds.map((_, i) => Array.from(alphasAt(i, everyColumn))))
  }
  return matEmaAlpha(weightsForBonds, bonds, (i) => alphasAt(i, (weightsForBonds[i] as SparseRow).cols), consensus.length)
}
