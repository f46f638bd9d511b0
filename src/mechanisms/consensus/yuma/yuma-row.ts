/**
 * The chain's stored sparse rows (`Vec<(u16, u16)>`: weights and bonds) in columnar form:
 * parallel arrays of uids and u16 values, in stored order. Columnar rows are cheap to pass
 * through an epoch of millions of entries.
 *
 * @packageDocumentation
 */

/** A stored sparse row: `uids[k]` holds `values[k]` (u16), in the order the chain stores them. */
export interface YumaSparseRow {
  readonly uids: readonly number[]
  readonly values: readonly number[]
}

/**
 * Builds a row from `(uid, value)` pairs.
 *
 * @example
 * ```ts
 * import { yumaRowFromPairs } from 'deai/mechanisms'
 * yumaRowFromPairs([[3, 65535], [4, 0]]) // { uids: [3, 4], values: [65535, 0] }
 * ```
 */
export function yumaRowFromPairs(pairs: readonly (readonly [uid: number, value: number])[]): YumaSparseRow {
  return { uids: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) }
}

/** The `(uid, value)` pairs of a row. */
export function yumaRowToPairs(row: YumaSparseRow): [uid: number, value: number][] {
  return row.uids.map((uid, k) => [uid, row.values[k] as number])
}

/** An empty row. */
export const EMPTY_YUMA_ROW: YumaSparseRow = Object.freeze({ uids: Object.freeze([]), values: Object.freeze([]) })
