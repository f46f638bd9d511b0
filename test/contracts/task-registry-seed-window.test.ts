import { beforeAll, describe, expect, test } from 'vitest'
import { getAddress, parseEther, parseEventLogs } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, verifierStake } from '../helpers/balances.js'
import { accountAt, createProtocolFixture, stakeManagerTestAbi } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { headBlock, mineUntilHead, stakeAs } from '../helpers/stake-flow.js'
import { bytes32Of, castVotes, committeeSeed, drawWindowOf, mineToSeed, proposeWithSecret, taskOf } from '../helpers/task-flow.js'

/**
 * When and from what a committee is drawn: the seed block opens a sortition epoch, the draw reads
 * that epoch's starting stake and must come within the draw window, after which the task can be
 * abandoned; drawn members' stake stays locked until the vote can be finalized.
 */

const log = createRevertLog()
const VERIFIER = roleId('verifier')
const EPOCH_BLOCKS = 32n
const DRAW_DELAY = 3
const DRAW_WINDOW = 8
const UNBONDING = 60n
const STAKE = parseEther('1000')
const STATUS = { Proposed: 1, Voting: 2, Abandoned: 6 } as const
const stakeManagerErrors = stakeManagerTestAbi.filter((item) => item.type === 'error')

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]

function attempt(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(() => 'ok', revertName)
}

function drawCommittee(taskId: bigint, secret: `0x${string}`, from = proposer) {
  return writeContract(fx.ledger, from, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
}

beforeAll(async () => {
  fx = await createProtocolFixture({ devAdmin: true,
    accounts: 12,
    params: { epochBlocks: EPOCH_BLOCKS, unbondingDelay: UNBONDING, tasks: { committeeSize: 3, drawDelayBlocks: DRAW_DELAY, drawWindowBlocks: DRAW_WINDOW } },
  })
  proposer = accountAt(fx, 1)
  verifiers = [2, 3, 4, 5, 6, 7].map((i) => accountAt(fx, i))
  for (const v of verifiers) await stakeAs(fx, v, 0n, VERIFIER, STAKE)
})

describe('TaskRegistry: the seed block and the draw window', () => {
  test('the seed block is the first block of a sortition epoch at least drawDelayBlocks after the proposal', async () => {
    // Proposals landing at every position around an epoch boundary.
    for (const offset of [-5n, -4n, -3n, -2n, -1n, 0n, 1n, 7n]) {
      const head = await headBlock(fx)
      const boundary = (head / EPOCH_BLOCKS + 2n) * EPOCH_BLOCKS
      // proposeWithSecret approves in one block and proposes in the next.
      await mineUntilHead(fx, boundary + offset - 2n)
      const taskId = await proposeWithSecret(fx, proposer, { secret: bytes32Of(`seed block ${offset}`) })
      const proposedAt = await headBlock(fx)
      expect(proposedAt).toBe(boundary + offset)
      const task = await taskOf(fx, taskId)
      const earliest = proposedAt + BigInt(DRAW_DELAY)
      const expectedSeed = ((earliest + EPOCH_BLOCKS - 1n) / EPOCH_BLOCKS) * EPOCH_BLOCKS
      expect(task.seedBlock, `proposed at ${proposedAt}`).toBe(expectedSeed)
      expect(task.seedBlock % EPOCH_BLOCKS).toBe(0n)
      expect(task.seedBlock - proposedAt).toBeGreaterThanOrEqual(BigInt(DRAW_DELAY))
      expect(task.seedBlock - proposedAt).toBeLessThan(BigInt(DRAW_DELAY) + EPOCH_BLOCKS)
      expect(task.snapshotEpoch).toBe(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'epochOf', args: [task.seedBlock] }))
      expect(task.snapshotEpoch).toBe(task.seedBlock / EPOCH_BLOCKS + 1n)
    }
  })

  test('the draw at the last block of the window uses the seed block\'s hash and the stake at the start of its epoch', async () => {
    const secret = bytes32Of('last block')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    const { seedBlock, lastBlock, snapshotEpoch } = await drawWindowOf(fx, taskId)
    expect(lastBlock).toBe(seedBlock + BigInt(DRAW_WINDOW))
    await mineToSeed(fx, taskId)
    const { hash } = await fx.ledger.client.getBlock({ blockNumber: seedBlock })
    const seed = committeeSeed(secret, hash, taskId)
    const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
    const predicted = await fx.ledger.client.readContract({
      ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, seed, BigInt(rules.committeeSize), proposer.address, rules.minVerifierStake, snapshotEpoch],
    })
    expect(predicted).toHaveLength(3)
    // After the seed is out: a drawn member leaves, another verifier triples, a newcomer stakes big.
    const leaver = verifiers.find((v) => v.address === predicted[0])!
    const outsider = verifiers.find((v) => !predicted.includes(v.address))!
    const newcomer = accountAt(fx, 8)
    await writeContract(fx.ledger, leaver, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, STAKE] })
    await stakeAs(fx, outsider, 0n, VERIFIER, 2n * STAKE)
    await stakeAs(fx, newcomer, 0n, VERIFIER, 50n * STAKE)

    await mineUntilHead(fx, lastBlock - 1n)
    const receipt = await drawCommittee(taskId, secret)
    expect(receipt.blockNumber).toBe(lastBlock)
    const [drawn] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'CommitteeDrawn', logs: receipt.logs })
    expect(drawn?.args.seed).toBe(seed)
    expect(drawn?.args.members).toEqual(predicted)
    expect((await taskOf(fx, taskId)).status).toBe(STATUS.Voting)
    // Restore the pool for the next tests.
    await stakeAs(fx, leaver, 0n, VERIFIER, STAKE)
    await writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, 50n * STAKE] })
  })

  test('with a window of 256 blocks, a draw 256 blocks after the seed block still uses its real hash', async () => {
    // BLOCKHASH reaches 256 blocks back: the longest window setParams allows ends exactly there.
    const local = await createProtocolFixture({ devAdmin: true, accounts: 6, params: { epochBlocks: 300n, tasks: { committeeSize: 3, drawWindowBlocks: 256 } } })
    try {
      const localProposer = accountAt(local, 1)
      for (const i of [2, 3, 4]) await stakeAs(local, accountAt(local, i), 0n, VERIFIER, STAKE)
      const secret = bytes32Of('edge of BLOCKHASH')
      const taskId = await proposeWithSecret(local, localProposer, { secret })
      const { seedBlock, lastBlock } = await drawWindowOf(local, taskId)
      expect(lastBlock - seedBlock).toBe(256n)
      await mineUntilHead(local, lastBlock - 1n)
      const receipt = await writeContract(local.ledger, localProposer, { ...local.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
      expect(receipt.blockNumber - seedBlock).toBe(256n)
      const [drawn] = parseEventLogs({ abi: local.taskRegistry.abi, eventName: 'CommitteeDrawn', logs: receipt.logs })
      const { hash } = await local.ledger.client.getBlock({ blockNumber: seedBlock })
      expect(drawn?.args.seed).toBe(committeeSeed(secret, hash, taskId))
      expect(drawn?.args.members).toHaveLength(3)
    } finally {
      await local.ledger.close()
    }
  })

  test('after the window the draw is refused and anyone may abandon: the budget goes back, the bond to the treasury', async () => {
    const secret = bytes32Of('window closes')
    const budget = parseEther('100')
    const before = await balanceOf(fx, proposer.address)
    const treasuryBefore = await balanceOf(fx, fx.treasury)
    const taskId = await proposeWithSecret(fx, proposer, { secret, budget })
    const { bond } = await taskOf(fx, taskId)
    const { lastBlock } = await drawWindowOf(fx, taskId)
    await mineUntilHead(fx, lastBlock - 1n)
    await log.expectRevert(writeContract(fx.ledger, verifiers[0]!, { ...fx.taskRegistry, functionName: 'abandon', args: [taskId] }), 'NotAbandoned')
    await fx.ledger.clock.mine(1)
    await log.expectRevert(drawCommittee(taskId, secret), 'DrawWindowClosed')
    const receipt = await writeContract(fx.ledger, verifiers[0]!, { ...fx.taskRegistry, functionName: 'abandon', args: [taskId] })
    const [abandoned] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskAbandoned', logs: receipt.logs })
    expect(abandoned?.args).toMatchObject({ taskId, refund: budget, bondForfeited: bond })
    expect((await taskOf(fx, taskId)).status).toBe(STATUS.Abandoned)
    expect(await balanceOf(fx, proposer.address)).toBe(before - bond)
    expect(await balanceOf(fx, fx.treasury)).toBe(treasuryBefore + bond)
  })
})

describe('TaskRegistry: drawn members\' stake is locked until the vote can be finalized', () => {
  test('each member is locked until the reveal deadline plus one reveal period; a member that unbonds cannot leave before', async () => {
    // Earlier draws' locks are long over.
    await fx.ledger.clock.advance(24n * 3600n)
    const secret = bytes32Of('locked members')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    await mineToSeed(fx, taskId)
    const position = (v: PrivateKeyAccount) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, v.address] })
    const before = new Map<Address, bigint>()
    for (const v of verifiers) before.set(v.address, (await position(v)).lockedUntil)
    const receipt = await drawCommittee(taskId, secret)
    const committee = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getCommittee', args: [taskId] })
    const task = await taskOf(fx, taskId)
    const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
    const lockedUntil = task.revealDeadline + rules.revealPeriod
    const locks = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Locked', logs: receipt.logs })
    expect(locks.map((e) => e.args)).toEqual(committee.map((owner) => ({ taskId: 0n, role: VERIFIER, owner, until: lockedUntil, stage: getAddress(fx.taskRegistry.address) })))
    for (const v of verifiers) {
      expect((await position(v)).lockedUntil, v.address).toBe(committee.includes(v.address) ? lockedUntil : before.get(v.address))
    }

    // Every member unbonds all its stake at once; a non-member does too. Past the unbonding
    // delay, only the non-member gets out.
    const keys = committee.map((m) => verifiers.find((v) => v.address === m)!)
    const outsider = verifiers.find((v) => !committee.includes(v.address))!
    for (const k of [...keys, outsider]) {
      const { active } = await position(k)
      await writeContract(fx.ledger, k, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, active] })
    }
    await fx.ledger.clock.advance(UNBONDING)
    await writeContract(fx.ledger, outsider, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
    for (const k of keys) await log.expectRevert(writeContract(fx.ledger, k, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] }), 'PositionLocked')

    // The one member that does not reveal is slashed from its unbonding stake at finalize (all of
    // it unbonds now, including any left from earlier tests on this fixture).
    const held = new Map<Address, bigint>()
    for (const k of keys) held.set(k.address, await verifierStake(fx, k.address))
    await castVotes(fx, taskId, keys.map((key, i) => ({ key, vote: i === 0 ? 'absent' as const : 'approve' as const })))
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    const silent = held.get(keys[0]!.address)!
    const kept = silent - (silent * BigInt(rules.slashBps)) / 10_000n
    expect(await verifierStake(fx, keys[0]!.address)).toBe(kept)
    await fx.ledger.clock.advance(lockedUntil - (await fx.ledger.clock.now()))
    for (const [i, k] of keys.entries()) {
      const balance = await balanceOf(fx, k.address)
      await writeContract(fx.ledger, k, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
      expect(await balanceOf(fx, k.address)).toBe(balance + (i === 0 ? kept : held.get(k.address)!))
    }
  })
})

describe('TaskRegistry: defects found while testing the draw', () => {
  test('every parameter set setParams accepts lets a committee be drawn (here: periods whose member lock exceeds MAX_LOCK)', async () => {
    // Members are locked until revealDeadline + revealPeriod; StakeManager refuses locks beyond
    // MAX_LOCK. setParams bounds each period to a year, so every draw it allows can lock.
    const year = 365n * 24n * 3600n
    const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
    const long = { ...rules, commitPeriod: 2n * year, revealPeriod: year + 1n }
    const accepted = await attempt(writeContract(fx.ledger, fx.deployer, { ...fx.taskRegistry, functionName: 'setParams', args: [long] }))
    try {
      if (accepted === 'ok') {
        const secret = bytes32Of('long periods')
        const taskId = await proposeWithSecret(fx, proposer, { secret, expiresAt: (await fx.ledger.clock.now()) + 5n * year })
        await mineToSeed(fx, taskId)
        // Decode StakeManager's errors too: the draw's revert comes from StakeManager.lock.
        const registry = { address: fx.taskRegistry.address, abi: [...fx.taskRegistry.abi, ...stakeManagerErrors] }
        expect(await attempt(writeContract(fx.ledger, proposer, { ...registry, functionName: 'drawCommittee', args: [taskId, secret] })), 'the draw under parameters setParams accepted').toBe('ok')
      } else {
        expect(accepted).toBe('InvalidParams')
      }
    } finally {
      if (accepted === 'ok') await writeContract(fx.ledger, fx.deployer, { ...fx.taskRegistry, functionName: 'setParams', args: [rules] })
    }
  })

  test('every member drawn still holds, locked, the stake it was drawn for (here: a position migrated to a new key after the epoch began)', async () => {
    // The draw reads the epoch snapshot, so a rotated owner whose stake moved to its new key after
    // the epoch began can still be drawn: the seat, the lock and any slash follow the rotation to
    // the position that now holds the stake, and only the new key may vote for the seat.
    const local = await createProtocolFixture({ devAdmin: true,
      accounts: 8,
      params: { epochBlocks: EPOCH_BLOCKS, rotationDelay: 30n, tasks: { committeeSize: 3, drawDelayBlocks: DRAW_DELAY, drawWindowBlocks: DRAW_WINDOW } },
    })
    try {
      const [localProposer, rotating, v1, v2, newKey, anyone] = [1, 2, 3, 4, 5, 6].map((i) => accountAt(local, i)) as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
      for (const v of [rotating, v1, v2]) await stakeAs(local, v, 0n, VERIFIER, STAKE)
      await writeContract(local.ledger, rotating, { ...local.stakeManager, functionName: 'requestRotation', args: [newKey.address] })
      await local.ledger.clock.advance(30n)
      await writeContract(local.ledger, newKey, { ...local.stakeManager, functionName: 'completeRotation', args: [rotating.address] })

      const secret = bytes32Of('migrated member')
      const taskId = await proposeWithSecret(local, localProposer, { secret })
      const { seedBlock } = await drawWindowOf(local, taskId)
      // The migration lands in the seed block: after the snapshot, before the seed is known.
      await mineUntilHead(local, seedBlock - 1n)
      const migrated = await attempt(writeContract(local.ledger, anyone, { ...local.stakeManager, functionName: 'migratePosition', args: [0n, VERIFIER, rotating.address] }))
      await mineToSeed(local, taskId)
      await writeContract(local.ledger, localProposer, { ...local.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
      const committee: readonly Address[] = await local.ledger.client.readContract({ ...local.taskRegistry, functionName: 'getCommittee', args: [taskId] })
      expect(migrated).toBe('ok')
      const task = await local.ledger.client.readContract({ ...local.taskRegistry, functionName: 'getTask', args: [taskId] })
      const rules = await local.ledger.client.readContract({ ...local.taskRegistry, functionName: 'params' })
      for (const member of committee) {
        const drawnFor = await local.ledger.client.readContract({ ...local.stakeManager, functionName: 'stakeAt', args: [0n, VERIFIER, member, seedBlock - 1n] })
        const holder = await local.ledger.client.readContract({ ...local.stakeManager, functionName: 'currentOwner', args: [member] })
        const held = await local.ledger.client.readContract({ ...local.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, holder] })
        expect(held.active + held.unbonding, `member ${member} (held by ${holder})`).toBeGreaterThanOrEqual(drawnFor)
        expect(held.lockedUntil).toBe(task.revealDeadline + rules.revealPeriod)
      }
      // Three verifiers, a committee of three: the rotated owner holds a seat. Its old key is
      // presumed lost: only the new key votes for the seat.
      expect(committee).toContain(rotating.address)
      await log.expectRevert(writeContract(local.ledger, rotating, { ...local.taskRegistry, functionName: 'commitVote', args: [taskId, bytes32Of('old key')] }), 'NotCommitteeMember')
      await writeContract(local.ledger, newKey, { ...local.taskRegistry, functionName: 'commitVote', args: [taskId, bytes32Of('new key')] })
    } finally {
      await local.ledger.close()
    }
  })
})
