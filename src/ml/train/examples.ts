/**
 * Turns a dataset selection into model inputs, applying the optional adversarial hooks
 * (internal to training and evaluation).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import type { ImageSet } from '../datasets/image-set.js'
import type { DeaiErrorCodes } from '../../errors/codes.js'

/**
 * Optional hooks that change examples before a model sees them: how label-flipping and
 * backdoor participants poison their data. Each hook runs once per selected example per call,
 * in selection order, before any training; it must be deterministic for results to be.
 */
export type ExampleTransforms = {
  /**
   * Returns the label to use for an example.
   * @param label the true label
   * @param index the example's index in the data set
   * @returns an integer in [0, classes)
   * @example (label) => 9 - label // flip every label
   */
  transformLabel?: (label: number, index: number) => number
  /**
   * Edits an example's pixels in place, e.g. to stamp a trigger patch.
   * @param pixels a scratch copy of the example's rows x cols pixels, 0-255, row-major
   * @param index the example's index in the data set
   * @example (pixels) => { for (const p of [755, 756, 783, 782]) pixels[p] = 255 }
   */
  transformImage?: (pixels: Uint8Array, index: number) => void
}

/** Selected examples, ready to be batched. */
export type PreparedExamples = {
  count: number
  /** Pixel rows; example k is row `rows[k]` of this buffer. */
  pixels: Uint8Array
  rows: Int32Array
  /** Label of example k (after `transformLabel`). */
  labels: Uint8Array
}

/** Error codes thrown when examples are prepared. */
export type PrepareExamplesErrorCode = DeaiErrorCodes<'ML_INVALID_DATA'>

function invalid(message: string, fix: string): DeaiError {
  return new DeaiError('ML_INVALID_DATA', message, { fixes: [fix] })
}

/**
 * Selects examples (all, or `indices` in that order), checks the image size and class count,
 * and applies the hooks. Without `transformImage`, pixels are not copied.
 */
export function prepareExamples(
  data: ImageSet,
  indices: ArrayLike<number> | undefined,
  transforms: ExampleTransforms,
  inputSize: number,
  classes: number,
): PreparedExamples {
  const size = data.rows * data.cols
  if (size !== inputSize) {
    throw invalid(`The models take ${inputSize}-pixel images, but the data has ${data.rows}x${data.cols}.`, 'Use 28x28 images such as Fashion-MNIST.')
  }
  if (data.classes !== classes) {
    throw invalid(`The models have ${classes} classes, but the data has ${data.classes}.`, 'Use a 10-class data set such as Fashion-MNIST.')
  }
  const count = indices === undefined ? data.count : indices.length
  const rows = new Int32Array(count)
  for (let k = 0; k < count; k++) {
    const i = indices === undefined ? k : (indices[k] ?? -1)
    if (!Number.isInteger(i) || i < 0 || i >= data.count) {
      throw invalid(`Example index ${String(i)} is outside the data set of ${data.count}.`, `Use indices between 0 and ${data.count - 1}.`)
    }
    rows[k] = i
  }
  const labels = new Uint8Array(count)
  const { transformLabel, transformImage } = transforms
  for (let k = 0; k < count; k++) {
    const i = rows[k] ?? 0
    const label = data.labels[i] ?? 0
    const next = transformLabel === undefined ? label : transformLabel(label, i)
    if (!Number.isInteger(next) || next < 0 || next >= data.classes) {
      throw invalid(`transformLabel returned ${String(next)} for example ${i}.`, `Return an integer label between 0 and ${data.classes - 1}.`)
    }
    labels[k] = next
  }
  if (transformImage === undefined) return { count, pixels: data.images, rows, labels }
  const pixels = new Uint8Array(count * size)
  for (let k = 0; k < count; k++) {
    const i = rows[k] ?? 0
    const scratch = pixels.subarray(k * size, (k + 1) * size)
    scratch.set(data.images.subarray(i * size, (i + 1) * size))
    transformImage(scratch, i)
    rows[k] = k
  }
  return { count, pixels, rows, labels }
}

/**
 * Mean and standard deviation of Fashion-MNIST's training pixels scaled to [0, 1]. Inputs are
 * standardised with them, (v / 255 - mean) / std, so they are centred with unit spread: with
 * plain SGD at lr 0.05 that took 20 rounds of 10-trainer FedAvg from 0.866 to 0.879 test
 * accuracy (bench/ml-fedavg.ts).
 */
export const PIXEL_MEAN = 0.2860406
export const PIXEL_STD = 0.3530242

const SCALE = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - PIXEL_MEAN) / PIXEL_STD)

/**
 * Writes examples `order[from..from+n)` into `inputs` (standardised pixels) and `targets`
 * (one-hot over `classes`).
 */
export function fillBatch(
  examples: PreparedExamples,
  order: ArrayLike<number>,
  from: number,
  n: number,
  inputSize: number,
  classes: number,
  inputs: Float32Array,
  targets: Float32Array,
): void {
  targets.fill(0, 0, n * classes)
  for (let k = 0; k < n; k++) {
    const e = order[from + k] ?? 0
    const row = examples.rows[e] ?? 0
    const src = row * inputSize
    const dst = k * inputSize
    for (let j = 0; j < inputSize; j++) inputs[dst + j] = SCALE[examples.pixels[src + j] ?? 0] ?? 0
    targets[k * classes + (examples.labels[e] ?? 0)] = 1
  }
}
