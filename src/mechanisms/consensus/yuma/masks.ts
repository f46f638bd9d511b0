/**
 * The epoch's masks: activity, validator permits (top-k by stake), self-weights, outdated
 * weights, the commit-reveal column mask and the recently-registered bond mask (spec §5.1–5.5,
 * §5.10). Masks never change values; they drop entries or whole rows.
 *
 * @packageDocumentation
 */
import type { I32F32 } from './fixed-point.js'
import type { SparseMatrix, SparseRow } from './sparse-matrix.js'

/**
 * Inactive uids: `last_update_i + activity_cutoff < current_block`.
 *
 * @param lastUpdate - block of each uid's last weight set (already padded to n with 0).
 * @returns true where the uid is inactive.
 */
export function inactiveMask(lastUpdate: readonly number[], activityCutoff: number, currentBlock: number): boolean[] {
  return lastUpdate.map((updated) => updated + activityCutoff < currentBlock)
}

/**
 * `is_topk_nonzero`: true for the k largest non-zero stakes. The uids are stable-sorted by stake
 * ascending and the first `n − k` lose their permit, so among equal stakes the lower uid loses
 * first. If `n < k` every non-zero stake keeps its permit.
 */
export function topKNonzero(stake: readonly I32F32[], k: number): boolean[] {
  const n = stake.length
  const result = stake.map((s) => s !== 0)
  if (n < k) return result
  const order = Array.from({ length: n }, (_, i) => i)
  // Array.prototype.sort is stable; ties keep uid order.
  order.sort((a, b) => (stake[a] as number) - (stake[b] as number))
  for (let r = 0; r < n - k; r++) result[order[r] as number] = false
  return result
}

/**
 * `inplace_mask_vector`: zeroes `vector_i` where `mask_i` is true. An entry beyond the mask counts
 * as masked, but an empty mask masks nothing (both as on chain).
 */
export function maskVector(mask: readonly boolean[], vector: readonly I32F32[]): I32F32[] {
  if (mask.length === 0) return vector.slice()
  return vector.map((v, i) => ((mask[i] ?? true) ? 0 : v))
}

/**
 * `mask_rows_sparse` with the permit vector: rows of uids without a permit (or past the end of the
 * permit vector) become empty.
 */
export function maskRowsWithoutPermit(matrix: SparseMatrix, permits: readonly boolean[]): SparseMatrix {
  return matrix.map((row, i) => (permits[i] === true ? row : { cols: [], vals: [] }))
}

/**
 * Drops diagonal entries `(i, i)`, keeping the owner uid's own entry when an owner is given
 * (`mask_diag_sparse` / `mask_diag_sparse_except_index`).
 */
export function maskDiagonal(matrix: SparseMatrix, ownerUid: number | null): SparseMatrix {
  return matrix.map((row, i) => filterRow(row, (j) => j !== i || i === ownerUid))
}

/**
 * `vec_mask_sparse_matrix` with `updated ≤ registered`: drops `(i, j)` when uid i last set weights
 * no later than uid j's current holder registered.
 */
export function maskOutdated(
  matrix: SparseMatrix,
  lastUpdate: readonly number[],
  blockAtRegistration: readonly number[],
): SparseMatrix {
  return matrix.map((row, i) => {
    const updated = lastUpdate[i] ?? 0
    return filterRow(row, (j) => !(updated <= (blockAtRegistration[j] ?? 0)))
  })
}

/**
 * The commit-reveal column mask: drops `(i, j)` when uid i's earliest unexpired commit was made
 * before uid j registered (`commit_block_i < block_at_registration_j`). `null` means no commit.
 */
export function maskCommitReveal(
  matrix: SparseMatrix,
  commitBlocks: readonly (number | null)[],
  blockAtRegistration: readonly number[],
): SparseMatrix {
  return matrix.map((row, i) => {
    const committed = commitBlocks[i] ?? null
    if (committed === null) return row
    return filterRow(row, (j) => !(committed < (blockAtRegistration[j] ?? 0)))
  })
}

/**
 * `scalar_vec_mask_sparse_matrix` with `last_tempo ≤ registered`: drops bonds to uids that
 * registered since the last epoch.
 */
export function maskRecentlyRegistered(
  matrix: SparseMatrix,
  lastTempo: number,
  blockAtRegistration: readonly number[],
): SparseMatrix {
  return matrix.map((row) => filterRow(row, (j) => !(lastTempo <= (blockAtRegistration[j] ?? 0))))
}

function filterRow(row: SparseRow, keep: (col: number) => boolean): SparseRow {
  let k0 = 0
  while (k0 < row.cols.length && keep(row.cols[k0] as number)) k0++
  if (k0 === row.cols.length) return row // nothing dropped: share the row
  const cols: number[] = []
  const vals: number[] = []
  for (let k = 0; k < row.cols.length; k++) {
    const j = row.cols[k] as number
    if (keep(j)) {
      cols.push(j)
      vals.push(row.vals[k] as number)
    }
  }
  return { cols, vals }
}
