import * as tf from '@tensorflow/tfjs'
import { describe, expect, test } from 'vitest'
import { assertModelKind, modelLayout, parameterCount } from '../../src/ml/models/architecture.js'
import { createModel } from '../../src/ml/models/create-model.js'
import { initialWeights } from '../../src/ml/models/initial-weights.js'
import { getWeights, setWeights } from '../../src/ml/models/weights.js'
import { sameBits } from './fixtures.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

const SEED = 42

describe('architecture', () => {
  test('counts parameters', () => {
    expect(parameterCount('mlp')).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10)
    expect(parameterCount('cnn')).toBe(5 * 5 * 16 + 16 + 5 * 5 * 16 * 32 + 32 + 512 * 10 + 10)
  })

  test('lays weights out contiguously, kernel before bias', () => {
    const layout = modelLayout('cnn')
    expect(layout.map((w) => w.name)).toEqual(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'dense1/kernel', 'dense1/bias'])
    let offset = 0
    for (const w of layout) {
      expect(w.offset).toBe(offset)
      offset += w.size
    }
  })

  test('rejects unknown kinds', () => {
    expectDeaiErrorSync(() => assertModelKind('resnet'), 'ML_UNKNOWN_MODEL')
    expectDeaiErrorSync(() => parameterCount('transformer' as 'mlp'), 'ML_UNKNOWN_MODEL')
  })
})

describe('initialWeights', () => {
  test('is bit-identical for a seed and differs across seeds', () => {
    const a = initialWeights('mlp', SEED)
    expect(sameBits(initialWeights('mlp', SEED), a)).toBe(true)
    expect(sameBits(initialWeights('mlp', SEED + 1), a)).toBe(false)
    expect(sameBits(initialWeights('mlp', 0), initialWeights('mlp', 1))).toBe(false)
  })

  test('draws kernels Glorot-uniform and zeroes biases', () => {
    const flat = initialWeights('cnn', SEED)
    for (const w of modelLayout('cnn')) {
      const values = flat.subarray(w.offset, w.offset + w.size)
      if (w.role === 'bias') {
        expect(values.every((v) => v === 0)).toBe(true)
      } else {
        const limit = Math.sqrt(6 / (w.fanIn + w.fanOut))
        expect(values.every((v) => Math.abs(v) <= limit)).toBe(true)
        const mean = values.reduce((s, v) => s + v, 0) / values.length
        const variance = values.reduce((s, v) => s + v * v, 0) / values.length
        expect(Math.abs(mean)).toBeLessThan(limit * 0.2)
        expect(variance).toBeCloseTo((limit * limit) / 3, 2)
      }
    }
  })
})

describe('createModel and flat weights', () => {
  test.each(['mlp', 'cnn'] as const)('%s starts from initialWeights(kind, seed)', async (kind) => {
    const model = await createModel(kind, SEED)
    try {
      expect(model.countParams()).toBe(parameterCount(kind))
      expect(sameBits(getWeights(model), initialWeights(kind, SEED))).toBe(true)
      const out = model.predict(tf.zeros([2, ...(kind === 'mlp' ? [784] : [28, 28, 1])]))
      expect(out instanceof tf.Tensor && out.shape).toEqual([2, 10])
      tf.dispose(out)
    } finally {
      model.dispose()
    }
  })

  test('setWeights then getWeights round-trips exactly', async () => {
    const model = await createModel('mlp', SEED)
    try {
      const flat = Float32Array.from({ length: parameterCount('mlp') }, (_, i) => Math.sin(i) * 0.01)
      setWeights(model, flat)
      expect(sameBits(getWeights(model), flat)).toBe(true)
      // The model holds its own copy.
      flat[0] = 123
      expect(getWeights(model)[0]).not.toBe(123)
      // Layer order follows the layout: the last layout entry is the output bias.
      const bias = model.layers.at(-1)?.getWeights()[1]
      expect(Array.from(bias?.dataSync() ?? [])).toEqual(Array.from(getWeights(model).subarray(parameterCount('mlp') - 10)))
    } finally {
      model.dispose()
    }
  })

  test('setWeights rejects a vector of the wrong length', async () => {
    const model = await createModel('cnn', SEED)
    try {
      expectDeaiErrorSync(() => setWeights(model, new Float32Array(10)), 'ML_WEIGHTS_MISMATCH')
      expectDeaiErrorSync(() => setWeights(model, initialWeights('mlp', 1)), 'ML_WEIGHTS_MISMATCH')
    } finally {
      model.dispose()
    }
  })

  test('creating and disposing a model leaves no tensors', async () => {
    await createModel('mlp', 1).then((m) => m.dispose())
    const before = tf.memory().numTensors
    const model = await createModel('cnn', 2)
    getWeights(model)
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
