import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { CONTRACT_CONSTANTS, CONTRACT_ENUMS, CONTRACT_ENUM_MEMBERS } from '../../src/ledger/contracts/generated/protocol-constants.js'
import { AGGREGATION_IDS, CONSENSUS_IDS, MAX_SCORES, MAX_YUMA_SCORES, MAX_YUMA_TRAINERS, decodeAggregation, encodeAggregation } from '../../src/ledger/training-config.js'
import { AGGREGATION_RULES } from '../../src/mechanisms/aggregation/aggregate.js'
import type { AggregationSpec } from '../../src/mechanisms/aggregation/aggregate.js'
import { CONSENSUS_RULES } from '../../src/mechanisms/consensus/training/settle-round.js'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { taskSpecSchema } from '../../src/tasks/task-spec.js'

/** A rule name and an enum member name say the same when they agree but for case and dashes. */
const spelling = (name: string) => name.toLowerCase().replaceAll('-', '')

describe('protocol constants generated from the contracts', () => {
  test('the aggregation rule names are ITrainingRounds.Aggregation, one to one and in order', () => {
    expect(AGGREGATION_RULES.map(spelling)).toEqual(CONTRACT_ENUM_MEMBERS.ITrainingRounds.Aggregation.map(spelling))
  })

  test('the consensus rule names are ITrainingRounds.Consensus, one to one and in order', () => {
    expect(CONSENSUS_RULES.map(spelling)).toEqual(CONTRACT_ENUM_MEMBERS.ITrainingRounds.Consensus.map(spelling))
  })

  test('rule ids are the enum values of the members of the same name', () => {
    const { Aggregation, Consensus } = CONTRACT_ENUMS.ITrainingRounds
    expect(AGGREGATION_IDS).toEqual({ fedavg: Aggregation.FedAvg, median: Aggregation.Median, 'trimmed-mean': Aggregation.TrimmedMean, krum: Aggregation.Krum, 'multi-krum': Aggregation.MultiKrum, bulyan: Aggregation.Bulyan })
    expect(CONSENSUS_IDS).toEqual({ flock: Consensus.Flock, 'median-score': Consensus.MedianScore, yuma: Consensus.Yuma })
  })

  test('enum values follow the declaration order', () => {
    for (const [contract, enums] of Object.entries(CONTRACT_ENUMS)) {
      for (const [name, values] of Object.entries(enums)) {
        const members = (CONTRACT_ENUM_MEMBERS as Record<string, Record<string, readonly string[]>>)[contract]?.[name]
        expect(members?.map((member, i) => [member, i]), `${contract}.${name}`).toEqual(Object.entries(values as Record<string, number>))
      }
    }
  })

  test('the training limits are TrainingStorage\'s', () => {
    expect([MAX_SCORES, MAX_YUMA_SCORES, MAX_YUMA_TRAINERS]).toEqual([4096, 1024, 64])
    expect(CONTRACT_CONSTANTS.TrainingStorage.MAX_YUMA_TRAINERS).toBe(MAX_YUMA_TRAINERS)
  })

  test('every aggregation rule and consensus rule is accepted by the scenario and task-spec schemas', () => {
    const quickstart = parseYaml(readFileSync(new URL('../../examples/quickstart.yaml', import.meta.url), 'utf8')) as Record<string, unknown>
    const withMechanisms = (mechanisms: object) => parseScenario({ ...quickstart, mechanisms }).mechanisms
    for (const rule of AGGREGATION_RULES) expect(withMechanisms({ aggregation: { rule } }).aggregation.rule).toBe(rule)
    for (const rule of CONSENSUS_RULES) expect(withMechanisms({ consensus: { rule } }).consensus.rule).toBe(rule)
    const mechanisms = taskSpecSchema.shape.mechanisms.shape
    expect(mechanisms.aggregation.options).toEqual([...AGGREGATION_RULES])
    expect(mechanisms.consensus.options).toEqual([...CONSENSUS_RULES])
  })
})

describe('encodeAggregation and decodeAggregation', () => {
  test('encode each rule\'s parameter and decode it back', () => {
    const specs: AggregationSpec[] = [
      { rule: 'fedavg' },
      { rule: 'median' },
      { rule: 'trimmed-mean', beta: 0.25 },
      { rule: 'krum', f: 2 },
      { rule: 'multi-krum', k: 3 },
      { rule: 'bulyan', f: 1 },
    ]
    for (const spec of specs) {
      const { aggregation, aggregationParam } = encodeAggregation(spec)
      expect(aggregation).toBe(AGGREGATION_IDS[spec.rule])
      expect(decodeAggregation(aggregation, aggregationParam)).toEqual(spec)
    }
    expect(encodeAggregation({ rule: 'trimmed-mean', beta: 0.2 }).aggregationParam).toBe(2000)
    expect(encodeAggregation({ rule: 'krum' }).aggregationParam).toBe(0)
    expect(decodeAggregation(AGGREGATION_IDS.krum, 0)).toEqual({ rule: 'krum' })
  })

  test('an id the client does not know is refused', () => {
    expect(() => decodeAggregation(99, 0)).toThrow(expect.objectContaining({ code: 'NODE_UNKNOWN_AGGREGATION' }))
  })
})
