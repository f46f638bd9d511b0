/**
 * The compact in-memory form of a labelled image dataset, and ways to take small subsets.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { createRandom } from '../random.js'

/**
 * Labelled greyscale images. Pixels of example `i` are
 * `images.subarray(i * rows * cols, (i + 1) * rows * cols)`, row-major, 0 (background) to 255.
 *
 * Treat the arrays as read-only: loaders cache one copy and share it between callers.
 */
export type ImageSet = {
  /** Number of examples. */
  readonly count: number
  /** Image height in pixels. */
  readonly rows: number
  /** Image width in pixels. */
  readonly cols: number
  /** Number of classes; every label is in [0, classes). */
  readonly classes: number
  /** `count * rows * cols` pixel bytes. */
  readonly images: Uint8Array
  /** `count` label bytes. */
  readonly labels: Uint8Array
}

function assertCount(set: ImageSet, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > set.count) {
    throw new DeaiError('ML_INVALID_SUBSET', `Cannot take ${String(n)} examples from a set of ${set.count}.`, {
      fixes: [`Ask for an integer number of examples between 0 and ${set.count}.`],
    })
  }
}

/**
 * Copies the examples at `indices` (in that order) into a new set.
 *
 * @param set the source set
 * @param indices example indices into `set`; repeats are allowed
 * @returns a new set with `indices.length` examples
 * @throws DeaiError `ML_INVALID_SUBSET` when an index is out of range
 */
export function selectExamples(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.rows * set.cols
  const images = new Uint8Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] ?? -1
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new DeaiError('ML_INVALID_SUBSET', `Example index ${String(i)} is outside the set of ${set.count}.`, {
        fixes: [`Use indices between 0 and ${set.count - 1}.`],
      })
    }
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size)
    labels[k] = set.labels[i] ?? 0
  }
  return { count: indices.length, rows: set.rows, cols: set.cols, classes: set.classes, images, labels }
}

/**
 * The first `n` examples, as views that share memory with `set` (no copy).
 *
 * @param set the source set
 * @param n how many examples to keep, 0 to `set.count`
 * @returns a set of the first `n` examples
 * @throws DeaiError `ML_INVALID_SUBSET` when `n` is out of range
 */
export function takeExamples(set: ImageSet, n: number): ImageSet {
  assertCount(set, n)
  const size = set.rows * set.cols
  return {
    count: n,
    rows: set.rows,
    cols: set.cols,
    classes: set.classes,
    images: set.images.subarray(0, n * size),
    labels: set.labels.subarray(0, n),
  }
}

/**
 * A seeded uniform sample of `n` distinct examples, kept in their original order (copied).
 *
 * @param set the source set
 * @param n how many examples to draw, 0 to `set.count`
 * @param seed seed of the draw; the same seed gives the same sample
 * @returns a new set of `n` examples
 * @throws DeaiError `ML_INVALID_SUBSET` when `n` is out of range
 * @example
 * ```ts
 * import { loadFashionMnist, sampleExamples } from 'deai/ml'
 * const test = sampleExamples(await loadFashionMnist({ split: 'test' }), 500, 1)
 * ```
 */
export function sampleExamples(set: ImageSet, n: number, seed: number): ImageSet {
  assertCount(set, n)
  const random = createRandom(seed)
  const all = Array.from({ length: set.count }, (_, i) => i)
  // A partial Fisher–Yates shuffle picks n distinct indices without shuffling the whole range.
  for (let i = 0; i < n; i++) {
    const j = i + random.nextInt(set.count - i)
    const tmp = all[i] as number
    all[i] = all[j] as number
    all[j] = tmp
  }
  const chosen = all.slice(0, n).sort((a, b) => a - b)
  return selectExamples(set, chosen)
}
