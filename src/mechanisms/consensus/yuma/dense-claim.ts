/**
 * The claim a proposer posts to the optimistic on-chain settlement (`YumaSettlement.sol`): the
 * epoch's intermediate aggregates, from which every output follows in O(V + M) and each of which a
 * single miner column or validator row recomputes on chain. Taken from the traced TypeScript epoch.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type YumaDenseInput, type YumaDenseParams, yumaDenseEpoch } from './dense-epoch.js'
import { type I32F32, mul } from './fixed-point.js'
import { type SparseMatrix, matmul, matmulTranspose } from './sparse-matrix.js'
import type { YumaTraceEntry } from './trace.js'

/** Aggregates of one dense epoch, as raw `I32F32` bits unless said otherwise. */
export interface YumaDenseClaim {
  /** `C_j` per miner. */
  readonly consensus: I32F32[]
  /** `R_j = Σ_i A_i ⊗ min(W_ij, C_j)` per miner, before normalisation. */
  readonly ranks: I32F32[]
  /** Original Yuma: `Σ_i` stored bond (u16 units) of each miner's column; 0 under Yuma 3. */
  readonly bondSums: number[]
  /** Original Yuma: `Σ_i ΔB_ij` per miner; 0 under Yuma 3. */
  readonly deltaSums: I32F32[]
  /** `Σ_i EMA_ij` per miner: the bond EMA's column sum before normalisation. */
  readonly emaSums: I32F32[]
  /** Validator trust `VT_i`. */
  readonly trust: I32F32[]
  /** Dividends `D_i` before normalisation. */
  readonly dividends: I32F32[]
  /** The new bonds (u16, V × M). */
  readonly bonds: number[][]
}

/**
 * Computes the claim for a dense epoch.
 *
 * @param input - the round's scores, bonds, stakes and masks.
 * @param params - hyperparameters.
 * @returns the aggregates, bit for bit what `YumaConsensus.claimOf` computes on chain.
 * @example
 * ```ts
 * import { yumaDenseClaim } from 'deai/mechanisms'
 * const claim = yumaDenseClaim({ weights: [[65535, 0]], stakes: [1n], permits: [true], active: [true], emission: 1n })
 * claim.consensus // [4294967296, 0]
 * ```
 */
export function yumaDenseClaim(input: YumaDenseInput, params: YumaDenseParams = {}): YumaDenseClaim {
  const result = yumaDenseEpoch(input, params, { trace: true })
  const { epoch } = result
  const v = input.stakes.length
  const n = epoch.n
  const trace = epoch.trace ?? []
  const activeStake = epoch.activeStake
  const ranks = matmul(sparseEntry(trace, 'Clipped Weights'), activeStake, n)
  let bondSums: number[]
  let deltaSums: I32F32[]
  let emaSums: I32F32[]
  let dividends: I32F32[]
  if (params.yuma3 === true) {
    bondSums = new Array<number>(n - v).fill(0)
    deltaSums = new Array<number>(n - v).fill(0)
    emaSums = columnSums(sparseEntry(trace, 'emaB'), n).slice(v)
    const totals = fixedEntry(trace, 'total_bonds_per_validator')
    dividends = totals.slice(0, v).map((tb, i) => mul(tb, activeStake[i] as number))
  } else {
    bondSums = Array.from({ length: n - v }, (_, j) => (input.bonds ?? []).reduce((s, row) => s + (row[j] as number), 0))
    deltaSums = columnSums(sparseEntry(trace, 'ΔB'), n).slice(v)
    emaSums = columnSums(sparseEntry(trace, 'Exponential Moving Average Bonds Normal'), n).slice(v)
    dividends = matmulTranspose(sparseEntry(trace, 'Exponential Moving Average Bonds'), epoch.incentive).slice(0, v)
  }
  return {
    consensus: epoch.consensus.slice(v),
    ranks: ranks.slice(v),
    bondSums,
    deltaSums,
    emaSums,
    trust: epoch.validatorTrust.slice(0, v),
    dividends,
    bonds: result.bonds,
  }
}

function columnSums(matrix: SparseMatrix, columns: number): I32F32[] {
  const sums = new Array<number>(columns).fill(0)
  for (const row of matrix) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns) sums[j] = (sums[j] as number) + (row.vals[k] as number)
    }
  }
  return sums
}

function sparseEntry(trace: readonly YumaTraceEntry[], label: string): SparseMatrix {
  const entry = trace.find((e) => e.label === label)
  if (entry?.kind !== 'sparse') throw missing(label)
  return entry.rows
}

function fixedEntry(trace: readonly YumaTraceEntry[], label: string): readonly I32F32[] {
  const entry = trace.find((e) => e.label === label)
  if (entry?.kind !== 'fixed') throw missing(label)
  return entry.values
}

function missing(label: string): DeaiError {
  return new DeaiError('YUMA_TRACE_INCOMPLETE', `The epoch trace has no "${label}" entry.`, {
    fixes: ['Run the epoch with { trace: true }; this is a bug if it already was.'],
  })
}
