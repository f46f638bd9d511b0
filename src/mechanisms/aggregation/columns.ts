/**
 * Coordinate-wise rules look at one coordinate of every update at a time. Reading update k at
 * coordinate i for all k hops between n arrays; instead the rules copy a block of coordinates of
 * every update into one column-major buffer (value r of coordinate t at `t * n + r`), which reads
 * each update sequentially and keeps the working set in cache.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */

/** Coordinates per block: with n = 50 the buffer is 400 KB, small enough to stay in L2. */
export const BLOCK = 1024

/**
 * Copies coordinates `[base, base + count)` of every update into `col`, column by column.
 *
 * @param updates - The updates (all the same length, already checked).
 * @param base - First coordinate of the block.
 * @param count - Number of coordinates in the block.
 * @param col - Destination of at least `count * updates.length` values.
 * @returns false if any copied value is NaN or infinite, true otherwise.
 */
export function gatherBlock(updates: readonly Float32Array[], base: number, count: number, col: Float64Array): boolean {
  const n = updates.length
  let finite = true
  for (let r = 0; r < n; r++) {
    const u = updates[r]!
    let p = r
    for (let t = 0; t < count; t++) {
      const v = u[base + t]!
      // v - v is 0 for finite v, NaN otherwise; the branch is almost never taken.
      if (v - v !== 0) finite = false
      col[p] = v
      p += n
    }
  }
  return finite
}
