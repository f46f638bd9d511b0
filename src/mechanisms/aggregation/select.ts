/**
 * In-place selection over a slice of a typed array, used per coordinate by the median, the
 * trimmed mean and Bulyan. It allocates nothing, which matters at a million coordinates.
 *
 * Indices stay inside [lo, hi] by construction, so element reads use non-null assertions.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernel: every index is bounded by a length checked on entry, which noUncheckedIndexedAccess cannot see */

/** Slices shorter than this are finished by insertion sort. */
const SMALL = 6

/**
 * Rearranges `a[lo..hi]` so that `a[k]` holds the value that would be there if the slice were
 * sorted ascending, everything in `[lo, k)` is ≤ it and everything in `(k, hi]` is ≥ it.
 *
 * Quickselect with a median-of-three pivot and a branch-free Lomuto partition: on random data
 * every comparison is a coin flip, and a mispredicted branch per element costs more than the
 * comparison. A second pass gathers values equal to the pivot when a partition comes out
 * lopsided, so many equal values (identical updates) stay linear instead of quadratic.
 *
 * @param a - The buffer; only `a[lo..hi]` is read or moved. Values must not be NaN.
 * @param lo - First index of the slice.
 * @param hi - Last index of the slice (inclusive).
 * @param k - The rank to place, lo ≤ k ≤ hi.
 */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi - lo >= SMALL) {
    const mid = (lo + hi) >>> 1
    const x = a[lo]!
    const y = a[mid]!
    const z = a[hi]!
    let pivotAt = mid
    if (x < y !== x < z) pivotAt = lo
    else if (z < x !== z < y) pivotAt = hi
    const p = a[pivotAt]!
    a[pivotAt] = z
    a[hi] = p
    // a[lo..store) < p ≤ a[store..i)
    let store = lo
    for (let i = lo; i < hi; i++) {
      const v = a[i]!
      a[i] = a[store]!
      a[store] = v
      store += +(v < p)
    }
    a[hi] = a[store]!
    a[store] = p
    if (k < store) {
      hi = store - 1
    } else if (k === store) {
      return
    } else if ((store - lo) * 8 < hi - lo) {
      // Lopsided: move the values equal to p next to it; if k lands among them we are done.
      let equal = store + 1
      for (let i = equal; i <= hi; i++) {
        const v = a[i]!
        a[i] = a[equal]!
        a[equal] = v
        equal += +(v <= p)
      }
      if (k < equal) return
      lo = equal
    } else {
      lo = store + 1
    }
  }
  insertionSort(a, lo, hi)
}

/**
 * Sorts `a[lo..hi]` ascending in place.
 *
 * @param a - The buffer.
 * @param lo - First index.
 * @param hi - Last index (inclusive).
 */
export function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!
    let j = i - 1
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = v
  }
}

/**
 * The smallest value of `a[lo..hi]`.
 *
 * @param a - The buffer.
 * @param lo - First index.
 * @param hi - Last index (inclusive), hi ≥ lo.
 * @returns The minimum.
 */
export function minOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo]!
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!
    if (v < m) m = v
  }
  return m
}
