import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { loadFashionMnist } from '../../src/ml/datasets/fashion-mnist.js'
import { type ImageSet, takeExamples } from '../../src/ml/datasets/image-set.js'
import { initialWeights } from '../../src/ml/models/initial-weights.js'
import { evaluate } from '../../src/ml/train/evaluate.js'
import { trainLocal } from '../../src/ml/train/train-local.js'
import { sameBits } from './fixtures.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const SEED = 5

let train: ImageSet
let test500: ImageSet
const indices = Array.from({ length: 320 }, (_, i) => i)

beforeAll(async () => {
  train = takeExamples(await loadFashionMnist({ split: 'train' }), 1000)
  test500 = takeExamples(await loadFashionMnist({ split: 'test' }), 500)
})

describe('trainLocal', () => {
  test('is bit-identical for equal inputs and seed-dependent', async () => {
    const weights = initialWeights('mlp', SEED)
    const run = (seed: number) => trainLocal({ kind: 'mlp', weights, data: train, indices, seed })
    const a = await run(1)
    const b = await run(1)
    const c = await run(2)
    expect(a.examples).toBe(320)
    expect(sameBits(b.weights, a.weights)).toBe(true)
    expect(b.loss).toBe(a.loss)
    expect(sameBits(c.weights, a.weights)).toBe(false)
    expect(sameBits(a.weights, weights)).toBe(false)
    // The input vector is left alone.
    expect(sameBits(weights, initialWeights('mlp', SEED))).toBe(true)
  })

  test('concurrent calls give the same results as sequential ones', async () => {
    const w = initialWeights('mlp', SEED)
    const one = { kind: 'mlp' as const, weights: w, data: train, indices: indices.slice(0, 96), seed: 3 }
    const two = { kind: 'mlp' as const, weights: w, data: train, indices: indices.slice(96, 192), seed: 4 }
    const [a, b] = await Promise.all([trainLocal(one), trainLocal(two)])
    expect(sameBits((await trainLocal(one)).weights, a.weights)).toBe(true)
    expect(sameBits((await trainLocal(two)).weights, b.weights)).toBe(true)
    expect(sameBits(a.weights, b.weights)).toBe(false)
  })

  test.each(['mlp', 'cnn'] as const)('a short %s run beats the initial model on held-out data', async (kind) => {
    const weights = initialWeights(kind, SEED)
    const before = await evaluate({ kind, weights, data: test500 })
    const trained = await trainLocal({ kind, weights, data: train, epochs: kind === 'mlp' ? 3 : 2, seed: SEED })
    const after = await evaluate({ kind, weights: trained.weights, data: test500 })
    expect(before.accuracy).toBeLessThan(0.25)
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.35)
    expect(after.loss).toBeLessThan(before.loss)
    expect(trained.loss).toBeLessThan(2)
  })

  test('leaks no tensors', async () => {
    const weights = initialWeights('cnn', SEED)
    // The first call builds the shared model; count after it.
    await trainLocal({ kind: 'cnn', weights, data: train, indices: indices.slice(0, 40), seed: 1 })
    await evaluate({ kind: 'cnn', weights, data: test500, indices: [0, 1, 2] })
    const before = tf.memory().numTensors
    await trainLocal({ kind: 'cnn', weights, data: train, indices: indices.slice(0, 70), batchSize: 32, epochs: 2, seed: 1 })
    await evaluate({ kind: 'cnn', weights, data: test500, batchSize: 64 })
    expect(tf.memory().numTensors).toBe(before)
  })

  test('applies label and image hooks once per example, on copies', async () => {
    const weights = initialWeights('mlp', SEED)
    const seen: number[] = []
    const original = Buffer.from(train.images.slice(0, 784 * 64))
    const flipped = await trainLocal({
      kind: 'mlp',
      weights,
      data: train,
      indices: indices.slice(0, 64),
      epochs: 12,
      seed: 1,
      transformLabel: () => 3,
      transformImage: (pixels, index) => {
        seen.push(index)
        pixels.fill(0, 0, 28)
      },
    })
    expect(seen).toEqual(indices.slice(0, 64))
    expect(Buffer.from(train.images.subarray(0, 784 * 64)).equals(original)).toBe(true)
    // A model trained to answer 3 for everything scores on "everything is 3" and not on the truth.
    const allThree = await evaluate({ kind: 'mlp', weights: flipped.weights, data: test500, transformLabel: () => 3 })
    const truth = await evaluate({ kind: 'mlp', weights: flipped.weights, data: test500 })
    expect(allThree.accuracy).toBeGreaterThan(0.95)
    expect(truth.accuracy).toBeLessThan(0.2)
  })

  test('rejects bad arguments with typed errors', async () => {
    const weights = initialWeights('mlp', SEED)
    const base = { kind: 'mlp' as const, weights, data: train, indices: [0, 1, 2], seed: 1 }
    await expectDeaiError(trainLocal({ ...base, batchSize: 0 }), 'ML_INVALID_TRAINING')
    await expectDeaiError(trainLocal({ ...base, epochs: 1.5 }), 'ML_INVALID_TRAINING')
    await expectDeaiError(trainLocal({ ...base, learningRate: -1 }), 'ML_INVALID_TRAINING')
    await expectDeaiError(trainLocal({ ...base, indices: [] }), 'ML_INVALID_TRAINING')
    await expectDeaiError(trainLocal({ ...base, indices: [1000] }), 'ML_INVALID_DATA')
    await expectDeaiError(trainLocal({ ...base, transformLabel: () => 10 }), 'ML_INVALID_DATA')
    await expectDeaiError(trainLocal({ ...base, weights: new Float32Array(5) }), 'ML_WEIGHTS_MISMATCH')
    await expectDeaiError(trainLocal({ ...base, kind: 'cnn' }), 'ML_WEIGHTS_MISMATCH')
    await expectDeaiError(trainLocal({ ...base, seed: 0.5 }), 'RANDOM_INVALID_SEED')
    await expectDeaiError(evaluate({ kind: 'mlp', weights, data: test500, indices: [] }), 'ML_INVALID_DATA')
    const small: ImageSet = { count: 1, rows: 14, cols: 14, classes: 10, images: new Uint8Array(196), labels: new Uint8Array(1) }
    await expectDeaiError(trainLocal({ ...base, data: small, indices: [0] }), 'ML_INVALID_DATA')
    const threeClasses: ImageSet = { ...takeExamples(train, 2), classes: 3, labels: new Uint8Array(2) }
    await expectDeaiError(evaluate({ kind: 'mlp', weights, data: threeClasses }), 'ML_INVALID_DATA')
  })
})
