/**
 * Sparse row matrices of `I32F32` values and the chain's operations on them (`epoch/math.rs`).
 *
 * A row keeps its entries in the order they were produced, as the chain does: weight rows stay
 * in submission order, and order matters in a few places (§9.3 of the spec, the liquid-alpha
 * merge). Column indices at or beyond the matrix width are kept where the chain keeps them and
 * ignored where the chain ignores them.
 *
 * Rows are never mutated once built, so operations share the column array of their input and
 * write values into fresh `Float64Array`s (off the JS heap, which keeps garbage collection cheap
 * on large subnets).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type I32F32, ONE, div, divIntegers, mul } from './fixed-point.js'

/** One sparse row: parallel arrays of column indices and `I32F32` values. */
export interface SparseRow {
  readonly cols: ArrayLike<number>
  readonly vals: ArrayLike<I32F32>
}

/** A sparse matrix: one {@link SparseRow} per row (uid). */
export type SparseMatrix = readonly SparseRow[]

const EMPTY_COLS: readonly number[] = Object.freeze([])
const EMPTY_VALS = new Float64Array(0)

/** An empty row. */
export function emptyRow(): SparseRow {
  return { cols: EMPTY_COLS, vals: EMPTY_VALS }
}

/** A row with the same columns and each value mapped by `f`. */
export function mapValues(row: SparseRow, f: (value: number) => number): SparseRow {
  const { vals } = row
  const out = new Float64Array(vals.length)
  for (let k = 0; k < vals.length; k++) out[k] = f(vals[k] as number)
  return { cols: row.cols, vals: out }
}

/** Collects a row of unknown length into exact-size arrays. */
interface RowBuilder {
  push(col: number, value: number): void
  finish(): SparseRow
}

/** A builder over scratch buffers of `capacity` entries (reused by every row it builds). */
function rowBuilder(capacity: number): RowBuilder {
  const cols = new Int32Array(capacity)
  const vals = new Float64Array(capacity)
  let size = 0
  return {
    push(col, value) {
      cols[size] = col
      vals[size] = value
      size += 1
    },
    finish() {
      const row = size === 0 ? emptyRow() : { cols: cols.slice(0, size), vals: vals.slice(0, size) }
      size = 0
      return row
    },
  }
}

function widestRow(matrix: SparseMatrix): number {
  let widest = 0
  for (const row of matrix) if (row.cols.length > widest) widest = row.cols.length
  return widest
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
export function rowNormalizeWhole(cols: ArrayLike<number>, units: ArrayLike<number>): SparseRow {
  let total = 0
  for (let k = 0; k < units.length; k++) total += units[k] as number
  if (total >= 2_147_483_648) {
    throw new DeaiError('YUMA_INPUT_OUT_OF_RANGE', `A row of u16 values sums to ${total}, beyond the chain's I32F32 range.`, {
      fixes: ['Keep each weight row below 2^31 in total (at most 32,768 full u16 entries).'],
    })
  }
  const vals = new Float64Array(units.length)
  for (let k = 0; k < units.length; k++) {
    const u = units[k] as number
    vals[k] = total > 0 ? divIntegers(u, total) : u * ONE
  }
  return { cols, vals }
}

/** `row_sum_sparse`: the sum of each row. */
export function rowSums(matrix: SparseMatrix): I32F32[] {
  return matrix.map((row) => {
    let total = 0
    for (let k = 0; k < row.vals.length; k++) total += row.vals[k] as number
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
  return divideColumns(matrix, colSum, columns)
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
  return divideColumns(matrix, colMax, columns)
}

/** Each entry `⊘` its column's divisor; entries with a zero divisor (or no column) unchanged. */
function divideColumns(matrix: SparseMatrix, divisors: Float64Array, columns: number): SparseMatrix {
  return matrix.map((row) => {
    if (row.cols.length === 0) return row
    const vals = new Float64Array(row.vals.length)
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      const v = row.vals[k] as number
      const d = j < columns ? (divisors[j] as number) : 0
      vals[k] = d !== 0 ? div(v, d) : v
    }
    return { cols: row.cols, vals }
  })
}

/**
 * `col_clip_sparse`: an entry above its column threshold becomes the threshold when that is
 * positive, and is dropped when it is 0 (or the column has no threshold).
 */
export function colClip(matrix: SparseMatrix, thresholds: readonly I32F32[]): SparseMatrix {
  const builder = rowBuilder(widestRow(matrix))
  return matrix.map((row) => {
    if (row.cols.length === 0) return row
    let drops = false
    for (let k = 0; k < row.cols.length && !drops; k++) {
      const j = row.cols[k] as number
      const th = j < thresholds.length ? (thresholds[j] as number) : 0
      drops = th <= 0 && th < (row.vals[k] as number)
    }
    if (!drops) {
      const vals = new Float64Array(row.vals.length)
      for (let k = 0; k < row.cols.length; k++) {
        const j = row.cols[k] as number
        const v = row.vals[k] as number
        const th = j < thresholds.length ? (thresholds[j] as number) : 0
        vals[k] = th < v ? th : v
      }
      return { cols: row.cols, vals }
    }
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      const v = row.vals[k] as number
      const th = j < thresholds.length ? (thresholds[j] as number) : 0
      if (th < v) {
        if (th > 0) builder.push(j, th)
      } else {
        builder.push(j, v)
      }
    }
    return builder.finish()
  })
}

/**
 * `matmul_sparse`: `out_j = Σ_i vector_i ⊗ m_ij`, accumulated over rows in order, for `j < columns`.
 */
export function matmul(matrix: SparseMatrix, vector: readonly I32F32[], columns: number): I32F32[] {
  const out = new Float64Array(columns)
  for (let i = 0; i < matrix.length; i++) {
    const row = matrix[i] as SparseRow
    const scale = i < vector.length ? (vector[i] as number) : 0
    if (scale === 0) continue
    for (let k = 0; k < row.cols.length; k++) {
      const j = row.cols[k] as number
      if (j < columns) out[j] = (out[j] as number) + mul(scale, row.vals[k] as number)
    }
  }
  return Array.from(out)
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
  const out: SparseRow[] = []
  for (let i = 0; i < matrix.length && i < vector.length; i++) {
    const scale = vector[i] as number
    out.push(mapValues(matrix[i] as SparseRow, (v) => mul(v, scale)))
  }
  return out
}

/**
 * `interpolate_sparse`: `m1 + ratio ⊗ (m2 − m1)` cell by cell over `columns`, keeping cells > 0
 * in column order; `ratio = 0` returns `m1` and `ratio = 1` returns `m2` unchanged (entry order and
 * explicit zeros included).
 */
export function interpolate(m1: SparseMatrix, m2: SparseMatrix, columns: number, ratio: I32F32): SparseMatrix {
  if (ratio === 0) return m1
  if (ratio === ONE) return m2
  if (m1.length !== m2.length) return m2
  const out: SparseRow[] = []
  const row1 = new Float64Array(columns)
  const row2 = new Float64Array(columns)
  const builder = rowBuilder(columns)
  for (let i = 0; i < m1.length; i++) {
    const a = m1[i] as SparseRow
    const b = m2[i] as SparseRow
    if (a.cols.length === 0 && b.cols.length === 0) {
      out.push(emptyRow())
      continue
    }
    row1.fill(0)
    row2.fill(0)
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j < columns) row1[j] = a.vals[k] as number
    }
    for (let k = 0; k < b.cols.length; k++) {
      const j = b.cols[k] as number
      if (j < columns) row2[j] = b.vals[k] as number
    }
    for (let j = 0; j < columns; j++) {
      const v1 = row1[j] as number
      const v = v1 + mul(ratio, (row2[j] as number) - v1)
      if (v > 0) builder.push(j, v)
    }
    out.push(builder.finish())
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
  const builder = rowBuilder(n)
  const out: SparseRow[] = []
  for (let i = 0; i < n; i++) {
    const a = next[i] as SparseRow
    const b = prev[i]
    if (a.cols.length === 0 && (b === undefined || b.cols.length === 0)) {
      out.push(emptyRow())
      continue
    }
    acc.fill(0)
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j < n) acc[j] = (acc[j] as number) + mul(alpha, a.vals[k] as number)
    }
    if (b !== undefined) {
      for (let k = 0; k < b.cols.length; k++) {
        const j = b.cols[k] as number
        if (j < n) acc[j] = (acc[j] as number) + mul(oneMinusAlpha, b.vals[k] as number)
      }
    }
    for (let j = 0; j < n; j++) {
      const v = acc[j] as number
      if (v > 0) builder.push(j, v)
    }
    out.push(builder.finish())
  }
  return out
}

/**
 * `mat_ema_alpha_sparse`: `min(1, (1 − α_ij) ⊗ prev_ij + max(0, α_ij ⊗ next_ij))`, emitted only
 * for the cells present in `next` (in their order) and kept when > 0. An old cell absent from
 * `next` is dropped. Cells at or beyond `columns` (the alpha row width) are ignored.
 *
 * @param alphasOfRow - the alphas of row i, one per entry of `next[i]` (by position); called
 *   once per row, in order.
 */
export function matEmaAlpha(
  next: SparseMatrix,
  prev: SparseMatrix,
  alphasOfRow: (row: number) => ArrayLike<I32F32>,
  columns: number,
): SparseMatrix {
  const out: SparseRow[] = []
  // The last old value per column (a later duplicate overwrites, as on chain); decayed lazily.
  const oldVal = new Float64Array(columns)
  const hasOld = new Uint8Array(columns)
  const touched: number[] = []
  const builder = rowBuilder(widestRow(next))
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
    if (a.cols.length === 0) {
      out.push(emptyRow())
      continue
    }
    const alphas = alphasOfRow(i)
    for (let k = 0; k < a.cols.length; k++) {
      const j = a.cols[k] as number
      if (j >= columns) continue
      const alpha = alphas[k] as number
      const decayed = hasOld[j] === 1 ? mul(ONE - alpha, oldVal[j] as number) : 0
      const inc = Math.max(0, mul(alpha, a.vals[k] as number))
      const v = Math.min(ONE, decayed + inc)
      if (v > 0) builder.push(j, v)
    }
    out.push(builder.finish())
  }
  return out
}
