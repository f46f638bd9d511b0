import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { checkTask } from '../../src/roles/verifier/check-task.js'
import { VERIFIER_RULES } from '../../src/roles/verifier/verifier-rules.js'
import type { TaskSpec } from '../../src/tasks/task-spec.js'

function mlpTopology(inputs = 784, classes = 10, hidden = 32, activation = 'relu'): Record<string, unknown> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, inputShape: [inputs], activation: activation as 'relu' }),
      tf.layers.dense({ units: classes, activation: 'softmax' }),
    ],
  })
  const json = model.toJSON(null, false) as Record<string, unknown>
  model.dispose()
  return json
}

async function putTask(store: ContentStore, topology: Record<string, unknown>, patch: (spec: TaskSpec) => unknown = (s) => s): Promise<string> {
  const bundle = await store.putJson({ format: 'deai-model/1', framework: 'tfjs-layers', modelTopology: topology })
  const spec: TaskSpec = {
    format: 'deai-task/1',
    name: 'fashion mlp',
    dataset: { name: 'fashion-mnist', classes: 10, inputShape: [784] },
    model: { bundle, maxParameters: 1_000_000 },
    training: { rounds: 5, localEpochs: 1, batchSize: 32, learningRate: 0.05 },
    mechanisms: { aggregation: 'trimmed-mean', consensus: 'flock' },
  }
  return store.putJson(patch(spec))
}

function failedRule(report: Awaited<ReturnType<typeof checkTask>>): string | undefined {
  return report.findings.find((f) => !f.ok)?.rule
}

describe('verifier check', () => {
  let store: ContentStore
  beforeAll(async () => {
    await tf.setBackend('cpu')
    store = await createContentStore({ kind: 'memory' })
  })

  test('approves a well-formed MLP task, every rule passing, deterministically', async () => {
    const specCid = await putTask(store, mlpTopology())
    const report = await checkTask(store, specCid)
    expect(report.approve).toBe(true)
    expect(report.findings.map((f) => f.rule)).toEqual(VERIFIER_RULES.map((r) => r.id))
    expect(await store.putJson(await checkTask(store, specCid))).toBe(await store.putJson(report))
  })

  test.each([
    ['a spec that is not in the store', async () => 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', 'spec-fetch'],
    ['a spec with an unknown dataset', async () => putTask(store, mlpTopology(), (s) => ({ ...s, dataset: { ...s.dataset, name: 'cifar' } })), 'spec-schema'],
    ['a spec with a negative learning rate', async () => putTask(store, mlpTopology(), (s) => ({ ...s, training: { ...s.training, learningRate: -1 } })), 'spec-schema'],
    ['a bundle CID that is missing', async () => putTask(store, mlpTopology(), (s) => ({ ...s, model: { ...s.model, bundle: 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' } })), 'bundle-fetch'],
    ['a Lambda layer', async () => {
      const topology = mlpTopology()
      const layers = (topology['config'] as { layers: { class_name: string }[] }).layers
      layers[0]!.class_name = 'Lambda'
      return putTask(store, topology)
    }, 'layers-allowed'],
    ['an unknown activation', async () => {
      const topology = mlpTopology()
      const layers = (topology['config'] as { layers: { config: Record<string, unknown> }[] }).layers
      layers[0]!.config['activation'] = 'evil'
      return putTask(store, topology)
    }, 'activations-allowed'],
    ['the wrong input shape', async () => putTask(store, mlpTopology(100)), 'input-shape'],
    ['the wrong number of classes', async () => putTask(store, mlpTopology(784, 5)), 'output-classes'],
    ['too many parameters', async () => putTask(store, mlpTopology(784, 10, 2000)), 'parameter-limit'],
  ])('rejects %s', async (_name, make, rule) => {
    const report = await checkTask(store, await make())
    expect(report.approve).toBe(false)
    expect(failedRule(report)).toBe(rule)
  })
})
