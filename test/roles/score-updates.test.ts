import { beforeAll, describe, expect, test } from 'vitest'
import { loadFashionMnist } from '../../src/ml/datasets/fashion-mnist.js'
import { takeExamples } from '../../src/ml/datasets/image-set.js'
import type { ImageSet } from '../../src/ml/datasets/image-set.js'
import { initialWeights } from '../../src/ml/models/initial-weights.js'
import { trainLocal } from '../../src/ml/train/train-local.js'
import { scoreUpdates } from '../../src/roles/validator/score-updates.js'

function nudge(weights: Float32Array, by: number): Float32Array {
  return weights.map((w, i) => w + (i % 2 === 0 ? by : -by))
}

describe('an honest validator scores updates', () => {
  let data: ImageSet
  let global: Float32Array
  let a: Float32Array
  let b: Float32Array
  beforeAll(async () => {
    data = takeExamples(await loadFashionMnist({ split: 'train' }), 600)
    global = initialWeights('mlp', 1)
    const indices = Array.from({ length: 200 }, (_, i) => i)
    a = (await trainLocal({ kind: 'mlp', weights: global, data, indices, seed: 1 })).weights
    b = (await trainLocal({ kind: 'mlp', weights: global, data, indices: indices.map((i) => i + 200), seed: 2 })).weights
  })

  test('by accuracy on its own examples, zero for a near-copy of the global model or of an earlier update', async () => {
    const validation = Array.from({ length: 200 }, (_, i) => 400 + i)
    const scores = await scoreUpdates({
      kind: 'mlp',
      global,
      updates: [a, nudge(global, 1e-7), b, nudge(a, 1e-8)],
      data,
      indices: validation,
    })
    expect(scores[0]).toBeGreaterThan(3000)
    expect(scores[1]).toBe(0) // did no work
    expect(scores[2]).toBeGreaterThan(3000)
    expect(scores[3]).toBe(0) // a copy of the first, submitted later
  })

  test('the original of a copied update keeps its score (the later submission is the copy)', async () => {
    const validation = Array.from({ length: 200 }, (_, i) => 400 + i)
    const scores = await scoreUpdates({ kind: 'mlp', global, updates: [nudge(b, 1e-8), b], data, indices: validation })
    expect(scores[0]).toBeGreaterThan(3000)
    expect(scores[1]).toBe(0)
  })
})
