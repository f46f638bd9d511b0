import { describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { createMemoryPeerHub } from '../../src/peers/memory-peer-hub.js'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { runScenario } from '../../src/scenario/run-scenario.js'
import type { ScenarioComponents } from '../../src/scenario/run-scenario.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const tiny = parseScenario({
  seed: 3,
  task: { model: 'mlp', rounds: 1, examplesPerTrainer: 50, validationExamples: 50, testExamples: 100, budget: 1000 },
  participants: { trainers: [{ count: 2 }], validators: [{ count: 1 }], verifiers: 3 },
})

/** Makes a resource note its name in `closed` once it has closed. */
function noting<T extends { close(): Promise<void> }>(resource: T, name: string, closed: string[]): T {
  const close = resource.close.bind(resource)
  resource.close = async () => {
    await close()
    closed.push(name)
  }
  return resource
}

/** The real components, each noting when it is closed. */
function watchedComponents(closed: string[]): ScenarioComponents {
  return {
    ledger: async (init) => noting(await createEmbeddedLedger(init), 'ledger', closed),
    content: async (init) => noting(await createContentStore(init), 'content', closed),
    hub: () => noting(createMemoryPeerHub(), 'hub', closed),
  }
}

describe('runScenario and its resources', () => {
  test('a run that fails halfway closes its hub, content store and chain, in reverse order', async () => {
    const closed: string[] = []
    const failure = new Error('stopped after the task was approved')
    const progress = (line: string) => {
      if (line.startsWith('data:')) throw failure
    }
    await expect(runScenario(tiny, { progress, components: watchedComponents(closed) })).rejects.toBe(failure)
    expect(closed).toEqual(['hub', 'content', 'ledger'])
  })

  test('a scenario with fewer verifiers than a committee stops at the draw with RUN_TASK_NOT_APPROVED, and closes everything', async () => {
    const closed: string[] = []
    const few = parseScenario({ ...tiny, participants: { ...tiny.participants, verifiers: 2 } })
    const error = await expectDeaiError(runScenario(few, { components: watchedComponents(closed) }), 'RUN_TASK_NOT_APPROVED')
    expect(error.shortMessage).toContain('2 verifiers staked, the committee takes 5')
    expect(error.fixes).toEqual(['set participants.verifiers to at least 5'])
    expect(closed).toEqual(['hub', 'content', 'ledger'])
  })
})
