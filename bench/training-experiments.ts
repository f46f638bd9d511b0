/**
 * The training stage's figures, each a full protocol run on the embedded chain (10 trainers,
 * MLP, Fashion-MNIST, 3 honest validators): a clean run, label flipping and sign-flip model
 * poisoning against each aggregation rule (aggregating every submission, so the rule alone is
 * the defence, and consensus judged separately), and non-IID data per rule.
 *
 *   npx tsx bench/training-experiments.ts                 # everything (about an hour on 2 cores)
 *   npx tsx bench/training-experiments.ts clean sign-flip # some groups
 *   npx tsx bench/training-experiments.ts --rounds 3      # a quick look
 *
 * Prints one table row per run and writes reports/training-experiments.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { parseScenario } from '../src/scenario/load-scenario.js'
import { runScenario } from '../src/scenario/run-scenario.js'
import type { RunReport } from '../src/scenario/run-report.js'
import type { ScenarioInput } from '../src/scenario/scenario-schema.js'
import { toJson } from '../src/shared/to-json.js'

type Rule = NonNullable<NonNullable<ScenarioInput['mechanisms']>['aggregation']>
type Experiment = { group: string; name: string; scenario: ScenarioInput }

const RULES: Record<string, Rule> = {
  fedavg: { rule: 'fedavg' },
  median: { rule: 'median' },
  'trimmed-mean': { rule: 'trimmed-mean', beta: 0.2 },
  krum: { rule: 'krum', f: 3 },
  'multi-krum': { rule: 'multi-krum', f: 3 },
  bulyan: { rule: 'bulyan', f: 1 },
}

function scenario(seed: number, rounds: number, rule: Rule, trainers: NonNullable<ScenarioInput['participants']>['trainers'], extra: Partial<ScenarioInput['task']> = {}, over: 'accepted' | 'all' = 'accepted'): ScenarioInput {
  return {
    seed,
    task: { model: 'mlp', rounds, validationExamples: 500, budget: 10_000, ...extra },
    mechanisms: { aggregation: rule, consensus: { rule: 'flock' }, aggregateOver: over },
    participants: { trainers, validators: [{ count: 3 }], verifiers: 3 },
  }
}

export function experiments(rounds = 20): Experiment[] {
  const list: Experiment[] = [
    { group: 'clean', name: 'clean fedavg', scenario: scenario(1, rounds, RULES['fedavg']!, [{ count: 10 }]) },
  ]
  for (const rule of ['fedavg', 'median', 'trimmed-mean', 'multi-krum']) {
    list.push({ group: 'label-flip', name: `label-flip 3/10 ${rule}`, scenario: scenario(2, rounds, RULES[rule]!, [{ count: 7 }, { count: 3, behaviour: 'label-flip' }], {}, 'all') })
  }
  for (const rule of ['fedavg', 'median', 'trimmed-mean', 'multi-krum', 'krum', 'bulyan']) {
    list.push({ group: 'sign-flip', name: `sign-flip x10 2/10 ${rule}`, scenario: scenario(3, rounds, RULES[rule]!, [{ count: 8 }, { count: 2, behaviour: 'sign-flip', scale: 10 }], {}, 'all') })
  }
  for (const rule of Object.keys(RULES)) {
    list.push({ group: 'dirichlet', name: `dirichlet 0.5 ${rule}`, scenario: scenario(4, rounds, RULES[rule]!, [{ count: 10 }], { partition: { kind: 'dirichlet', alpha: 0.5 } }) })
  }
  return list
}

export type ExperimentRow = {
  name: string
  finalAccuracy: number
  bestAccuracy: number
  /** Share of the attackers' submissions that consensus rejected. */
  caught: number | null
  /** Share of rounds in which every attacker was rejected. */
  roundsAllCaught: number | null
  /** Share of all rewards the attackers earned. */
  attackerRewardShare: number | null
  seconds: number
}

function summarise(name: string, report: RunReport): ExperimentRow {
  const attackers = new Set(report.participants.filter((p) => p.role === 'trainer' && p.behaviour !== 'honest').map((p) => p.id))
  const attempts = report.rounds.flatMap((r) => r.updates.filter((u) => attackers.has(u.trainer)))
  const rewards = report.participants.reduce((s, p) => s + p.rewards, 0n)
  const attackerRewards = report.participants.filter((p) => attackers.has(p.id)).reduce((s, p) => s + p.rewards, 0n)
  return {
    name,
    finalAccuracy: report.final.accuracy,
    bestAccuracy: Math.max(...report.rounds.map((r) => r.accuracy)),
    caught: attackers.size === 0 ? null : attempts.filter((u) => !u.accepted).length / attempts.length,
    roundsAllCaught: attackers.size === 0 ? null : report.rounds.filter((r) => r.updates.filter((u) => attackers.has(u.trainer)).every((u) => !u.accepted)).length / report.rounds.length,
    attackerRewardShare: attackers.size === 0 ? null : Number((attackerRewards * 1_000_000n) / (rewards === 0n ? 1n : rewards)) / 1_000_000,
    seconds: report.timing.totalSeconds,
  }
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`)

export async function runExperiments(groups: readonly string[], rounds: number, print: (line: string) => void = console.log): Promise<ExperimentRow[]> {
  const rows: ExperimentRow[] = []
  print(`${'run'.padEnd(30)}${'final acc'.padStart(10)}${'best acc'.padStart(10)}${'caught'.padStart(9)}${'rounds all'.padStart(11)}${'atk share'.padStart(11)}${'time'.padStart(8)}`)
  for (const e of experiments(rounds).filter((x) => groups.length === 0 || groups.includes(x.group))) {
    const report = await runScenario(parseScenario(e.scenario, e.name))
    const row = summarise(e.name, report)
    rows.push(row)
    print(`${row.name.padEnd(30)}${row.finalAccuracy.toFixed(4).padStart(10)}${row.bestAccuracy.toFixed(4).padStart(10)}${pct(row.caught).padStart(9)}${pct(row.roundsAllCaught).padStart(11)}${pct(row.attackerRewardShare).padStart(11)}${`${row.seconds.toFixed(0)}s`.padStart(8)}`)
  }
  return rows
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const roundsAt = args.indexOf('--rounds')
  const rounds = roundsAt === -1 ? 20 : Number(args[roundsAt + 1])
  const groups = args.filter((a, i) => !a.startsWith('--') && (roundsAt === -1 || i !== roundsAt + 1))
  const rows = await runExperiments(groups, rounds)
  await mkdir('reports', { recursive: true })
  await writeFile('reports/training-experiments.json', toJson({ rounds, rows }) + '\n')
}
