import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getAddress, parseEther, parseEventLogs, zeroAddress, zeroHash } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { digestToCid } from '../../src/content/cid-digest.js'
import { createContentStore } from '../../src/content/create-content-store.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { grantShard } from '../../src/ledger/actions/data/grant-shard.js'
import { registerShard } from '../../src/ledger/actions/data/register-shard.js'
import { buildLineage } from '../../src/ledger/actions/market/build-lineage.js'
import { getModelRecord } from '../../src/ledger/actions/market/get-model-record.js'
import { publishModel } from '../../src/ledger/actions/market/publish-model.js'
import { verifyModelRecord } from '../../src/ledger/actions/market/verify-model-record.js'
import { contributionProof, lineageCid, lineageContributions, lineageRoot, parseLineage, shardsHash } from '../../src/ledger/contracts/lineage.js'
import type { Lineage } from '../../src/ledger/contracts/lineage.js'
import { modelRegistryAbi, modelRegistryBytecode } from '../../src/ledger/contracts/generated/ModelRegistry.js'
import { toOnChainDigest } from '../../src/ledger/contracts/on-chain-digest.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { cidOf, finishTraining, modelRegistryTestAbi, playRound, sdkTraining, startTraining } from '../helpers/stages-flow.js'
import type { TrainingActors } from '../helpers/stages-flow.js'
import { advancePast } from '../helpers/task-flow.js'
import { digestOf, openTask, stakeAs, stakeVerifiers, trainingConfig } from '../helpers/training-flow.js'
import type { Training } from '../helpers/training-flow.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

/**
 * ModelRegistry after real trainings on the embedded chain: the lineage rebuilt from events
 * (accepted updates only, with the shards each trainer held when it submitted), the record
 * published by the proposer and verified, contributions proved on chain, a tampered lineage
 * caught, the final-model rule when a training expires, and every custom error.
 */

const log = createRevertLog()

let fx: ProtocolFixture
let store: ContentStore
let actors: TrainingActors
let verifiers: PrivateKeyAccount[]
let providers: PrivateKeyAccount[]
let outsider: PrivateKeyAccount
let trainers: readonly PrivateKeyAccount[]

/** Task A: two full rounds, data shards granted before and during training. */
let taskA: bigint
let trainingA: Training
let modelsA: Hex[]

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 16, params: { tasks: { committeeSize: 3 } } })
  store = await createContentStore({ kind: 'memory' })
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  trainers = [5, 6, 7].map((i) => accountAt(fx, i))
  actors = { proposer: accountAt(fx, 1), trainers, validators: [8, 9, 10].map((i) => accountAt(fx, i)), aggregator: accountAt(fx, 11) }
  providers = [12, 13].map((i) => accountAt(fx, i))
  outsider = accountAt(fx, 14)
  await stakeVerifiers(fx, verifiers)

  taskA = await openTask(fx, actors.proposer, verifiers, { label: 'model A' })
  for (const p of providers) await stakeAs(fx, p, taskA, 'data-provider', parseEther('10'))
  await registerShard(fx.protocol, providers[0]!, { taskId: taskA, shardCid: cidOf('A shard 0'), examples: 500 })
  await registerShard(fx.protocol, providers[0]!, { taskId: taskA, shardCid: cidOf('A shard 1'), examples: 700 })
  await registerShard(fx.protocol, providers[1]!, { taskId: taskA, shardCid: cidOf('A shard 2'), examples: 900 })
  await grantShard(fx.protocol, providers[0]!, { taskId: taskA, shardId: 0n, trainer: trainers[0]!.address })
  await grantShard(fx.protocol, providers[0]!, { taskId: taskA, shardId: 1n, trainer: trainers[1]!.address })
  await grantShard(fx.protocol, providers[0]!, { taskId: taskA, shardId: 1n, trainer: trainers[2]!.address })

  trainingA = await startTraining(fx, taskA, actors, trainingConfig({ rounds: 2 }))
  const m1 = await playRound(fx, trainingA, actors, 1n, {
    updates: trainers.map((trainer, i) => ({ trainer, label: `A r1 t${i}` })),
    // The third update is rejected: it leaves the lineage, with the shard it held.
    scores: [8000, 8000, 2000],
    // Granted after trainer 0 submitted in round 1: counts from round 2 on.
    afterSubmissions: async () => void (await grantShard(fx.protocol, providers[1]!, { taskId: taskA, shardId: 2n, trainer: trainers[0]!.address })),
  })
  const m2 = await playRound(fx, trainingA, actors, 2n, {
    updates: trainers.slice(0, 2).map((trainer, i) => ({ trainer, label: `A r2 t${i}` })),
    scores: [8000, 7900],
  })
  modelsA = [m1, m2]
  await finishTraining(fx, trainingA, actors, 2n)
})

afterAll(async () => {
  await store.close()
})

const registry = () => ({ address: fx.protocol.modelRegistry.address, abi: modelRegistryTestAbi })
const rawCid = (digest: Hex) => digestToCid({ digest, codec: 'raw' })

function publish(key: PrivateKeyAccount, taskId: bigint, lineageDigest: Hex, root: Hex = zeroHash) {
  return writeContract(fx.ledger, key, { ...registry(), functionName: 'publish', args: [taskId, lineageDigest, root] })
}

describe('ModelRegistry: a finished training', () => {
  test('buildLineage gives every round\'s models, its accepted updates and the shards each trainer held when it submitted', async () => {
    const lineage = await buildLineage(fx.protocol, sdkTraining(fx, taskA, trainingA))
    const [t0, t1] = [trainers[0]!.address, trainers[1]!.address]
    expect(lineage).toEqual({
      version: 1,
      chainId: fx.ledger.chain.id,
      taskId: taskA.toString(),
      training: trainingA.address,
      dataRegistry: getAddress(fx.protocol.dataRegistry.address),
      finalRound: 2,
      model: rawCid(modelsA[1]!),
      rounds: [
        {
          round: 1,
          baseModel: cidOf(`initial ${taskA}`),
          model: rawCid(modelsA[0]!),
          updates: [
            { index: 0, trainer: t0, update: cidOf('A r1 t0'), examples: 100, shards: [0] },
            { index: 1, trainer: t1, update: cidOf('A r1 t1'), examples: 100, shards: [1] },
          ],
        },
        {
          round: 2,
          baseModel: rawCid(modelsA[0]!),
          model: rawCid(modelsA[1]!),
          updates: [
            { index: 0, trainer: t0, update: cidOf('A r2 t0'), examples: 100, shards: [0, 2] },
            { index: 1, trainer: t1, update: cidOf('A r2 t1'), examples: 100, shards: [1] },
          ],
        },
      ],
      shards: [
        { id: 0, provider: providers[0]!.address, cid: cidOf('A shard 0'), examples: 500 },
        { id: 1, provider: providers[0]!.address, cid: cidOf('A shard 1'), examples: 700 },
        { id: 2, provider: providers[1]!.address, cid: cidOf('A shard 2'), examples: 900 },
      ],
    })
    // The same chain gives the same document, byte for byte.
    const again = await buildLineage(fx.protocol, sdkTraining(fx, taskA, trainingA))
    expect(await lineageCid(again)).toBe(await lineageCid(lineage))
  })

  test('only the proposer publishes, with a lineage digest, and only for a task that has a training', async () => {
    const lineage = await buildLineage(fx.protocol, sdkTraining(fx, taskA, trainingA))
    const digest = toOnChainDigest(await lineageCid(lineage)).digest
    expect(await log.expectRevert(publish(outsider, taskA, digest), 'NotProposer')).toEqual([outsider.address, actors.proposer.address])
    await log.expectRevert(publish(actors.proposer, taskA, zeroHash), 'ZeroDigest')
    expect(await log.expectRevert(publish(actors.proposer, 999n, digest), 'NoTraining')).toEqual([999n])
    expect(await getModelRecord(fx.protocol, taskA)).toBeUndefined()
    await expectDeaiError(verifyModelRecord(fx.protocol, taskA), 'MODEL_RECORD_NOT_FOUND')
  })

  test('the proposer publishes the record once; the chain gives the model and verifyModelRecord confirms the lineage', async () => {
    const lineage = await buildLineage(fx.protocol, sdkTraining(fx, taskA, trainingA))
    const { receipt, lineageCid: cid, lineageRoot: root } = await publishModel(fx.protocol, actors.proposer, { taskId: taskA, lineage, store })
    expect(receipt.gasUsed).toBeLessThan(160_000n)
    const [event] = parseEventLogs({ abi: modelRegistryAbi, eventName: 'ModelPublished', logs: receipt.logs })
    expect(event?.args).toEqual({
      taskId: taskA,
      training: trainingA.address,
      finalRound: 2n,
      modelDigest: modelsA[1]!,
      modelCodec: 0,
      lineageDigest: toOnChainDigest(cid).digest,
      lineageRoot: root,
    })
    const record = await getModelRecord(fx.protocol, taskA)
    const { timestamp } = await fx.ledger.client.getBlock({ blockNumber: receipt.blockNumber })
    expect(record).toEqual({ taskId: taskA, training: trainingA.address, finalRound: 2, modelCid: rawCid(modelsA[1]!), lineageCid: cid, lineageRoot: root, publishedAt: timestamp })
    expect(root).not.toBe(zeroHash)
    expect(await fx.ledger.client.readContract({ ...registry(), functionName: 'isPublished', args: [taskA] })).toBe(true)

    const check = await verifyModelRecord(fx.protocol, taskA)
    expect(check.mismatches).toEqual([])
    expect(check.valid).toBe(true)
    // Anyone can fetch the document by the recorded CID; it is the lineage the chain gives.
    expect(parseLineage(await store.getJson(cid))).toEqual(check.lineage)

    expect(await log.expectRevert(publish(actors.proposer, taskA, toOnChainDigest(cid).digest, root), 'AlreadyPublished')).toEqual([taskA])
  })

  test('a contributor proves its accepted update on chain; a changed leaf or a task without record does not verify', async () => {
    const { lineage } = await verifyModelRecord(fx.protocol, taskA)
    const verify = (taskId: bigint, contribution: ReturnType<typeof contributionProof>['contribution'], proof: Hex[]) =>
      fx.ledger.client.readContract({ ...registry(), functionName: 'verifyContribution', args: [taskId, contribution, proof] })
    const contributions = lineageContributions(lineage)
    expect(contributions).toHaveLength(4)
    for (const c of contributions) {
      const { contribution, proof } = contributionProof(lineage, c.round, c.index)
      expect(await verify(taskA, contribution, proof)).toBe(true)
    }
    const { contribution, proof } = contributionProof(lineage, 2, 0)
    expect(contribution.shardsHash).toBe(shardsHash([0, 2]))
    // Claiming one shard fewer, or a rejected update, does not verify.
    expect(await verify(taskA, { ...contribution, shardsHash: shardsHash([0]) }, proof)).toBe(false)
    expect(await verify(taskA, { ...contribution, round: 1, index: 2, trainer: trainers[2]!.address }, proof)).toBe(false)
    expect(await verify(999n, contribution, proof)).toBe(false)
  })
})

describe('ModelRegistry: trainings that end early', () => {
  test('a training that expired after round 1 records round 1\'s model; a tampered lineage is caught', async () => {
    const now = await fx.ledger.clock.now()
    const taskId = await openTask(fx, actors.proposer, verifiers, { label: 'model B', expiresAt: now + 3n * 24n * 3600n })
    await stakeAs(fx, providers[0]!, taskId, 'data-provider', parseEther('10'))
    await registerShard(fx.protocol, providers[0]!, { taskId, shardCid: cidOf('B shard 0'), examples: 10 })
    await registerShard(fx.protocol, providers[0]!, { taskId, shardCid: cidOf('B shard 1'), examples: 10 })
    await grantShard(fx.protocol, providers[0]!, { taskId, shardId: 0n, trainer: trainers[0]!.address })
    const training = await startTraining(fx, taskId, actors, trainingConfig({ rounds: 3 }))
    const model = await playRound(fx, training, actors, 1n, { updates: [{ trainer: trainers[0]!, label: 'B r1 t0' }], scores: [9000] })
    const lineage = await buildLineage(fx.protocol, sdkTraining(fx, taskId, training))
    expect(await log.expectRevert(publish(actors.proposer, taskId, toOnChainDigest(await lineageCid(lineage)).digest), 'TrainingNotFinished')).toEqual([training.address])

    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    await advancePast(fx, task.expiresAt)
    await writeContract(fx.ledger, actors.proposer, { ...training, functionName: 'finish', args: [] })

    // The proposer claims trainer 0 also used shard 1, which it was never granted.
    const tampered: Lineage = structuredClone(lineage)
    tampered.rounds[0]!.updates[0]!.shards = [0, 1]
    tampered.shards.push({ id: 1, provider: providers[0]!.address, cid: cidOf('B shard 1'), examples: 10 })
    await publishModel(fx.protocol, actors.proposer, { taskId, lineage: tampered, store })

    const check = await verifyModelRecord(fx.protocol, taskId)
    expect(check.record.finalRound).toBe(1)
    expect(check.record.modelCid).toBe(rawCid(model))
    expect(check.valid).toBe(false)
    expect(check.mismatches).toEqual([
      { field: 'lineageRoot', recorded: lineageRoot(tampered), rebuilt: lineageRoot(lineage) },
      { field: 'lineageCid', recorded: await lineageCid(tampered), rebuilt: await lineageCid(lineage) },
    ])
    expect(check.lineage).toEqual(lineage)
  })

  test('a training that expired before any model has no final model to publish', async () => {
    const now = await fx.ledger.clock.now()
    const taskId = await openTask(fx, actors.proposer, verifiers, { label: 'model C', expiresAt: now + 3n * 24n * 3600n })
    const training = await startTraining(fx, taskId, actors)
    await expectDeaiError(buildLineage(fx.protocol, sdkTraining(fx, taskId, training)), 'LINEAGE_NO_FINAL_MODEL')
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    await advancePast(fx, task.expiresAt)
    await writeContract(fx.ledger, actors.proposer, { ...training, functionName: 'finish', args: [] })
    expect(await log.expectRevert(publish(actors.proposer, taskId, digestOf('C lineage')), 'NoFinalModel')).toEqual([training.address])
  })

  test('the constructor rejects a zero factory', async () => {
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, fx.deployer, { abi: modelRegistryTestAbi, bytecode: modelRegistryBytecode, args })
    await log.expectRevert(deploy([zeroAddress]), 'ZeroAddress')
    await deploy([fx.protocol.deployment.contracts.trainingFactory])
  })
})

test('checklist: every ModelRegistry error has a test', () => {
  assertErrorChecklist(modelRegistryAbi, log, {
    covered: {
      ZeroAddress: 'the constructor rejects a zero factory',
      ZeroDigest: 'only the proposer publishes, with a lineage digest, and only for a task that has a training',
      NotProposer: 'only the proposer publishes, with a lineage digest, and only for a task that has a training',
      NoTraining: 'only the proposer publishes, with a lineage digest, and only for a task that has a training',
      AlreadyPublished: 'the proposer publishes the record once; the chain gives the model and verifyModelRecord confirms the lineage',
      TrainingNotFinished: 'a training that expired after round 1 records round 1\'s model; a tampered lineage is caught',
      NoFinalModel: 'a training that expired before any model has no final model to publish',
    },
  })
})
