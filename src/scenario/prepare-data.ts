import { loadFashionMnist } from '../ml/datasets/fashion-mnist.js'
import { sampleExamples, selectExamples } from '../ml/datasets/image-set.js'
import type { ImageSet } from '../ml/datasets/image-set.js'
import { partitionExamples } from '../ml/partition/partition-examples.js'
import { createRandom, deriveSeed } from '../ml/random.js'
import type { Scenario } from './scenario-schema.js'

/** Who holds which data in a scenario. */
export type ScenarioData = {
  /** The trainers' pool; `trainerIndices[t]` are trainer t's examples in it. */
  trainPool: ImageSet
  trainerIndices: number[][]
  /** Held-out examples no trainer has; `validatorIndices[v]` are validator v's private shard. */
  validation: ImageSet
  validatorIndices: number[][]
  /** The test images the report's accuracy is measured on. */
  test: ImageSet
}

/**
 * Splits Fashion-MNIST for a scenario, from its seed: each validator gets a private shard held
 * out of the training split, the trainers share the rest by the scenario's partition scheme
 * (optionally capped per trainer), and the report measures on (a sample of) the test split.
 */
export async function prepareData(scenario: Scenario, trainers: number, validators: number): Promise<ScenarioData> {
  const train = await loadFashionMnist({ split: 'train' })
  const testSplit = await loadFashionMnist({ split: 'test' })
  const order = Array.from({ length: train.count }, (_, i) => i)
  createRandom(deriveSeed(scenario.seed, 0xda7a)).shuffle(order)

  const perValidator = scenario.task.validationExamples
  const validationCount = perValidator * validators
  const poolSize = scenario.task.examplesPerTrainer === undefined
    ? train.count - validationCount
    : Math.min(train.count - validationCount, scenario.task.examplesPerTrainer * trainers)
  const validation = selectExamples(train, order.slice(0, validationCount))
  const trainPool = selectExamples(train, order.slice(validationCount, validationCount + poolSize))
  const trainerIndices = partitionExamples(scenario.task.partition, {
    labels: trainPool.labels,
    clients: trainers,
    seed: deriveSeed(scenario.seed, 0x9a27),
  })
  const validatorIndices = Array.from({ length: validators }, (_, v) =>
    Array.from({ length: perValidator }, (_, i) => v * perValidator + i))
  const test = scenario.task.testExamples >= testSplit.count
    ? testSplit
    : sampleExamples(testSplit, scenario.task.testExamples, deriveSeed(scenario.seed, 0x7e57))
  return { trainPool, trainerIndices, validation, validatorIndices, test }
}
