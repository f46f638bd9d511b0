/**
 * A node's own examples: one part of a seeded, shuffled split of Fashion-MNIST. Trainers take
 * their part of the training split; validators take a private part of the test split, which no
 * trainer holds. Nodes that share the seed and the part count get disjoint parts.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'
import { loadFashionMnist } from '../ml/datasets/fashion-mnist.js'
import { selectExamples } from '../ml/datasets/image-set.js'
import type { ImageSet } from '../ml/datasets/image-set.js'
import { createRandom, deriveSeed } from '../ml/random.js'

export type DataPartInit = {
  /** `train` for trainers, `test` for validators' private shards. */
  split: 'train' | 'test'
  /** Which part (0-based) of `parts`. */
  part: number
  parts: number
  /** Seed of the shuffle, shared by every node of the task. */
  seed: number
  /** At most this many examples of the part. @default the whole part */
  examples?: number
  /** Directory of the IDX files. @default DEAI_FASHION_MNIST_DIR or Debian's path */
  dir?: string
}

/**
 * Loads one node's part.
 * @returns the examples (the part only) and their indices within it (0..n-1)
 * @throws DeaiError `NODE_BAD_PARTITION`, and the dataset's errors
 */
export async function loadDataPart(init: DataPartInit): Promise<{ data: ImageSet; indices: number[] }> {
  if (!Number.isInteger(init.parts) || init.parts < 1 || !Number.isInteger(init.part) || init.part < 0 || init.part >= init.parts) {
    throw new DeaiError('NODE_BAD_PARTITION', `Part ${init.part} of ${init.parts} does not exist.`, {
      fixes: ['Write --partition I/N with 0 <= I < N, e.g. --partition 0/3 for the first of three trainers.'],
    })
  }
  const split = await loadFashionMnist({ split: init.split, ...(init.dir === undefined ? {} : { dir: init.dir }) })
  const order = Array.from({ length: split.count }, (_, i) => i)
  createRandom(deriveSeed(init.seed, init.split === 'train' ? 0x7a1 : 0x7e5)).shuffle(order)
  const size = Math.floor(split.count / init.parts)
  const mine = order.slice(init.part * size, init.part * size + Math.min(size, init.examples ?? size))
  const data = selectExamples(split, mine)
  return { data, indices: Array.from({ length: data.count }, (_, i) => i) }
}
