/**
 * The claim that every role is written once and driven both ways: one small task played by
 * `runScenario` on the virtual-clock driver, and again with every participant a node driver
 * (the polling driver's `tick`) on one shared embedded chain, content store and peer hub. The
 * nodes are ticked in turn; when none has anything due, chain time moves to the next stage that
 * the stage tables open. Both ways must reach the same judgements, rewards and final model.
 */
import { parseEther } from 'viem'
import type { Address } from 'viem'
import { describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { findTraining } from '../../src/ledger/actions/training/find-training.js'
import { getRoundModel } from '../../src/ledger/actions/training/get-round-model.js'
import { isTrainingFinished } from '../../src/ledger/actions/training/is-training-finished.js'
import { getJudgements } from '../../src/ledger/actions/training/get-judgements.js'
import { getRound } from '../../src/ledger/actions/training/get-round.js'
import { getRoundProgress } from '../../src/ledger/actions/training/get-round-progress.js'
import { getTask } from '../../src/ledger/actions/tasks/get-task.js'
import { getTaskCount } from '../../src/ledger/actions/tasks/get-task-count.js'
import { getModelRecord } from '../../src/ledger/actions/market/get-model-record.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import type { Protocol } from '../../src/ledger/protocol.js'
import { initMl } from '../../src/ml/backend.js'
import { deriveSeed } from '../../src/ml/random.js'
import { selectExamples } from '../../src/ml/datasets/image-set.js'
import { createMemoryPeerHub } from '../../src/peers/memory-peer-hub.js'
import { createNodeDriver } from '../../src/node/start-node.js'
import type { NodeDriver, NodeRoleInit } from '../../src/node/start-node.js'
import { ROUND_TABLE } from '../../src/roles/round-schedule.js'
import { TASK_VOTE_TABLE } from '../../src/roles/task-vote-schedule.js'
import { advanceClockTo } from '../../src/roles/drivers/virtual-clock.js'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { participantBooks } from '../../src/scenario/participant-books.js'
import { SCENARIO_PERIODS } from '../../src/scenario/play-scenario.js'
import { prepareData } from '../../src/scenario/prepare-data.js'
import { runScenario, SCENARIO_UNBONDING_DELAY } from '../../src/scenario/run-scenario.js'
import { castScenario, castSize } from '../../src/scenario/scenario-cast.js'
import type { ScenarioCast } from '../../src/scenario/scenario-cast.js'

const scenario = parseScenario({
  seed: 13,
  name: 'both drivers',
  task: { model: 'mlp', rounds: 2, examplesPerTrainer: 200, validationExamples: 100, testExamples: 200, budget: 1000, inferenceRequests: 0 },
  mechanisms: { aggregation: { rule: 'median' }, consensus: { rule: 'median-score' } },
  participants: { trainers: [{ count: 3 }], validators: [{ count: 2 }], verifiers: 5, inferenceProviders: 1 },
})

/** Every participant of the scenario as a node: the same keys, data, stakes and seeds as the runner's. */
async function nodeRoles(cast: ScenarioCast): Promise<{ name: string; key: ScenarioCast['proposer']['account']; role: NodeRoleInit }[]> {
  const data = await prepareData(scenario, cast.trainers.length, cast.validators.length)
  const t = scenario.task
  return [
    ...cast.verifiers.map((m) => ({ name: m.id, key: m.account, role: { role: 'verifier', stake: parseEther('500') } as const })),
    ...cast.trainers.map((m, i) => ({ name: m.id, key: m.account, role: { role: 'trainer', taskId: 1n, stake: parseEther('100'), data: 'granted', seed: deriveSeed(scenario.seed, 0x7a, i) } as const })),
    ...cast.validators.map((m, i) => ({
      name: m.id, key: m.account,
      role: { role: 'validator', taskId: 1n, stake: parseEther('1000'), data: { imageSet: data.validation, indices: data.validatorIndices[i]! }, seed: deriveSeed(scenario.seed, 0x7b, i) } as const,
    })),
    ...cast.aggregators.map((m) => ({ name: m.id, key: m.account, role: { role: 'aggregator', taskId: 1n, stake: parseEther('1000') } as const })),
    ...cast.dataProviders.map((m) => ({
      name: m.id, key: m.account,
      role: { role: 'data-provider', taskId: 1n, stake: parseEther('100'), shards: cast.trainers.map((trainer, i) => ({ data: selectExamples(data.trainPool, data.trainerIndices[i]!), trainer: trainer.account.address })) } as const,
    })),
    ...cast.inferenceProviders.map((m) => ({ name: m.id, key: m.account, role: { role: 'inference-provider', taskId: 1n } as const })),
    // The proposer ticks last, so the training opens after everyone staked (as in the runner).
    {
      name: cast.proposer.id, key: cast.proposer.account,
      role: {
        role: 'proposer', name: scenario.name ?? '', model: t.model, training: { rounds: t.rounds, localEpochs: t.localEpochs, batchSize: t.batchSize, learningRate: t.learningRate },
        aggregation: { rule: 'median' }, consensus: 'median-score', budget: parseEther(String(t.budget)), periods: SCENARIO_PERIODS, maxUpdates: cast.trainers.length, seed: scenario.seed,
      } as const,
    },
  ]
}

/** The next chain time at which the task vote's or the current round's table opens a stage, or the training can finish. */
async function nextOpening(protocol: Protocol, now: bigint): Promise<bigint | undefined> {
  const times: bigint[] = []
  if ((await getTaskCount(protocol)) >= 1n) {
    const task = await getTask(protocol, 1n)
    if (task.status === 'voting') times.push(...TASK_VOTE_TABLE.stages.map((s) => TASK_VOTE_TABLE.opensAt(task, s)))
  }
  const training = await findTraining(protocol, 1n)
  if (training !== undefined) {
    const { currentRound } = await getRoundProgress(training, 0n)
    const info = await getRound(training, currentRound)
    times.push(...ROUND_TABLE.stages.map((s) => ROUND_TABLE.opensAt(info, s)))
    const last = await getRoundModel(training, BigInt(scenario.task.rounds))
    if (last !== undefined) times.push(last.postedAt + SCENARIO_PERIODS.dispute + 1n)
  }
  const later = times.filter((t) => t > now)
  return later.length === 0 ? undefined : later.reduce((a, b) => (a < b ? a : b))
}

describe('one task, two drivers', () => {
  test('runScenario and node drivers on one chain reach the same judgements, rewards and final model', async () => {
    const report = await runScenario(scenario)

    await initMl()
    const ledger = await createEmbeddedLedger({ accounts: castSize(scenario) })
    const content = await createContentStore({ kind: 'memory' })
    const hub = createMemoryPeerHub()
    try {
      const cast = castScenario(scenario, ledger.accounts)
      const deployment = await deployProtocol(ledger, { deployer: cast.deployer, fund: cast.members.map((m) => m.account.address), params: { unbondingDelay: SCENARIO_UNBONDING_DELAY } })
      const protocol = await connectProtocol(ledger, deployment)
      const nodes: { name: string; driver: NodeDriver }[] = (await nodeRoles(cast)).map(({ name, key, role }) => ({
        name, driver: createNodeDriver({ protocol, key, content, peers: hub.connect({ peerId: name }), role }),
      }))
      const finished = async () => {
        const training = await findTraining(protocol, 1n)
        return training !== undefined && (await isTrainingFinished(training)) && (await getModelRecord(protocol, 1n)) !== undefined
      }
      for (let pass = 0; !(await finished()); pass++) {
        if (pass > 400) throw new Error(`the nodes did not finish: ${nodes.map((n) => `${n.name}: ${n.driver.status().activity}`).join('; ')}`)
        const before = await ledger.client.getBlockNumber({ cacheTime: 0 })
        for (const node of nodes) await node.driver.tick()
        if ((await ledger.client.getBlockNumber({ cacheTime: 0 })) !== before) continue
        const next = await nextOpening(protocol, await ledger.clock.now())
        if (next !== undefined) await advanceClockTo(ledger.clock, next)
      }
      for (const node of nodes) await node.driver.close?.()

      const idOf = new Map<string, string>(cast.members.map((m) => [m.account.address.toLowerCase(), m.id]))
      const id = (address: Address) => idOf.get(address.toLowerCase()) ?? address
      const training = (await findTraining(protocol, 1n))!
      for (const record of report.rounds) {
        const judged = await getJudgements(training, BigInt(record.round))
        expect(judged.updates.map((u) => ({ trainer: id(u.trainer), accepted: u.accepted, consensusScore: u.consensusScore, reward: u.reward }))).toEqual(record.updates)
        expect(judged.validators.map((v) => ({ validator: id(v.validator), revealed: v.revealed, deviationBps: v.deviationBps, reward: v.reward, slashed: v.slashed }))).toEqual(record.validators)
      }
      const books = await participantBooks(protocol, 1n, cast.members.map((m) => ({ id: m.id, role: m.role, behaviour: m.behaviour, address: m.account.address })))
      expect(books.map(({ id, rewards, slashed }) => ({ id, rewards, slashed }))).toEqual(report.participants.map(({ id, rewards, slashed }) => ({ id, rewards, slashed })))
      expect(report.participants.filter((p) => p.rewards > 0n).length).toBeGreaterThan(5)
      expect((await getRoundModel(training, BigInt(scenario.task.rounds)))?.cid).toBe(report.final.modelCid)
    } finally {
      await hub.close()
      await content.close()
      await ledger.close()
    }
  }, 300_000)
})
