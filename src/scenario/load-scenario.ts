import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import type { ZodError } from 'zod'
import { DeaiError } from '../errors/base.js'
import { MAX_YUMA_SCORES, MAX_YUMA_TRAINERS } from '../ledger/training-config.js'
import { scenarioSchema } from './scenario-schema.js'
import type { Scenario } from './scenario-schema.js'

const TRAINING_EXAMPLES = 60_000

function describeIssues(error: ZodError, source: string): DeaiError {
  const lines = error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length === 0 ? '(top level)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    return `${path}: ${issue.message}`
  })
  const first = lines[0] ?? 'invalid'
  return new DeaiError('SCENARIO_INVALID', `${source}: ${first}`, {
    details: lines.slice(1),
    fixes: ['see examples/quickstart.yaml and the "Scenario format" section of the README for every field and what it allows'],
  })
}

/**
 * Validates a scenario read from outside and fills in the defaults.
 *
 * @throws DeaiError `SCENARIO_INVALID` naming the path of each bad field and what is allowed.
 */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(value)
  if (!result.success) throw describeIssues(result.error, source)
  const scenario = result.data
  const trainers = scenario.participants.trainers.reduce((n, g) => n + g.count, 0)
  const rule = scenario.mechanisms.aggregation
  if ((rule.rule === 'krum' || rule.rule === 'multi-krum' || rule.rule === 'bulyan') && rule.f !== undefined && rule.f >= trainers) {
    throw new DeaiError('SCENARIO_INVALID', `${source}: mechanisms.aggregation.f: ${rule.f} must be below the number of trainers (${trainers})`)
  }
  const validators = scenario.participants.validators.reduce((n, g) => n + g.count, 0)
  const needed = validators * scenario.task.validationExamples + trainers * (scenario.task.examplesPerTrainer ?? 1)
  if (needed > TRAINING_EXAMPLES) {
    throw new DeaiError('SCENARIO_INVALID', `${source}: task.examplesPerTrainer: ${trainers} trainers and ${validators} validators need ${needed} training examples; Fashion-MNIST has ${TRAINING_EXAMPLES}`, {
      fixes: ['lower task.examplesPerTrainer or task.validationExamples'],
    })
  }
  if (scenario.mechanisms.consensus.rule === 'yuma') {
    // The training contract gives each trainer a Yuma uid (at most 64) and bounds a round's epoch
    // at 1,024 cells: validators x trainer uids.
    if (trainers > MAX_YUMA_TRAINERS) {
      throw new DeaiError('SCENARIO_INVALID', `${source}: participants.trainers: Yuma takes at most ${MAX_YUMA_TRAINERS} trainers, not ${trainers}`, {
        fixes: ['use fewer trainers, or consensus flock or median-score'],
      })
    }
    if (validators * trainers > MAX_YUMA_SCORES) {
      throw new DeaiError('SCENARIO_INVALID', `${source}: participants.validators: under Yuma, validators x trainers may be at most ${MAX_YUMA_SCORES} (${validators} x ${trainers})`, {
        fixes: ['use fewer validators or trainers'],
      })
    }
  }
  if (scenario.participants.trainers.some((g) => g.behaviour === 'copier') && trainers < 2) {
    throw new DeaiError('SCENARIO_INVALID', `${source}: participants.trainers: a copier needs another trainer to copy from`)
  }
  return scenario
}

/**
 * The scenarios a file describes: itself, or one per variant (its mechanisms replaced field by
 * field by the variant's), each named `<variant>`.
 */
export function expandVariants(scenario: Scenario): { name: string | undefined; scenario: Scenario }[] {
  if (scenario.variants === undefined || scenario.variants.length === 0) return [{ name: undefined, scenario }]
  const names = new Set<string>()
  return scenario.variants.map((v) => {
    if (names.has(v.name)) throw new DeaiError('SCENARIO_INVALID', `variants: the name "${v.name}" is used twice`)
    names.add(v.name)
    const { variants: _variants, ...base } = scenario
    const mechanisms = { ...base.mechanisms, ...Object.fromEntries(Object.entries(v.mechanisms).filter(([, x]) => x !== undefined)) }
    return { name: v.name, scenario: { ...base, name: `${base.name ?? 'scenario'} / ${v.name}`, mechanisms } as Scenario }
  })
}

/** Reads a scenario file (YAML or JSON) and validates it. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new DeaiError('SCENARIO_NOT_FOUND', `cannot read scenario ${path}`, { fixes: ['check the path; examples live in examples/'], cause })
  }
  let value: unknown
  try {
    value = parseYaml(text)
  } catch (cause) {
    throw new DeaiError('SCENARIO_INVALID', `${path} is not valid YAML or JSON`, {
      details: [cause instanceof Error ? cause.message : String(cause)],
      cause,
    })
  }
  return parseScenario(value, path)
}
