import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { loadScenario, parseScenario } from '../../src/scenario/load-scenario.js'

const valid = {
  seed: 3,
  task: { model: 'mlp', rounds: 2 },
  participants: { trainers: [{ count: 4, behaviour: 'honest' }], validators: [{ count: 2 }] },
}

function mistake(value: unknown): string {
  try {
    parseScenario(value, 'test.yaml')
  } catch (error) {
    expect(isDeaiError(error, 'SCENARIO_INVALID')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected a SCENARIO_INVALID error')
}

describe('scenario validation', () => {
  test('fills in the defaults of a minimal scenario', () => {
    const scenario = parseScenario(valid)
    expect(scenario.task).toMatchObject({ dataset: 'fashion-mnist', partition: { kind: 'iid' }, localEpochs: 1, batchSize: 32, learningRate: 0.05 })
    expect(scenario.mechanisms).toEqual({ aggregation: { rule: 'fedavg' }, consensus: { rule: 'flock' }, aggregateOver: 'accepted' })
    expect(scenario.participants.validators[0]!.behaviour).toBe('honest')
  })

  test.each([
    ['an unknown field', { ...valid, task: { ...valid.task, epochs: 3 } }, /task: Unrecognized key.*epochs/],
    ['a misspelt model', { ...valid, task: { ...valid.task, model: 'resnet' } }, /task\.model: .*"mlp".*"cnn"/],
    ['a negative learning rate', { ...valid, task: { ...valid.task, learningRate: -1 } }, /task\.learningRate/],
    ['an unknown partition kind', { ...valid, task: { ...valid.task, partition: { kind: 'random' } } }, /task\.partition\.kind/],
    ['a Dirichlet partition without alpha', { ...valid, task: { ...valid.task, partition: { kind: 'dirichlet' } } }, /task\.partition\.alpha/],
    ['an unknown behaviour', { ...valid, participants: { ...valid.participants, trainers: [{ count: 2, behaviour: 'evil' }] } }, /participants\.trainers\[0\]\.behaviour/],
    ['no trainers', { ...valid, participants: { ...valid.participants, trainers: [] } }, /participants\.trainers/],
    ['a fractional count', { ...valid, participants: { ...valid.participants, validators: [{ count: 1.5 }] } }, /participants\.validators\[0\]\.count/],
    ['an unknown aggregation rule', { ...valid, mechanisms: { aggregation: { rule: 'mean' } } }, /mechanisms\.aggregation\.rule/],
    ['Krum with f as large as the trainer count', { ...valid, mechanisms: { aggregation: { rule: 'krum', f: 4 } } }, /mechanisms\.aggregation\.f/],
    ['a string where a number belongs', { ...valid, seed: 'one' }, /seed/],
    ['more data than the dataset has', { ...valid, task: { ...valid.task, examplesPerTrainer: 20_000 } }, /task\.examplesPerTrainer/],
    ['Yuma with more than 64 trainers', { ...valid, mechanisms: { consensus: { rule: 'yuma' } }, task: { ...valid.task, examplesPerTrainer: 100 }, participants: { ...valid.participants, trainers: [{ count: 65 }] } }, /participants\.trainers: Yuma takes at most 64/],
    ['Yuma with more than 1,024 validator-trainer cells', { ...valid, mechanisms: { consensus: { rule: 'yuma' } }, task: { ...valid.task, examplesPerTrainer: 100, validationExamples: 100 }, participants: { trainers: [{ count: 32 }], validators: [{ count: 33 }] } }, /participants\.validators: under Yuma/],
  ])('names the field for %s', (_name, value, pattern) => {
    expect(mistake(value)).toMatch(pattern)
  })

  test('a file that is not YAML, and a missing file, say so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deai-scenario-'))
    try {
      await writeFile(join(dir, 'bad.yaml'), 'task: [unclosed\n')
      await expect(loadScenario(join(dir, 'bad.yaml'))).rejects.toSatisfy((e: unknown) => isDeaiError(e, 'SCENARIO_INVALID'))
      await expect(loadScenario(join(dir, 'missing.yaml'))).rejects.toSatisfy((e: unknown) => isDeaiError(e, 'SCENARIO_NOT_FOUND'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('the examples are valid', async () => {
    for (const file of ['quickstart.yaml', 'attacks.yaml', 'scale.yaml']) await loadScenario(join(import.meta.dirname, '../../examples', file))
  })
})
