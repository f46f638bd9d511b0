/**
 * Sparse row matrices of `I32F32` values and the chain's operations on them (`epoch/math.rs`).
 *
 * A row keeps its entries in the order they were produced, as the chain does: weight rows stay
 * in submission order, and order matters in a few places (§9.3 of the spec, the liquid-alpha
 * merge). Column indices at or beyond the matrix width are kept where the chain keeps them and
 * ignored where the chain ignores them.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type I32F32, ONE, div, divIntegers, mul } from './fixed-point.js'

/** One sparse row: parallel arrays of column indices and `I32F32` values. */
export interface SparseRow {
  readonly cols: number[]
  readonly vals: I32F32[]
}

/** A sparse matrix: one {@link SparseRow} per row (uid). */
export type SparseMatrix = SparseRow[]

/** An empty row. */
export function emptyRow(): SparseRow {
  return { cols: [], vals: [] }
}

/** A deep copy (rows are mutable arrays). */
export function cloneMatrix(matrix: SparseMatrix): SparseMatrix {
  return matrix.map((row) => ({ cols: row.cols.slice(), vals: row.vals.slice() }))
}

/**
 * `inplace_row_normalize_sparse` on a row of whole numbers (raw u16 weights loaded as `I32F32`
 * integers): each value becomes `value ⊘ rowSum` when the sum is positive; zero-sum rows keep their
 * (zero) values as `I32F32`.
 *
 * @param cols - column indices.
 * @param units - the whole-number values (u16).
 * @returns the normalised row.
 */
export function rowNormalizeWhole(cols: readonly number[], units: readonly number[]): SparseRow {
  let total = 0
  for (const u of units) total += u
  if (total >= 2_147_483_648) {
    throw new DeaiError('YUMA_INPUT_OUT_OF_RANGE', `A row of u16 values sums to ${total}, beyond the chain's I32F32 range.`, {
      fixes: ['Keep each weight row below 2^31 in total (at most 32,768 full u16 entries).'],
    })
  }
  return {
    cols: cols.slice(),
    vals: total > 0 ? units.map((u) => divIntegers(u, total)) : units.map((u) => u * ONE),
  }
}

/** `row_sum_sparse`: the sum of each row. */
export function rowSums(matrix: SparseMatrix): I32F32[] {
  return matrix.map((row) => {
    let total = 0
    for (const v of row.vals) total += v
    return total
  })
}

/**
 * `inplace_col_normalize_sparse`: divides each entry by its column sum (over columns `< columns`);
 * entries of zero-sum or out-of-range columns are left unchanged.
 */
export function colNormalize(matrix: SparseMatrix, columns: number): SparseMatrix {
  const colSum = new Float64Array(columns)
  for (const row of matrix) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns) colSum[j] = (colSum[j] as number) + (row.vals[k] as number)
    }
  }
  return matrix.map((row) => ({
    cols: row.cols.slice(),
    vals: row.vals.map((v, k) => {
      const j = row.cols[k] as number
      const total = j < columns ? (colSum[j] as number) : 0
      return total !== 0 ? div(v, total) : v
    }),
  }))
}

/**
 * `inplace_col_max_upscale_sparse`: divides each entry by its column's (positive) maximum.
 */
export function colMaxUpscale(matrix: SparseMatrix, columns: number): SparseMatrix {
  const colMax = new Float64Array(columns)
  for (const row of matrix) {
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns && (colMax[j] as number) < (row.vals[k] as number)) colMax[j] = row.vals[k] as number
    }
  }
  return matrix.map((row) => ({
    cols: row.cols.slice(),
    vals: row.vals.map((v, k) => {
      const j = row.cols[k] as number
      const m = j < columns ? (colMax[j] as number) : 0
      return m !== 0 ? div(v, m) : v
    }),
  }))
}

/**
 * `col_clip_sparse`: an entry above its column threshold becomes the threshold when that is
 * positive, and is dropped when it is 0 (or the column has no threshold).
 */
export function colClip(matrix: SparseMatrix, thresholds: readonly I32F32[]): SparseMatrix {
  return matrix.map((row) => {
    const cols: number[] = []
    const vals: number[] = []
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      const v = row.vals[k] as number
      const th = j < thresholds.length ? (thresholds[j] as number) : 0
      if (th < v) {
        if (th > 0) {
          cols.push(j)
          vals.push(th)
        }
      } else {
        cols.push(j)
        vals.push(v)
      }
    }
    return { cols, vals }
  })
}

/**
 * `matmul_sparse`: `out_j = Σ_i vector_i ⊗ m_ij`, accumulated over rows in order, for `j < columns`.
 */
export function matmul(matrix: SparseMatrix, vector: readonly I32F32[], columns: number): I32F32[] {
  const out = new Array<number>(columns).fill(0)
  for (let i = 0; i < matrix.length; i++) {
    const row = matrix[i] as SparseRow
    const scale = i < vector.length ? (vector[i] as number) : 0
    if (scale === 0) continue
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns) out[j] = (out[j] as number) + mul(scale, row.vals[k] as number)
    }
  }
  return out
}

/**
 * `matmul_transpose_sparse`: `out_i = Σ_j vector_j ⊗ m_ij` over the entries of row i, in order.
 */
export function matmulTranspose(matrix: SparseMatrix, vector: readonly I32F32[]): I32F32[] {
  return matrix.map((row) => {
    let acc = 0
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      const v = j < vector.length ? (vector[j] as number) : 0
      acc += mul(v, row.vals[k] as number)
    }
    return acc
  })
}

/** `row_hadamard_sparse`: each entry of row i times `vector_i`. */
export function rowHadamard(matrix: SparseMatrix, vector: readonly I32F32[]): SparseMatrix {
  const out: SparseMatrix = []
  for (let i = 0; i < matrix.length && i < vector.length; i++) {
    const row = matrix[i] as SparseRow
    const scale = vector[i] as number
    out.push({ cols: row.cols.slice(), vals: row.vals.map((v) => mul(v, scale)) })
  }
  return out
}

/**
 * `interpolate_sparse`: `m1 + ratio ⊗ (m2 − m1)` cell by cell over `columns`, keeping cells > 0
 * in column order; `ratio = 0` returns `m1` and `ratio = 1` returns `m2` unchanged (entry order and
 * explicit zeros included).
 */
export function interpolate(m1: SparseMatrix, m2: SparseMatrix, columns: number, ratio: I32F32): SparseMatrix {
  if (ratio === 0) return cloneMatrix(m1)
  if (ratio === ONE) return cloneMatrix(m2)
  if (m1.length !== m2.length) return cloneMatrix(m2)
  const out: SparseMatrix = []
  const row1 = new Float64Array(columns)
  const row2 = new Float64Array(columns)
  for (let i = 0; i < m1.length; i++) {
    row1.fill(0)
    row2.fill(0)
    const a = m1[i] as SparseRow
    const b = m2[i] as SparseRow
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j < columns) row1[j] = a.vals[k] as number
    }
    for (let k = 0; k < b.cols.length; k++) {
      const j = b.cols[k] as number
      if (j < columns) row2[j] = b.vals[k] as number
    }
    const cols: number[] = []
    const vals: number[] = []
    for (let j = 0; j < columns; j++) {
      const v1 = row1[j] as number
      const v = v1 + mul(ratio, (row2[j] as number) - v1)
      if (v > 0) {
        cols.push(j)
        vals.push(v)
      }
    }
    out.push({ cols, vals })
  }
  return out
}

/**
 * `mat_ema_sparse`: for each row, on a dense row as wide as the matrix is tall,
 * `α ⊗ next_ij` is added first, then `(1 − α) ⊗ prev_ij`; cells > 0 are kept in column order.
 */
export function matEma(next: SparseMatrix, prev: SparseMatrix, alpha: I32F32): SparseMatrix {
  const n = next.length
  const oneMinusAlpha = ONE - alpha
  const acc = new Float64Array(n)
  const out: SparseMatrix = []
  for (let i = 0; i < n; i++) {
    acc.fill(0)
    const a = next[i] as SparseRow
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j < n) acc[j] = (acc[j] as number) + mul(alpha, a.vals[k] as number)
    }
    const b = prev[i]
    if (b !== undefined) {
      for (let k = 0; k < b.cols.length; k++) {
        const j = b.cols[k] as number
        if (j < n) acc[j] = (acc[j] as number) + mul(oneMinusAlpha, b.vals[k] as number)
      }
    }
    const cols: number[] = []
    const vals: number[] = []
    for (let j = 0; j < n; j++) {
      const v = acc[j] as number
      if (v > 0) {
        cols.push(j)
        vals.push(v)
      }
    }
    out.push({ cols, vals })
  }
  return out
}

/**
 * `mat_ema_alpha_sparse`: `min(1, (1 − α_ij) ⊗ prev_ij + max(0, α_ij ⊗ next_ij))`, emitted only
 * for the cells present in `next` (in their order) and kept when > 0. An old cell absent from
 * `next` is dropped. Cells at or beyond `columns` (the alpha row width) are ignored.
 *
 * @param alphaAt - the per-cell alpha; called only for cells of `next`.
 */
export function matEmaAlpha(
  next: SparseMatrix,
  prev: SparseMatrix,
  alphaAt: (row: number, col: number) => I32F32,
  columns: number,
): SparseMatrix {
  const out: SparseMatrix = []
  // The last old value per column (a later duplicate overwrites, as on chain); decayed lazily.
  const oldVal = new Float64Array(columns)
  const hasOld = new Uint8Array(columns)
  const touched: number[] = []
  for (let i = 0; i < next.length; i++) {
    const b = prev[i]
    if (b === undefined) break
    for (const j of touched) hasOld[j] = 0
    touched.length = 0
    for (let k = 0; k < b.cols.length; k++) {
      const j = b.cols[k] as number
      if (j < columns) {
        oldVal[j] = b.vals[k] as number
        hasOld[j] = 1
        touched.push(j)
      }
    }
    const a = next[i] as SparseRow
    const cols: number[] = []
    const vals: number[] = []
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j >= columns) continue
      const alpha = alphaAt(i, j)
      const decayed = hasOld[j] === 1 ? mul(ONE - alpha, oldVal[j] as number) : 0
      const inc = Math.max(0, mul(alpha, a.vals[k] as number))
      const v = Math.min(ONE, decayed + inc)
      if (v > 0) {
        cols.push(j)
        vals.push(v)
      }
    }
    out.push({ cols, vals })
  }
  return out
}
