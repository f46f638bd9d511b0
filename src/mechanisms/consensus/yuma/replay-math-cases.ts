/**
 * Replays the math-helper cases of a Yuma test-vector file: weighted median, weighted median
 * per column, and the sparse EMA with alpha. Numbers in these cases are f32 literals, converted
 * to `I32F32` as the chain's tests do (`I32F32::from_num(x as f32)`).
 *
 * @packageDocumentation
 */
import { ONE, fromF32, normalize, sum } from './fixed-point.js'
import { type CaseRun, type RawCase, checkFixedWithin } from './replay-checks.js'
import { type SparseMatrix, type SparseRow, matEmaAlpha } from './sparse-matrix.js'
import {
  matEmaAlphaCaseSchema,
  parseVectors,
  weightedMedianCaseSchema,
  weightedMedianColumnsCaseSchema,
} from './vectors-schema.js'
import { weightedMedian, weightedMedianColumns } from './weighted-median.js'

/** `weighted_median` cases: each case's median, exactly (or within `expected.epsilon`). */
export function replayWeightedMedian(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(weightedMedianCaseSchema, raw, path)
  return (checker) => {
    if (expected.medians.length !== inputs.cases.length) return 'expected.medians and inputs.cases differ in length'
    const epsilon = typeof raw.expected['epsilon'] === 'number' ? raw.expected['epsilon'] : 0
    const minority = ONE - fromF32(inputs.majority)
    inputs.cases.forEach((c, k) => {
      let stake = c.stake.map(fromF32)
      if (c.stake_normalized_first === true) stake = normalize(stake)
      const got = weightedMedian(stake, c.score.map(fromF32), minority, 0, sum(stake))
      const site = { source: 'asserted', context: `case ${k}`, quantity: 'median' } as const
      checkFixedWithin(checker, site, '', expected.medians[k], got, epsilon)
    })
    return null
  }
}

/** `weighted_median_col` cases: the consensus of every column. */
export function replayWeightedMedianColumns(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(weightedMedianColumnsCaseSchema, raw, path)
  return (checker) => {
    if (expected.medians.length !== inputs.cases.length) return 'expected.medians and inputs.cases differ in length'
    const epsilon = typeof raw.expected['epsilon'] === 'number' ? raw.expected['epsilon'] : 0
    inputs.cases.forEach((c, k) => {
      const columns = c.weights_rows[0]?.length ?? 0
      const matrix: SparseMatrix = c.weights_rows.map((row) => denseToSparse(row.map(fromF32)))
      const got = weightedMedianColumns(c.stake.map(fromF32), matrix, columns, fromF32(c.kappa))
      const want = expected.medians[k] ?? []
      const site = { source: 'asserted', context: `case ${k}`, quantity: 'median' } as const
      checker.record(want.length === got.length, {
        ...site,
        index: '(length)',
        expected: String(want.length),
        got: String(got.length),
        epsilon: 0,
      })
      got.forEach((g, j) => checkFixedWithin(checker, site, `[${j}]`, want[j], g, epsilon))
    })
    return null
  }
}

/** `mat_ema_alpha_sparse` cases: same sparsity pattern, values within each case's epsilon. */
export function replayMatEmaAlpha(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(matEmaAlphaCaseSchema, raw, path)
  return (checker) => {
    const shape = /(\d+)\s*rows?\s*[x×]\s*(\d+)\s*col/i.exec(inputs.shape ?? '')
    const rows = inputs.rows ?? (shape === null ? undefined : Number(shape[1]))
    const cols = inputs.cols ?? (shape === null ? undefined : Number(shape[2]))
    if (rows === undefined || cols === undefined) return 'cannot tell the matrix shape (give inputs.rows and inputs.cols)'
    if (expected.results.length !== inputs.cases.length) return 'expected.results and inputs.cases differ in length'
    inputs.cases.forEach((c, k) => {
      const epsilon = Array.isArray(expected.epsilon) ? (expected.epsilon[k] ?? 0) : expected.epsilon
      const toMatrix = (flat: readonly number[]): SparseMatrix =>
        Array.from({ length: rows }, (_, i) => denseToSparse(flat.slice(i * cols, (i + 1) * cols).map(fromF32)))
      const next = toMatrix(c.new)
      // One alpha for every cell (the case's, else the file's), or a full row-major alpha matrix.
      const alphaAll = fromF32(c.alpha ?? inputs.alpha_all ?? 0)
      const alphaGrid = c.alphas?.map(fromF32)
      const alphasOfRow = (i: number): Float64Array => {
        const row = next[i] as SparseRow
        return Float64Array.from({ length: row.cols.length }, (_, t) =>
          alphaGrid === undefined ? alphaAll : (alphaGrid[i * cols + (row.cols[t] as number)] ?? 0),
        )
      }
      const result = matEmaAlpha(next, toMatrix(c.old), alphasOfRow, cols)
      const want = expected.results[k] ?? []
      for (let i = 0; i < rows; i++) {
        const row = result[i] ?? { cols: [], vals: [] }
        const wantCols: number[] = []
        for (let j = 0; j < cols; j++) if (fromF32(want[i * cols + j] ?? 0) !== 0) wantCols.push(j)
        const site = { source: 'asserted', context: `case ${k}`, quantity: 'result' } as const
        const gotCols = Array.from(row.cols)
        checker.record(wantCols.join() === gotCols.join(), {
          ...site,
          index: `[${i}] (entries)`,
          expected: `[${wantCols.join(', ')}]`,
          got: `[${gotCols.join(', ')}]`,
          epsilon: 0,
        })
        gotCols.forEach((j, t) => checkFixedWithin(checker, site, `[${i}][${j}]`, want[i * cols + j], row.vals[t] as number, epsilon))
      }
    })
    return null
  }
}

function denseToSparse(values: readonly number[]): { cols: number[]; vals: number[] } {
  const cols: number[] = []
  const vals: number[] = []
  values.forEach((v, j) => {
    if (v !== 0) {
      cols.push(j)
      vals.push(v)
    }
  })
  return { cols, vals }
}
