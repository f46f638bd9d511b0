import { writeByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { encodeFunctionData, getAddress, parseEther, zeroAddress } from 'viem'
import type { Address, ContractFunctionArgs, ContractFunctionName, Hex, PrivateKeyAccount } from 'viem'
import { seedCommitment } from '../../src/ledger/internal/task-secrets.js'
import { stakeManagerAbi, stakeManagerBytecode } from '../../src/ledger/contracts/generated/StakeManager.js'
import { taskRegistryAbi, taskRegistryBytecode } from '../../src/ledger/contracts/generated/TaskRegistry.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { accountAt, createProtocolFixture, taskRegistryTestAbi } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { mineUntilHead } from '../helpers/stake-flow.js'
import {
  advancePast,
  ballot,
  bytes32Of,
  commitmentOf,
  commitVote,
  drawWindowOf,
  drawWithSecret,
  endCommitPhase,
  endRevealPhase,
  mineToSeed,
  proposeWithSecret,
  revealVote,
} from '../helpers/task-flow.js'

const RULES = {
  committeeSize: 3,
  quorumBps: 6000,
  approvalBps: 5000,
  slashBps: 1000,
  drawDelayBlocks: 2,
  drawWindowBlocks: 16,
  commitPeriod: 3600n,
  revealPeriod: 3600n,
  minBond: parseEther('100'),
  fee: parseEther('10'),
  minVerifierStake: parseEther('100'),
}
type Rules = typeof RULES
const EPOCH_BLOCKS = 128n

/** Each parameter check of the constructor and setParams, and what it reports. */
const INVALID_RULES: [Partial<Rules>, string][] = [
  [{ committeeSize: 0 }, 'committeeSize'],
  [{ committeeSize: 33 }, 'committeeSize'],
  [{ quorumBps: 0 }, 'quorumBps'],
  [{ quorumBps: 10_001 }, 'quorumBps'],
  [{ approvalBps: 10_000 }, 'approvalBps'],
  [{ slashBps: 10_001 }, 'slashBps'],
  [{ drawDelayBlocks: 0 }, 'drawDelayBlocks'],
  [{ drawDelayBlocks: 257 }, 'drawDelayBlocks'],
  [{ drawWindowBlocks: 0 }, 'drawWindowBlocks'],
  [{ drawWindowBlocks: 257 }, 'drawWindowBlocks'],
  // The whole window must fit in one sortition epoch (EPOCH_BLOCKS).
  [{ drawWindowBlocks: Number(EPOCH_BLOCKS) }, 'drawWindowBlocks'],
  [{ commitPeriod: 0n }, 'period'],
  [{ revealPeriod: 0n }, 'period'],
]

type Writable = ContractFunctionName<typeof taskRegistryTestAbi, 'nonpayable' | 'payable'>

const log = createRevertLog()
let fx: ProtocolFixture
let admin: PrivateKeyAccount
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let outsider: PrivateKeyAccount
let stageRole: Hex

function send<fn extends Writable>(account: PrivateKeyAccount, functionName: fn, args: ContractFunctionArgs<typeof taskRegistryTestAbi, 'nonpayable' | 'payable', fn>) {
  return writeByName(fx.ledger, account, fx.taskRegistry, functionName, args as readonly unknown[])
}

function keyOf(member: Address): PrivateKeyAccount {
  const key = verifiers.find((v) => v.address === member)
  if (key === undefined) throw new Error(`${member} is not one of the test verifiers`)
  return key
}

let secretCount = 0
/** A task in the Voting state (committee drawn, commit phase open) with its members' keys. */
async function votingTask(): Promise<{ taskId: bigint; members: PrivateKeyAccount[] }> {
  const secret = bytes32Of(`secret ${secretCount++}`)
  const taskId = await proposeWithSecret(fx, proposer, { secret })
  const { committee } = await drawWithSecret(fx, proposer, taskId, secret)
  return { taskId, members: committee.map(keyOf) }
}

/** A task every member approved, finalized: Open. */
async function openTask(): Promise<bigint> {
  const { taskId, members } = await votingTask()
  for (const m of members) await commitVote(fx, m, taskId, commitmentOf(taskId, m.address, ballot(taskId, m.address, true)))
  await endCommitPhase(fx, taskId)
  for (const m of members) await revealVote(fx, m, taskId, ballot(taskId, m.address, true))
  await endRevealPhase(fx, taskId)
  await send(proposer, 'finalize', [taskId])
  return taskId
}

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 8, params: { epochBlocks: EPOCH_BLOCKS, tasks: RULES }, funded: [0, 1, 2, 3, 4, 5], devAdmin: true })
  admin = fx.deployer
  proposer = accountAt(fx, 1)
  verifiers = [accountAt(fx, 2), accountAt(fx, 3), accountAt(fx, 4)]
  outsider = accountAt(fx, 5)
  for (const v of verifiers) {
    await writeContract(fx.ledger, v, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, parseEther('1000')] })
    await writeContract(fx.ledger, v, { ...fx.stakeManager, functionName: 'stake', args: [0n, roleId('verifier'), parseEther('1000')] })
  }
  stageRole = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'STAGE_ROLE' })
})

describe('TaskRegistry: construction and governance', () => {
  test('the constructor rejects zero addresses and each invalid parameter', async () => {
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, admin, { abi: taskRegistryAbi, bytecode: taskRegistryBytecode, args })
    const { token, stakeManager } = fx.protocol.deployment.contracts
    await log.expectRevert(deploy([zeroAddress, stakeManager, admin.address, admin.address, RULES]), 'ZeroAddress')
    await log.expectRevert(deploy([token, zeroAddress, admin.address, admin.address, RULES]), 'ZeroAddress')
    await log.expectRevert(deploy([token, stakeManager, zeroAddress, admin.address, RULES]), 'ZeroAddress')
    await log.expectRevert(deploy([token, stakeManager, admin.address, zeroAddress, RULES]), 'ZeroAddress')
    for (const [change, what] of INVALID_RULES) {
      expect(await log.expectRevert(deploy([token, stakeManager, admin.address, admin.address, { ...RULES, ...change }]), 'InvalidParams')).toEqual([what])
    }
    await deploy([token, stakeManager, admin.address, admin.address, RULES])
    // Under epochs longer than 256 blocks the window is still capped by BLOCKHASH's reach.
    const longEpochs = await deployContract(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode }, [token, admin.address, 0n, 0n, 0n, 1000n])
    expect(await log.expectRevert(deploy([token, longEpochs, admin.address, admin.address, { ...RULES, drawWindowBlocks: 257 }]), 'InvalidParams')).toEqual(['drawWindowBlocks'])
    await deploy([token, longEpochs, admin.address, admin.address, { ...RULES, drawWindowBlocks: 256 }])
  })

  test('setParams rejects each invalid parameter and accepts the limits', async () => {
    for (const [change, what] of INVALID_RULES) {
      expect(await log.expectRevert(send(admin, 'setParams', [{ ...RULES, ...change }]), 'InvalidParams')).toEqual([what])
    }
    const limits = { ...RULES, committeeSize: 32, quorumBps: 10_000, approvalBps: 9_999, slashBps: 10_000, drawDelayBlocks: 256, drawWindowBlocks: Number(EPOCH_BLOCKS) - 1 }
    await send(admin, 'setParams', [limits])
    expect(await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })).toMatchObject(limits)
    await send(admin, 'setParams', [RULES])
  })

  test('every role-gated function refuses an account without the role', async () => {
    const adminRole = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'DEFAULT_ADMIN_ROLE' })
    const cases: [() => Promise<unknown>, Hex][] = [
      [() => send(outsider, 'releaseBudget', [1n, outsider.address, 1n]), stageRole],
      [() => send(outsider, 'setParams', [RULES]), adminRole],
      [() => send(outsider, 'setTreasury', [outsider.address]), adminRole],
      [() => send(outsider, 'grantRole', [stageRole, outsider.address]), adminRole],
      [() => send(outsider, 'revokeRole', [adminRole, admin.address]), adminRole],
    ]
    for (const [call, role] of cases) {
      expect(await log.expectRevert(call(), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, role])
    }
    await log.expectRevert(send(admin, 'renounceRole', [adminRole, outsider.address]), 'AccessControlBadConfirmation')
  })

  test('setTreasury rejects the zero address', async () => {
    await log.expectRevert(send(admin, 'setTreasury', [zeroAddress]), 'ZeroAddress')
    await send(admin, 'setTreasury', [fx.treasury])
  })
})

describe('TaskRegistry: proposing', () => {
  test('propose checks the spec CID, bond, budget, expiry, allowance and balance', async () => {
    await writeContract(fx.ledger, proposer, { ...fx.token, functionName: 'approve', args: [fx.taskRegistry.address, parseEther('10000')] })
    const now = await fx.ledger.clock.now()
    const expiresAt = now + 30n * 24n * 3600n
    const commitment = seedCommitment(bytes32Of('unused'))
    const budget = parseEther('100')
    const propose = (cid: string, b: bigint, bond: bigint, expiry: bigint, from = proposer) => send(from, 'propose', [cid, b, bond, expiry, commitment])
    await log.expectRevert(propose('', budget, RULES.minBond, expiresAt), 'InvalidSpecCid')
    await log.expectRevert(propose('b'.repeat(129), budget, RULES.minBond, expiresAt), 'InvalidSpecCid')
    expect(await log.expectRevert(propose('bafkreispec', budget, RULES.minBond - 1n, expiresAt), 'BondTooLow')).toEqual([RULES.minBond - 1n, RULES.minBond])
    expect(await log.expectRevert(propose('bafkreispec', RULES.fee - 1n, RULES.minBond, expiresAt), 'BudgetBelowFee')).toEqual([RULES.fee - 1n, RULES.fee])
    // The task must outlive its vote: expiry strictly after now + commit + reveal periods
    // (the next block is one second after the last).
    const earliest = now + 1n + RULES.commitPeriod + RULES.revealPeriod
    expect(await log.expectRevert(propose('bafkreispec', budget, RULES.minBond, earliest), 'ExpiryTooSoon')).toEqual([earliest, earliest])
    await propose('b'.repeat(128), RULES.fee, RULES.minBond, earliest + 1n)

    await log.expectRevert(propose('bafkreispec', budget, RULES.minBond, expiresAt, outsider), 'ERC20InsufficientAllowance')
    const pauper = accountAt(fx, 6)
    await writeContract(fx.ledger, pauper, { ...fx.token, functionName: 'approve', args: [fx.taskRegistry.address, parseEther('10000')] })
    await log.expectRevert(propose('bafkreispec', budget, RULES.minBond, expiresAt, pauper), 'ERC20InsufficientBalance')
  })

  test('drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open', async () => {
    await log.expectRevert(send(proposer, 'drawCommittee', [0n, bytes32Of('x')]), 'UnknownTask')
    const count = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'taskCount' })
    expect(await log.expectRevert(send(proposer, 'drawCommittee', [count + 1n, bytes32Of('x')]), 'UnknownTask')).toEqual([count + 1n])

    const secret = bytes32Of('draw checks')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    const { seedBlock } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(await log.expectRevert(send(proposer, 'drawCommittee', [taskId, secret]), 'SeedNotReady')).toEqual([seedBlock])
    await mineToSeed(fx, taskId)
    await log.expectRevert(send(proposer, 'drawCommittee', [taskId, bytes32Of('wrong')]), 'BadSeedSecret')
    // Anyone holding the secret may draw.
    await send(outsider, 'drawCommittee', [taskId, secret])
    expect(await log.expectRevert(send(proposer, 'drawCommittee', [taskId, secret]), 'WrongStatus')).toEqual([taskId, 2])

    const late = await proposeWithSecret(fx, proposer, { secret })
    const { lastBlock } = await drawWindowOf(fx, late)
    await mineUntilHead(fx, lastBlock)
    expect(await log.expectRevert(send(proposer, 'drawCommittee', [late, secret]), 'DrawWindowClosed')).toEqual([lastBlock])
  })

  test('abandon needs a proposed task whose draw window has passed', async () => {
    await log.expectRevert(send(outsider, 'abandon', [0n]), 'UnknownTask')
    const secret = bytes32Of('abandon checks')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    const { lastBlock } = await drawWindowOf(fx, taskId)
    expect(await log.expectRevert(send(outsider, 'abandon', [taskId]), 'NotAbandoned')).toEqual([lastBlock])
    await mineToSeed(fx, taskId)
    await log.expectRevert(send(outsider, 'abandon', [taskId]), 'NotAbandoned')
    // In the last block of the window the draw is still possible, so abandoning is not.
    await mineUntilHead(fx, lastBlock - 1n)
    await log.expectRevert(send(outsider, 'abandon', [taskId]), 'NotAbandoned')
    await fx.ledger.clock.mine(1)
    await send(outsider, 'abandon', [taskId])
    await log.expectRevert(send(outsider, 'abandon', [taskId]), 'WrongStatus')
    const { taskId: drawn } = await votingTask()
    await log.expectRevert(send(outsider, 'abandon', [drawn]), 'WrongStatus')
  })
})

describe('TaskRegistry: voting', () => {
  test('commitVote needs a voting task, a committee member, one commitment and the commit phase', async () => {
    await log.expectRevert(send(outsider, 'commitVote', [0n, bytes32Of('c')]), 'UnknownTask')
    const proposed = await proposeWithSecret(fx, proposer, { secret: bytes32Of('never drawn') })
    expect(await log.expectRevert(send(verifiers[0]!, 'commitVote', [proposed, bytes32Of('c')]), 'WrongStatus')).toEqual([proposed, 1])

    const { taskId, members } = await votingTask()
    const [first, second] = members
    expect(await log.expectRevert(send(outsider, 'commitVote', [taskId, bytes32Of('c')]), 'NotCommitteeMember')).toEqual([outsider.address])
    await log.expectRevert(send(proposer, 'commitVote', [taskId, bytes32Of('c')]), 'NotCommitteeMember')
    await commitVote(fx, first!, taskId, bytes32Of('c'))
    await log.expectRevert(commitVote(fx, first!, taskId, bytes32Of('d')), 'AlreadyCommitted')
    await endCommitPhase(fx, taskId)
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(await log.expectRevert(commitVote(fx, second!, taskId, bytes32Of('c')), 'CommitClosed')).toEqual([task.commitDeadline])
  })

  test('revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal', async () => {
    await log.expectRevert(send(outsider, 'revealVote', [0n, true, '', bytes32Of('s')]), 'UnknownTask')
    const { taskId, members } = await votingTask()
    const [a, b, c] = members
    const vote = ballot(taskId, a!.address, true)
    await commitVote(fx, a!, taskId, commitmentOf(taskId, a!.address, vote))
    await commitVote(fx, b!, taskId, commitmentOf(taskId, b!.address, ballot(taskId, b!.address, false)))
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(await log.expectRevert(revealVote(fx, a!, taskId, vote), 'RevealNotOpen')).toEqual([task.commitDeadline])
    await endCommitPhase(fx, taskId)
    await log.expectRevert(revealVote(fx, outsider, taskId, vote), 'NotCommitteeMember')
    await log.expectRevert(revealVote(fx, c!, taskId, ballot(taskId, c!.address, true)), 'NoCommitment')
    await log.expectRevert(revealVote(fx, a!, taskId, { ...vote, approve: false }), 'CommitmentMismatch')
    await log.expectRevert(revealVote(fx, a!, taskId, { ...vote, reasonsCid: 'bafkreiother' }), 'CommitmentMismatch')
    await log.expectRevert(revealVote(fx, a!, taskId, { ...vote, salt: bytes32Of('other salt') }), 'CommitmentMismatch')
    await revealVote(fx, a!, taskId, vote)
    await log.expectRevert(revealVote(fx, a!, taskId, vote), 'AlreadyRevealed')
    await endRevealPhase(fx, taskId)
    expect(await log.expectRevert(revealVote(fx, b!, taskId, ballot(taskId, b!.address, false)), 'RevealClosed')).toEqual([task.revealDeadline])
    await send(outsider, 'finalize', [taskId])
    await log.expectRevert(revealVote(fx, b!, taskId, ballot(taskId, b!.address, false)), 'WrongStatus')
  })

  test('finalize needs a voting task whose reveal phase is over', async () => {
    await log.expectRevert(send(outsider, 'finalize', [0n]), 'UnknownTask')
    const proposed = await proposeWithSecret(fx, proposer, { secret: bytes32Of('finalize proposed') })
    await log.expectRevert(send(outsider, 'finalize', [proposed]), 'WrongStatus')
    const { taskId } = await votingTask()
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(await log.expectRevert(send(outsider, 'finalize', [taskId]), 'VotingNotOver')).toEqual([task.revealDeadline])
    await endCommitPhase(fx, taskId)
    await log.expectRevert(send(outsider, 'finalize', [taskId]), 'VotingNotOver')
    await endRevealPhase(fx, taskId)
    await send(outsider, 'finalize', [taskId])
    await log.expectRevert(send(outsider, 'finalize', [taskId]), 'WrongStatus')
  })
})

describe('TaskRegistry: open tasks', () => {
  test('releaseBudget needs an open task, a receiver and enough budget', async () => {
    const stage = accountAt(fx, 7)
    await send(admin, 'grantRole', [stageRole, stage.address])
    await log.expectRevert(send(stage, 'releaseBudget', [0n, stage.address, 1n]), 'UnknownTask')
    const { taskId: voting } = await votingTask()
    await log.expectRevert(send(stage, 'releaseBudget', [voting, stage.address, 1n]), 'WrongStatus')
    const taskId = await openTask()
    await log.expectRevert(send(stage, 'releaseBudget', [taskId, zeroAddress, 1n]), 'ZeroAddress')
    const budget = parseEther('100') - RULES.fee
    expect(await log.expectRevert(send(stage, 'releaseBudget', [taskId, stage.address, budget + 1n]), 'InsufficientBudget')).toEqual([budget + 1n, budget])
    await send(stage, 'releaseBudget', [taskId, stage.address, budget])
  })

  test('close needs an open task past its expiry', async () => {
    await log.expectRevert(send(outsider, 'close', [0n]), 'UnknownTask')
    const { taskId: voting } = await votingTask()
    await log.expectRevert(send(outsider, 'close', [voting]), 'WrongStatus')
    const taskId = await openTask()
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    expect(await log.expectRevert(send(outsider, 'close', [taskId]), 'NotExpired')).toEqual([task.expiresAt])
    await advancePast(fx, task.expiresAt)
    await send(outsider, 'close', [taskId])
    await log.expectRevert(send(outsider, 'close', [taskId]), 'WrongStatus')
  })

  test('views reject unknown task ids', async () => {
    await log.expectRevert(fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [0n] }), 'UnknownTask')
    await log.expectRevert(fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getCommittee', args: [10_000n] }), 'UnknownTask')
  })
})

describe('TaskRegistry: hostile tokens', () => {
  test('a token that answers false is caught, and re-entry from a token is refused', async () => {
    const hostile = await compileMock('HostileToken')
    const tokenAddress = getAddress(await deployContract(fx.ledger, admin, hostile))
    const manager = await deployContract(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode }, [tokenAddress, admin.address, 0n, 0n, 0n, EPOCH_BLOCKS])
    const registry = await deployContract(fx.ledger, admin, { abi: taskRegistryAbi, bytecode: taskRegistryBytecode }, [tokenAddress, manager, admin.address, admin.address, RULES])
    const token = { address: tokenAddress, abi: hostile.abi }
    const tr = { address: registry, abi: taskRegistryTestAbi }
    await writeContract(fx.ledger, admin, { ...token, functionName: 'mint', args: [proposer.address, parseEther('1000')] })
    await writeContract(fx.ledger, proposer, { ...token, functionName: 'approve', args: [registry, parseEther('1000')] })
    const expiresAt = (await fx.ledger.clock.now()) + 30n * 24n * 3600n
    const args = ['bafkreispec', parseEther('100'), RULES.minBond, expiresAt, seedCommitment(bytes32Of('hostile'))] as const

    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [true] })
    expect(await log.expectRevert(writeContract(fx.ledger, proposer, { ...tr, functionName: 'propose', args }), 'SafeERC20FailedOperation')).toEqual([tokenAddress])
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [false] })

    const reenter = encodeFunctionData({ abi: taskRegistryAbi, functionName: 'propose', args })
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setHook', args: [registry, reenter] })
    await log.expectRevert(writeContract(fx.ledger, proposer, { ...tr, functionName: 'propose', args }), 'ReentrancyGuardReentrantCall')
  })
})

test('checklist: every error TaskRegistry declares is raised by a test', () => {
  assertErrorChecklist(taskRegistryAbi, log, {
    covered: {
      ZeroAddress: 'the constructor rejects zero addresses and each invalid parameter',
      InvalidParams: 'setParams rejects each invalid parameter and accepts the limits',
      AccessControlUnauthorizedAccount: 'every role-gated function refuses an account without the role',
      AccessControlBadConfirmation: 'every role-gated function refuses an account without the role',
      InvalidSpecCid: 'propose checks the spec CID, bond, budget, expiry, allowance and balance',
      BondTooLow: 'propose checks the spec CID, bond, budget, expiry, allowance and balance',
      BudgetBelowFee: 'propose checks the spec CID, bond, budget, expiry, allowance and balance',
      ExpiryTooSoon: 'propose checks the spec CID, bond, budget, expiry, allowance and balance',
      UnknownTask: 'drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open',
      SeedNotReady: 'drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open',
      BadSeedSecret: 'drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open',
      WrongStatus: 'drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open',
      DrawWindowClosed: 'drawCommittee needs a known task, the seed block mined, the committed secret and the draw window open',
      NotAbandoned: 'abandon needs a proposed task whose draw window has passed',
      NotCommitteeMember: 'commitVote needs a voting task, a committee member, one commitment and the commit phase',
      AlreadyCommitted: 'commitVote needs a voting task, a committee member, one commitment and the commit phase',
      CommitClosed: 'commitVote needs a voting task, a committee member, one commitment and the commit phase',
      RevealNotOpen: 'revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal',
      NoCommitment: 'revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal',
      CommitmentMismatch: 'revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal',
      AlreadyRevealed: 'revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal',
      RevealClosed: 'revealVote needs the reveal phase, a member with a commitment, the same vote and one reveal',
      VotingNotOver: 'finalize needs a voting task whose reveal phase is over',
      InsufficientBudget: 'releaseBudget needs an open task, a receiver and enough budget',
      NotExpired: 'close needs an open task past its expiry',
      SafeERC20FailedOperation: 'a token that answers false is caught, and re-entry from a token is refused',
      ReentrancyGuardReentrantCall: 'a token that answers false is caught, and re-entry from a token is refused',
    },
  })
})
