import { beforeAll, describe, expect, test } from 'vitest'
import { parseEther, parseEventLogs, zeroAddress, zeroHash } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { getGrantedShards } from '../../src/ledger/actions/data/get-granted-shards.js'
import { grantShard } from '../../src/ledger/actions/data/grant-shard.js'
import { listShards } from '../../src/ledger/actions/data/list-shards.js'
import { registerShard } from '../../src/ledger/actions/data/register-shard.js'
import { dataRegistryAbi, dataRegistryBytecode } from '../../src/ledger/contracts/generated/DataRegistry.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { cidOf, dataRegistryTestAbi } from '../helpers/stages-flow.js'
import { bytes32Of, proposeWithSecret } from '../helpers/task-flow.js'
import { CODEC, digestOf, openTask, stakeAs, stakeVerifiers } from '../helpers/training-flow.js'

/**
 * DataRegistry: shards registered by staked providers (directly or through an operator key),
 * granted to trainers by their provider only, listed per task and per trainer; every custom
 * error raised by a named test.
 */

const log = createRevertLog()
const DATA_PROVIDER = roleId('data-provider')

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let providers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let operator: PrivateKeyAccount
let outsider: PrivateKeyAccount
let tasks = 0

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 14, params: { tasks: { committeeSize: 3 }, operatorDelay: 60n } })
  proposer = accountAt(fx, 1)
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  providers = [5, 6, 7].map((i) => accountAt(fx, i))
  trainers = [8, 9, 10].map((i) => accountAt(fx, i))
  operator = accountAt(fx, 11)
  outsider = accountAt(fx, 12)
  await stakeVerifiers(fx, verifiers)
})

const registry = () => ({ address: fx.protocol.dataRegistry.address, abi: dataRegistryTestAbi })

/** A fresh open task where providers 0 and 1 hold the minimum data-provider stake (10 DEAI). */
async function openDataTask(): Promise<bigint> {
  const taskId = await openTask(fx, proposer, verifiers, { label: `data ${tasks++}` })
  for (const p of providers.slice(0, 2)) await stakeAs(fx, p, taskId, 'data-provider', parseEther('10'))
  return taskId
}

function register(key: PrivateKeyAccount, taskId: bigint, digest: `0x${string}`, examples = 1000, codec: number = CODEC.raw) {
  return writeContract(fx.ledger, key, { ...registry(), functionName: 'registerShard', args: [taskId, digest, codec, examples] })
}

function grant(key: PrivateKeyAccount, taskId: bigint, shardId: bigint, trainer: Address) {
  return writeContract(fx.ledger, key, { ...registry(), functionName: 'grantShard', args: [taskId, shardId, trainer] })
}

describe('DataRegistry: shards and grants', () => {
  test('providers register shards with provenance events; shards list by task with their CIDs', async () => {
    const taskId = await openDataTask()
    const a = await registerShard(fx.protocol, providers[0]!, { taskId, shardCid: cidOf('shard a'), examples: 6000 })
    const b = await registerShard(fx.protocol, providers[1]!, { taskId, shardCid: cidOf('shard b'), examples: 4000 })
    const c = await registerShard(fx.protocol, providers[0]!, { taskId, shardCid: cidOf('shard c'), examples: 1 })
    expect([a.shardId, b.shardId, c.shardId]).toEqual([0n, 1n, 2n])

    const [event] = parseEventLogs({ abi: dataRegistryAbi, eventName: 'ShardRegistered', logs: b.receipt.logs })
    expect(event?.args).toEqual({ taskId, shardId: 1n, provider: providers[1]!.address, digest: digestOf('shard b'), codec: CODEC.raw, examples: 4000 })
    // When: the event's block.
    expect(event?.blockNumber).toBe(b.receipt.blockNumber)

    const shards = await listShards(fx.protocol, taskId)
    expect(shards.map((s) => [s.id, s.provider, s.cid, s.examples])).toEqual([
      [0n, providers[0]!.address, cidOf('shard a'), 6000],
      [1n, providers[1]!.address, cidOf('shard b'), 4000],
      [2n, providers[0]!.address, cidOf('shard c'), 1],
    ])
    const read = fx.ledger.client.readContract
    expect(await read({ ...registry(), functionName: 'shardCount', args: [taskId] })).toBe(3n)
    expect(await read({ ...registry(), functionName: 'shardByDigest', args: [taskId, digestOf('shard c')] })).toEqual([true, 2n])
    expect(await read({ ...registry(), functionName: 'shardByDigest', args: [taskId, digestOf('nothing')] })).toEqual([false, 0n])
    expect((await read({ ...registry(), functionName: 'getShard', args: [taskId, 1n] })).provider).toBe(providers[1]!.address)
    // Shards are per task: another task starts from 0 and may hold the same content.
    const other = await openDataTask()
    expect((await registerShard(fx.protocol, providers[1]!, { taskId: other, shardCid: cidOf('shard a'), examples: 10 })).shardId).toBe(0n)
    expect(await listShards(fx.protocol, taskId)).toHaveLength(3)
  })

  test('a provider grants its shards to trainers; grants list per trainer and are final', async () => {
    const taskId = await openDataTask()
    for (const label of ['g0', 'g1']) await registerShard(fx.protocol, providers[0]!, { taskId, shardCid: cidOf(label), examples: 100 })
    await registerShard(fx.protocol, providers[1]!, { taskId, shardCid: cidOf('g2'), examples: 100 })

    const receipt = await grantShard(fx.protocol, providers[0]!, { taskId, shardId: 1n, trainer: trainers[0]!.address })
    const [event] = parseEventLogs({ abi: dataRegistryAbi, eventName: 'ShardGranted', logs: receipt.logs })
    expect(event?.args).toEqual({ taskId, shardId: 1n, trainer: trainers[0]!.address, provider: providers[0]!.address })
    await grantShard(fx.protocol, providers[1]!, { taskId, shardId: 2n, trainer: trainers[0]!.address })
    await grantShard(fx.protocol, providers[0]!, { taskId, shardId: 0n, trainer: trainers[0]!.address })
    await grantShard(fx.protocol, providers[0]!, { taskId, shardId: 0n, trainer: trainers[1]!.address })

    expect(await getGrantedShards(fx.protocol, taskId, trainers[0]!.address)).toEqual([1n, 2n, 0n])
    expect(await getGrantedShards(fx.protocol, taskId, trainers[1]!.address)).toEqual([0n])
    expect(await getGrantedShards(fx.protocol, taskId, trainers[2]!.address)).toEqual([])
    const isGranted = (shardId: bigint, trainer: Address) => fx.ledger.client.readContract({ ...registry(), functionName: 'isGranted', args: [taskId, shardId, trainer] })
    expect(await Promise.all([isGranted(0n, trainers[1]!.address), isGranted(1n, trainers[1]!.address), isGranted(2n, trainers[0]!.address)])).toEqual([true, false, true])
  })

  test('an operator key registers and grants for its owner, who is the provider on record', async () => {
    const taskId = await openDataTask()
    const owner = providers[0]!
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'setOperator', args: [taskId, DATA_PROVIDER, operator.address] })
    await writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'acceptOperator', args: [taskId, DATA_PROVIDER, owner.address] })
    await fx.ledger.clock.advance(61n)
    const { shardId } = await registerShard(fx.protocol, operator, { taskId, shardCid: cidOf('by operator'), examples: 50 })
    expect((await listShards(fx.protocol, taskId))[Number(shardId)]?.provider).toBe(owner.address)
    await grantShard(fx.protocol, operator, { taskId, shardId, trainer: trainers[2]!.address })
    expect(await getGrantedShards(fx.protocol, taskId, trainers[2]!.address)).toEqual([shardId])
    // The owner's own key no longer works for it in this pool.
    expect(await log.expectRevert(register(owner, taskId, digestOf('by owner')), 'NotStaked')).toEqual([zeroAddress, 0n, parseEther('10')])
  })
})

describe('DataRegistry: errors', () => {
  test('the constructor rejects zero addresses', async () => {
    const { taskRegistry, stakeManager } = fx.protocol.deployment.contracts
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, fx.deployer, { abi: dataRegistryTestAbi, bytecode: dataRegistryBytecode, args })
    await log.expectRevert(deploy([zeroAddress, stakeManager, 0n]), 'ZeroAddress')
    await log.expectRevert(deploy([taskRegistry, zeroAddress, 0n]), 'ZeroAddress')
    await deploy([taskRegistry, stakeManager, 0n])
  })

  test('registerShard needs an open task, a digest, examples, a staked provider and new content', async () => {
    const taskId = await openDataTask()
    await log.expectRevert(register(providers[0]!, taskId, zeroHash), 'ZeroDigest')
    await log.expectRevert(register(providers[0]!, taskId, digestOf('x'), 0), 'ZeroExamples')
    expect(await log.expectRevert(register(providers[0]!, 999n, digestOf('x')), 'UnknownTask')).toEqual([999n])
    const proposed = await proposeWithSecret(fx, proposer, { secret: bytes32Of(`data proposed ${tasks++}`) })
    expect(await log.expectRevert(register(providers[0]!, proposed, digestOf('x')), 'TaskNotOpen')).toEqual([proposed, 1])
    // No stake, then too little stake (the protocol's minimum is 10 DEAI).
    expect(await log.expectRevert(register(providers[2]!, taskId, digestOf('x')), 'NotStaked')).toEqual([providers[2]!.address, 0n, parseEther('10')])
    await stakeAs(fx, providers[2]!, taskId, 'data-provider', parseEther('5'))
    expect(await log.expectRevert(register(providers[2]!, taskId, digestOf('x')), 'NotStaked')).toEqual([providers[2]!.address, parseEther('5'), parseEther('10')])
    await stakeAs(fx, providers[2]!, taskId, 'data-provider', parseEther('5'))
    await register(providers[2]!, taskId, digestOf('x'))
    // The same content twice, by anyone and with any codec, is one shard.
    expect(await log.expectRevert(register(providers[0]!, taskId, digestOf('x'), 10, CODEC.dagPb), 'DuplicateShard')).toEqual([taskId, 0n])
  })

  test('grantShard needs a trainer, a known shard, its provider, and a new grant', async () => {
    const taskId = await openDataTask()
    await register(providers[0]!, taskId, digestOf('y'))
    await log.expectRevert(grant(providers[0]!, taskId, 0n, zeroAddress), 'ZeroAddress')
    expect(await log.expectRevert(grant(providers[0]!, taskId, 1n, trainers[0]!.address), 'UnknownShard')).toEqual([taskId, 1n])
    expect(await log.expectRevert(grant(providers[1]!, taskId, 0n, trainers[0]!.address), 'NotProvider')).toEqual([providers[1]!.address, providers[0]!.address])
    // Neither the proposer nor an unstaked outsider can widen access to someone's data.
    await log.expectRevert(grant(proposer, taskId, 0n, trainers[0]!.address), 'NotProvider')
    await log.expectRevert(grant(outsider, taskId, 0n, outsider.address), 'NotProvider')
    await grant(providers[0]!, taskId, 0n, trainers[0]!.address)
    expect(await log.expectRevert(grant(providers[0]!, taskId, 0n, trainers[0]!.address), 'AlreadyGranted')).toEqual([taskId, 0n, trainers[0]!.address])
  })
})

test('checklist: every DataRegistry error has a test', () => {
  assertErrorChecklist(dataRegistryAbi, log, {
    covered: {
      ZeroAddress: 'grantShard needs a trainer, a known shard, its provider, and a new grant',
      UnknownTask: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      TaskNotOpen: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      ZeroDigest: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      ZeroExamples: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      NotStaked: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      DuplicateShard: 'registerShard needs an open task, a digest, examples, a staked provider and new content',
      UnknownShard: 'grantShard needs a trainer, a known shard, its provider, and a new grant',
      NotProvider: 'grantShard needs a trainer, a known shard, its provider, and a new grant',
      AlreadyGranted: 'grantShard needs a trainer, a known shard, its provider, and a new grant',
    },
  })
})
