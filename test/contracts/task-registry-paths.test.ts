import { describe, expect, test } from 'vitest'
import { parseEther, parseEventLogs, stringToHex } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, rewardsOf, verifierStake } from '../helpers/balances.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { mineUntilHead } from '../helpers/stake-flow.js'
import { advancePast, bytes32Of, castVotes, drawWindowOf, drawWithSecret, proposeWithSecret } from '../helpers/task-flow.js'
import type { VotePlan } from '../helpers/task-flow.js'

const RULES = {
  committeeSize: 5,
  quorumBps: 6000,
  approvalBps: 5000,
  slashBps: 1000,
  drawDelayBlocks: 2,
  drawWindowBlocks: 64,
  commitPeriod: 3600n,
  revealPeriod: 3600n,
  minBond: parseEther('100'),
  fee: parseEther('10'),
  minVerifierStake: parseEther('100'),
}
const BUDGET = parseEther('100')
const BOND = RULES.minBond
const STAKE = parseEther('1000')
const SLASHED = (STAKE * BigInt(RULES.slashBps)) / 10_000n

const STATUS = { Proposed: 1, Voting: 2, Open: 3, Rejected: 4, Failed: 5, Abandoned: 6, Closed: 7 } as const

type Setup = { fx: ProtocolFixture; proposer: PrivateKeyAccount; verifiers: PrivateKeyAccount[] }

/** A fresh chain with `stakes.length` verifiers (accounts 2...) staked as given. */
async function setup(stakes: readonly bigint[] = [STAKE, STAKE, STAKE, STAKE, STAKE], rules: Partial<typeof RULES> = {}): Promise<Setup> {
  const fx = await createProtocolFixture({ accounts: 3 + stakes.length, params: { tasks: { ...RULES, ...rules } }, devAdmin: true })
  const verifiers = stakes.map((_, i) => accountAt(fx, 2 + i))
  for (const [i, v] of verifiers.entries()) {
    const amount = stakes[i] ?? 0n
    await writeContract(fx.ledger, v, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, amount] })
    await writeContract(fx.ledger, v, { ...fx.stakeManager, functionName: 'stake', args: [0n, roleId('verifier'), amount] })
  }
  return { fx, proposer: accountAt(fx, 1), verifiers }
}

/** Proposes and draws; returns the task id and the committee's keys in committee order. */
async function drawnTask(s: Setup, label: string): Promise<{ taskId: bigint; members: PrivateKeyAccount[] }> {
  const secret = bytes32Of(label)
  const taskId = await proposeWithSecret(s.fx, s.proposer, { secret, budget: BUDGET, bond: BOND })
  const { committee } = await drawWithSecret(s.fx, s.proposer, taskId, secret)
  const members = committee.map((m) => {
    const key = s.verifiers.find((v) => v.address === m)
    if (key === undefined) throw new Error(`${m} is not a test verifier`)
    return key
  })
  return { taskId, members }
}

async function task(fx: ProtocolFixture, taskId: bigint) {
  return fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
}

/** The money invariants that hold between any two transactions. */
async function expectBooksBalanced(fx: ProtocolFixture, escrowed: bigint): Promise<void> {
  const [held, staked, unclaimed, registryHeld] = await Promise.all([
    balanceOf(fx, fx.stakeManager.address),
    fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'totalStaked' }),
    fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'totalUnclaimed' }),
    balanceOf(fx, fx.taskRegistry.address),
  ])
  expect(held).toBe(staked + unclaimed)
  expect(registryHeld).toBe(escrowed)
}

async function votes(s: Setup, taskId: bigint, members: readonly PrivateKeyAccount[], plan: readonly VotePlan[]): Promise<void> {
  await castVotes(s.fx, taskId, members.map((key, i) => ({ key, vote: plan[i] ?? 'absent' })))
}

describe('TaskRegistry: how a vote ends', () => {
  test('rejected: budget refunded minus the fee, bond and fee shared by the majority, approvers slashed', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const { taskId, members } = await drawnTask(s, 'reject')
    expect(members).toHaveLength(5)
    const proposerBefore = await balanceOf(fx, proposer.address)
    const treasuryBefore = await balanceOf(fx, fx.treasury)
    await votes(s, taskId, members, ['approve', 'approve', 'reject', 'reject', 'reject'])
    const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })

    const [rejected] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskRejected', logs: receipt.logs })
    expect(rejected?.args).toMatchObject({ taskId, approvals: 2n, rejections: 3n, refund: BUDGET - RULES.fee })
    expect((await task(fx, taskId)).status).toBe(STATUS.Rejected)
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + BUDGET - RULES.fee)

    const pot = RULES.fee + BOND
    const share = pot / 3n
    const dust = pot - share * 3n
    expect(dust).toBeGreaterThan(0n) // 110 DEAI does not split evenly in three
    for (const approver of members.slice(0, 2)) {
      expect(await verifierStake(fx, approver.address)).toBe(STAKE - SLASHED)
      expect(await rewardsOf(fx, approver.address)).toBe(0n)
    }
    for (const rejecter of members.slice(2)) {
      expect(await verifierStake(fx, rejecter.address)).toBe(STAKE)
      expect(await rewardsOf(fx, rejecter.address)).toBe(share)
    }
    expect(await balanceOf(fx, fx.treasury)).toBe(treasuryBefore + 2n * SLASHED + dust)
    const slashes = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs })
    const minority = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'REASON_MINORITY' })
    expect(slashes.map((e) => [e.args.owner, e.args.reason, e.args.evidence])).toEqual(
      members.slice(0, 2).map((m) => [m.address, minority, `0x${taskId.toString(16).padStart(64, '0')}`]),
    )
    await expectBooksBalanced(fx, 0n)
  })

  test('approved over a minority: bond returned, fee to the approvers, the rejecter slashed', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const { taskId, members } = await drawnTask(s, 'approve')
    const proposerBefore = await balanceOf(fx, proposer.address)
    await votes(s, taskId, members, ['approve', 'approve', 'approve', 'approve', 'reject'])
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    const t = await task(fx, taskId)
    expect(t.status).toBe(STATUS.Open)
    expect(t.budget).toBe(BUDGET - RULES.fee)
    expect(t.bond).toBe(0n)
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + BOND)
    for (const approver of members.slice(0, 4)) expect(await rewardsOf(fx, approver.address)).toBe(RULES.fee / 4n)
    expect(await verifierStake(fx, members[4]!.address)).toBe(STAKE - SLASHED)
    await expectBooksBalanced(fx, BUDGET - RULES.fee)
  })

  test('a tie is not an approval: approvals must be strictly above the threshold', async () => {
    const s = await setup()
    const { taskId, members } = await drawnTask(s, 'tie')
    await votes(s, taskId, members, ['approve', 'approve', 'reject', 'reject', 'absent'])
    await writeContract(s.fx.ledger, s.proposer, { ...s.fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    expect((await task(s.fx, taskId)).status).toBe(STATUS.Rejected)
    // The absent member is slashed as a non-revealer, the approvers as the minority.
    expect(await verifierStake(s.fx, members[4]!.address)).toBe(STAKE - SLASHED)
    expect(await verifierStake(s.fx, members[0]!.address)).toBe(STAKE - SLASHED)
  })

  test('no quorum: everything refunded, the members who did not reveal slashed, nobody paid', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const { taskId, members } = await drawnTask(s, 'no quorum')
    const proposerBefore = await balanceOf(fx, proposer.address)
    const treasuryBefore = await balanceOf(fx, fx.treasury)
    // 2 of 5 reveal; the quorum is 60%, so 3 are needed.
    await votes(s, taskId, members, ['approve', 'reject', 'commit-only', 'absent', 'absent'])
    const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    const [failed] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskFailed', logs: receipt.logs })
    expect(failed?.args.refund).toBe(BUDGET + BOND)
    expect(failed?.args.reason).toBe(stringToHex('NO_QUORUM', { size: 32 }))
    expect((await task(fx, taskId)).status).toBe(STATUS.Failed)
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + BUDGET + BOND)
    for (const revealer of members.slice(0, 2)) expect(await verifierStake(fx, revealer.address)).toBe(STAKE)
    for (const silent of members.slice(2)) expect(await verifierStake(fx, silent.address)).toBe(STAKE - SLASHED)
    for (const m of members) expect(await rewardsOf(fx, m.address)).toBe(0n)
    expect(await balanceOf(fx, fx.treasury)).toBe(treasuryBefore + 3n * SLASHED)
    await expectBooksBalanced(fx, 0n)
  })

  test('nobody reveals: refunded, and the whole committee is slashed', async () => {
    const s = await setup()
    const { taskId, members } = await drawnTask(s, 'silence')
    await votes(s, taskId, members, ['absent', 'absent', 'absent', 'absent', 'absent'])
    await writeContract(s.fx.ledger, s.proposer, { ...s.fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    expect((await task(s.fx, taskId)).status).toBe(STATUS.Failed)
    for (const m of members) expect(await verifierStake(s.fx, m.address)).toBe(STAKE - SLASHED)
    await expectBooksBalanced(s.fx, 0n)
  })
})

describe('TaskRegistry: tasks that never reach a vote', () => {
  test('too few eligible verifiers: the task fails at the draw with a full refund', async () => {
    // Two verifiers at the registry's minimum, one below it: 2 of 5 cannot reach a 60% quorum.
    const s = await setup([STAKE, STAKE, parseEther('200')], { minVerifierStake: parseEther('500') })
    const { fx, proposer } = s
    const secret = bytes32Of('too few')
    const before = await balanceOf(fx, proposer.address)
    const taskId = await proposeWithSecret(fx, proposer, { secret, budget: BUDGET, bond: BOND })
    const { receipt, committee } = await drawWithSecret(fx, proposer, taskId, secret)
    expect(committee).toEqual([])
    const [failed] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskFailed', logs: receipt.logs })
    expect(failed?.args).toMatchObject({ reason: stringToHex('TOO_FEW_VERIFIERS', { size: 32 }), refund: BUDGET + BOND })
    expect((await task(fx, taskId)).status).toBe(STATUS.Failed)
    expect(await balanceOf(fx, proposer.address)).toBe(before)
    await expectBooksBalanced(fx, 0n)
  })

  test('no verifiers at all: the task fails at the draw', async () => {
    const s = await setup([])
    const secret = bytes32Of('nobody')
    const taskId = await proposeWithSecret(s.fx, s.proposer, { secret })
    await drawWithSecret(s.fx, s.proposer, taskId, secret)
    expect((await task(s.fx, taskId)).status).toBe(STATUS.Failed)
  })

  test('abandoned: once the draw window has passed, the budget goes back and the bond to the treasury', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const before = await balanceOf(fx, proposer.address)
    const treasuryBefore = await balanceOf(fx, fx.treasury)
    const taskId = await proposeWithSecret(fx, proposer, { secret: bytes32Of('abandoned'), budget: BUDGET, bond: BOND })
    const { lastBlock } = await drawWindowOf(fx, taskId)
    await mineUntilHead(fx, lastBlock)
    const receipt = await writeContract(fx.ledger, accountAt(fx, 2), { ...fx.taskRegistry, functionName: 'abandon', args: [taskId] })
    const [abandoned] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskAbandoned', logs: receipt.logs })
    expect(abandoned?.args).toMatchObject({ refund: BUDGET, bondForfeited: BOND })
    expect((await task(fx, taskId)).status).toBe(STATUS.Abandoned)
    expect(await balanceOf(fx, proposer.address)).toBe(before - BOND)
    expect(await balanceOf(fx, fx.treasury)).toBe(treasuryBefore + BOND)
    await expectBooksBalanced(fx, 0n)
  })
})

describe('TaskRegistry: open tasks', () => {
  test('a stage pays out of the budget; after expiry, close returns the rest to the proposer', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const { taskId, members } = await drawnTask(s, 'open')
    await votes(s, taskId, members, ['approve', 'approve', 'approve', 'approve', 'approve'])
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    const stage = accountAt(fx, 2)
    const worker = accountAt(fx, 3)
    const stageRole = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'STAGE_ROLE' })
    await writeContract(fx.ledger, fx.deployer, { ...fx.taskRegistry, functionName: 'grantRole', args: [stageRole, stage.address] })

    const workerBefore = await balanceOf(fx, worker.address)
    const receipt = await writeContract(fx.ledger, stage, { ...fx.taskRegistry, functionName: 'releaseBudget', args: [taskId, worker.address, parseEther('30')] })
    const [released] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'BudgetReleased', logs: receipt.logs })
    expect(released?.args).toMatchObject({ taskId, to: worker.address, amount: parseEther('30'), stage: stage.address })
    expect(await balanceOf(fx, worker.address)).toBe(workerBefore + parseEther('30'))
    const left = BUDGET - RULES.fee - parseEther('30')
    expect((await task(fx, taskId)).budget).toBe(left)
    await expectBooksBalanced(fx, left)

    const proposerBefore = await balanceOf(fx, proposer.address)
    await advancePast(fx, (await task(fx, taskId)).expiresAt)
    await writeContract(fx.ledger, worker, { ...fx.taskRegistry, functionName: 'close', args: [taskId] })
    const t = await task(fx, taskId)
    expect(t.status).toBe(STATUS.Closed)
    expect(t.budget).toBe(0n)
    expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + left)
    await expectBooksBalanced(fx, 0n)
  })

  test('a task whose budget was spent closes with nothing to refund', async () => {
    const s = await setup()
    const { fx, proposer } = s
    const { taskId, members } = await drawnTask(s, 'spent')
    await votes(s, taskId, members, ['approve', 'approve', 'approve', 'absent', 'absent'])
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    const stageRole = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'STAGE_ROLE' })
    await writeContract(fx.ledger, fx.deployer, { ...fx.taskRegistry, functionName: 'grantRole', args: [stageRole, fx.deployer.address] })
    await writeContract(fx.ledger, fx.deployer, { ...fx.taskRegistry, functionName: 'releaseBudget', args: [taskId, proposer.address, BUDGET - RULES.fee] })
    await advancePast(fx, (await task(fx, taskId)).expiresAt)
    const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'close', args: [taskId] })
    const [closed] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskClosed', logs: receipt.logs })
    expect(closed?.args.refund).toBe(0n)
    expect((await task(fx, taskId)).status).toBe(STATUS.Closed)
  })
})
