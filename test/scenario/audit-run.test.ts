import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { replayChainJournal } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { ChainJournal } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { auditRun } from '../../src/scenario/audit-run.js'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { runScenario } from '../../src/scenario/run-scenario.js'
import { toJson } from '../../src/shared/to-json.js'

describe('deai audit', () => {
  let dir: string
  let report: Record<string, unknown>
  let journal: ChainJournal

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-audit-'))
    const result = await runScenario(parseScenario({
      seed: 9,
      task: { rounds: 2, examplesPerTrainer: 200, validationExamples: 100, testExamples: 300, budget: 600 },
      mechanisms: { aggregation: { rule: 'trimmed-mean', beta: 0.2 } },
      participants: { trainers: [{ count: 3 }, { count: 1, behaviour: 'label-flip' }], validators: [{ count: 2 }, { count: 1, behaviour: 'lazy' }], verifiers: 3 },
    }), { contentDir: join(dir, 'content'), recordChain: (j) => void (journal = j) })
    report = JSON.parse(toJson(result)) as Record<string, unknown>
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function audit(value: unknown) {
    const ledger = await replayChainJournal(journal)
    const content = await createContentStore({ kind: 'fs', path: join(dir, 'content') })
    try {
      return await auditRun({ report: value, ledger, content })
    } finally {
      await content.close()
    }
  }

  test('recomputes every figure of the report from the chain and the content, and agrees', async () => {
    const result = await audit(report)
    expect(result.checks.filter((c) => !c.ok)).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.checks.map((c) => c.check)).toContain('round 2: model recomputed from the accepted updates by CID')
  })

  test('notices a tampered report', async () => {
    const tampered = structuredClone(report) as { participants: { id: string; rewards: string }[]; rounds: { accuracy: number; accepted: number }[] }
    const honest = tampered.participants.find((p) => p.id === 'trainer-1')!
    honest.rewards = (BigInt(honest.rewards) + 1n).toString()
    tampered.rounds[1]!.accuracy += 0.01
    const result = await audit(tampered)
    expect(result.ok).toBe(false)
    expect(result.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'round 2: test accuracy of the posted model',
      'rewards, slashes, fees and net gain per participant',
    ])
    expect(result.checks.find((c) => c.check === 'rewards, slashes, fees and net gain per participant')?.detail).toContain('rewards')
  })

  test('a tampered chain journal does not rebuild', async () => {
    const cut = { ...journal, entries: journal.entries.slice(0, -1) }
    await expect(replayChainJournal(cut)).rejects.toSatisfy((e: unknown) => (e as { code?: string }).code === 'LEDGER_REPLAY_MISMATCH')
  })
})
