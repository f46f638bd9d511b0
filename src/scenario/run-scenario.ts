import { createContentStore } from '../content/create-content-store.js'
import type { ContentStoreInit } from '../content/create-content-store.js'
import type { ContentStore } from '../content/content-store.js'
import { deployProtocol } from '../ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../ledger/embedded/create-embedded-ledger.js'
import type { ChainJournal, EmbeddedLedger, EmbeddedLedgerInit } from '../ledger/embedded/create-embedded-ledger.js'
import { createGasMeter } from '../ledger/gas-meter.js'
import { connectProtocol } from '../ledger/protocol.js'
import { initMl } from '../ml/backend.js'
import { createMemoryPeerHub } from '../peers/memory-peer-hub.js'
import type { MemoryPeerHub } from '../peers/memory-peer-hub.js'
import { buildReport } from './build-report.js'
import { roundMeter } from './measure-round.js'
import { playScenario } from './play-scenario.js'
import { prepareData } from './prepare-data.js'
import type { RunReport } from './run-report.js'
import { castScenario, castSize } from './scenario-cast.js'
import type { Scenario } from './scenario-schema.js'

/** How a run opens its chain, content store and peer hub; it closes what they return. */
export type ScenarioComponents = {
  ledger(init: EmbeddedLedgerInit): Promise<EmbeddedLedger>
  content(init: ContentStoreInit): Promise<ContentStore>
  hub(): MemoryPeerHub
}

export type RunScenarioOptions = {
  /** Progress lines (stage, round, estimate). */
  progress?: (line: string) => void
  /** Keep the run's content (specs, every update and model) in this directory instead of memory. */
  contentDir?: string
  /** Receives the chain's journal at the end, from which `deai audit` can rebuild the chain. */
  recordChain?: (journal: ChainJournal) => Promise<void> | void
  /** @default the embedded chain, a Helia store and an in-process hub */
  components?: Partial<ScenarioComponents>
}

/**
 * Unbonding takes a minute here, less than any phase of a round, so that only the locks on
 * stake behind pending work keep a slash-escaper's stake in (the default is a week).
 */
export const SCENARIO_UNBONDING_DELAY = 60n

/**
 * Plays a scenario on one embedded chain, content store and peer hub: a task proposed and
 * approved by the code-verification committee, trainers, validators and aggregators staked, the
 * training rounds with the scenario's adversaries, settlement and claims. Returns the report.
 * Deterministic: the same scenario and seed give the same report, timings aside. Whatever it
 * opened is closed, in reverse order, whether the run succeeds or fails.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<RunReport> {
  const log = options.progress ?? (() => {})
  const open = { ledger: createEmbeddedLedger, content: createContentStore, hub: createMemoryPeerHub, ...options.components }
  const opened: (() => Promise<unknown>)[] = []
  const started = Date.now()
  const stageTimes: Record<string, number> = {}
  let stageStart = Date.now()
  const stage = (name: string) => {
    stageTimes[name] = (Date.now() - stageStart) / 1000
    stageStart = Date.now()
  }
  try {
    const trainers = scenario.participants.trainers.reduce((n, g) => n + g.count, 0)
    const validators = scenario.participants.validators.reduce((n, g) => n + g.count, 0)
    log(`loading Fashion-MNIST and splitting it for ${trainers} trainers and ${validators} validators`)
    await initMl()
    const data = await prepareData(scenario, trainers, validators)

    const ledger = await open.ledger({ accounts: castSize(scenario) })
    opened.push(() => ledger.close())
    const cast = castScenario(scenario, ledger.accounts)
    const gasMeter = createGasMeter()
    log('deploying the protocol on the embedded chain')
    const deployment = await deployProtocol(ledger, { deployer: cast.deployer, fund: cast.members.map((m) => m.account.address), params: { unbondingDelay: SCENARIO_UNBONDING_DELAY } })
    const protocol = await connectProtocol(ledger, deployment, { gasMeter })
    const content = await open.content(options.contentDir === undefined ? { kind: 'memory' } : { kind: 'fs', path: options.contentDir })
    opened.push(() => content.close())
    const hub = open.hub()
    opened.push(() => hub.close())
    stage('setup')

    const meter = roundMeter({ protocol, content, gasMeter, kind: scenario.task.model, test: data.test, members: cast.members })
    const outcome = await playScenario({ scenario, data, clock: ledger.clock, protocol, content, hub, cast, meter, log, stage })
    const report = await buildReport({
      scenario, protocol, deployment, members: cast.members, outcome, timing: { totalSeconds: (Date.now() - started) / 1000, stages: stageTimes },
    })
    await options.recordChain?.(await ledger.journal())
    return report
  } finally {
    for (const close of opened.reverse()) await close().catch(() => undefined)
  }
}
