import { describe, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { decodeAggregation } from '../../src/ledger/training-config.js'
import { modelKindOf, readTaskSpec } from '../../src/node/drivers/task-training.js'
import { buildTaskSpec } from '../../src/tasks/build-task.js'
import { expectDeaiError, expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

describe('what a node reads of a task before it trains', () => {
  test('an aggregation id the node does not implement is NODE_UNKNOWN_AGGREGATION', () => {
    expectDeaiErrorSync(() => decodeAggregation(99, 0), 'NODE_UNKNOWN_AGGREGATION')
  })

  test('a spec that is not deai-task/1 is NODE_BAD_TASK_SPEC', async () => {
    const store = await createContentStore({ kind: 'memory' })
    try {
      await expectDeaiError(readTaskSpec(store, await store.putJson({ format: 'something else' })), 'NODE_BAD_TASK_SPEC')
    } finally {
      await store.close()
    }
  })

  test('a model bundle that is none of the built-in models is NODE_UNKNOWN_MODEL', async () => {
    const store = await createContentStore({ kind: 'memory' })
    try {
      const { spec } = await buildTaskSpec(store, {
        name: 'unknown model',
        model: 'mlp',
        training: { rounds: 1, localEpochs: 1, batchSize: 32, learningRate: 0.05 },
        mechanisms: { aggregation: 'fedavg', consensus: 'flock' },
      })
      const foreign = { ...spec, model: { ...spec.model, bundle: await store.putJson({ layers: 'not a built-in model' }) } }
      await expectDeaiError(modelKindOf(store, foreign), 'NODE_UNKNOWN_MODEL')
    } finally {
      await store.close()
    }
  })
})
