import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)

/** Runs `script` as a plain Node ESM file in a fresh directory where `deai` is an installed package. */
async function runScript(script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'deai-sdk-'))
  try {
    await mkdir(join(dir, 'node_modules'))
    await symlink(root, join(dir, 'node_modules', 'deai'), 'dir')
    await writeFile(join(dir, 'script.mjs'), script)
    return (await run(process.execPath, ['script.mjs'], { cwd: dir })).stdout
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('the SDK as a package', () => {
  test('a plain Node ESM script imports it as "deai" and runs a chain', async () => {
    const script = [
      "import { createEmbeddedLedger, deployProtocol, connectProtocol } from 'deai'",
      "import { listTasks } from 'deai/actions'",
      "import { aggregate, decentralization } from 'deai/mechanisms'",
      'const ledger = await createEmbeddedLedger({ accounts: 2 })',
      'const protocol = await connectProtocol(ledger, await deployProtocol(ledger))',
      'const tasks = await listTasks(protocol)',
      "const mean = aggregate('fedavg', [new Float32Array([1, 3]), new Float32Array([3, 5])])",
      'console.log(JSON.stringify({ tasks: tasks.length, mean: Array.from(mean), nakamoto: decentralization([5, 3, 2]).nakamotoOneHalf }))',
    ].join('\n')
    expect(JSON.parse(await runScript(script))).toEqual({ tasks: 0, mean: [2, 4], nakamoto: 2 })
  })

  test('a plain Node ESM script runs a scenario with variants and audits each run, through the SDK alone', async () => {
    const script = `
import { auditReport, parseScenario, runScenarioVariants, runSummary } from 'deai'
import { MODEL_KINDS } from 'deai/ml'
import { TRAINER_BEHAVIOURS } from 'deai/roles'
const scenario = parseScenario({
  seed: 5,
  task: { model: MODEL_KINDS[0], rounds: 1, examplesPerTrainer: 60, validationExamples: 60, testExamples: 100, budget: 1000 },
  participants: { trainers: [{ count: 2 }, { count: 1, behaviour: TRAINER_BEHAVIOURS.find((b) => b === 'label-flip') }], validators: [{ count: 2 }], verifiers: 3 },
  variants: [
    { name: 'fedavg', mechanisms: { aggregation: { rule: 'fedavg' } } },
    { name: 'median', mechanisms: { aggregation: { rule: 'median' } } },
  ],
})
const { runs, comparison } = await runScenarioVariants(scenario, { out: 'reports', name: 'tiny' })
const audits = []
for (const run of runs) audits.push(await auditReport(run.paths.json))
console.log(JSON.stringify({
  variants: comparison.variants.map((v) => v.variant),
  comparison: comparison.html.endsWith('tiny.comparison.html'),
  summaries: runs.map((r) => { const s = runSummary(r.report, r.paths); return { rounds: s.rounds.length, participants: s.participants.length, model: s.final.modelCid.length > 0 } }),
  audits: audits.map((a) => ({ ok: a.ok, checks: a.checks.length > 0, chain: a.chain.endsWith('.chain.json') })),
}))
`
    expect(JSON.parse(await runScript(script))).toEqual({
      variants: ['fedavg', 'median'],
      comparison: true,
      summaries: [{ rounds: 1, participants: 12, model: true }, { rounds: 1, participants: 12, model: true }],
      audits: [{ ok: true, checks: true, chain: true }, { ok: true, checks: true, chain: true }],
    })
  }, 300_000)
})
