import { beforeAll, describe, expect, test } from 'vitest'
import { encodeFunctionData, getAddress, keccak256, parseEther, parseEventLogs, stringToBytes, zeroAddress } from 'viem'
import type { Address, ContractFunctionArgs, ContractFunctionName, Hex, PrivateKeyAccount } from 'viem'
import { stakeManagerAbi, stakeManagerBytecode } from '../../src/ledger/contracts/generated/StakeManager.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { accountAt, createProtocolFixture, stakeManagerTestAbi } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { signPermit } from '../helpers/signatures.js'

const VERIFIER = roleId('verifier')
const TRAINER = roleId('trainer')
const MIN_VERIFIER = parseEther('100')
const UNBONDING = 7n * 24n * 3600n
const OPERATOR_DELAY = 24n * 3600n
const MAX_DELAY = 365n * 24n * 3600n
const REASON = keccak256(stringToBytes('TEST'))

type Writable = ContractFunctionName<typeof stakeManagerTestAbi, 'nonpayable' | 'payable'>

const log = createRevertLog()
let fx: ProtocolFixture
let admin: PrivateKeyAccount
let roles: { slasher: Hex; rewarder: Hex; pauser: Hex; admin: Hex; registrar: Hex }

/** Sends a StakeManager transaction. */
function send<fn extends Writable>(account: PrivateKeyAccount, functionName: fn, args: ContractFunctionArgs<typeof stakeManagerTestAbi, 'nonpayable' | 'payable', fn>) {
  return writeContract(fx.ledger, account, { ...fx.stakeManager, functionName, args } as never)
}

async function approve(owner: PrivateKeyAccount, spender: Address, amount: bigint): Promise<void> {
  await writeContract(fx.ledger, owner, { ...fx.token, functionName: 'approve', args: [spender, amount] })
}

async function stakeAs(owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<void> {
  await approve(owner, fx.stakeManager.address, amount)
  await send(owner, 'stake', [taskId, role, amount])
}

async function position(taskId: bigint, role: Hex, owner: Address) {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, role, owner] })
}

async function balanceOf(owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [owner] })
}

// Accounts: 0 admin (and treasury), 1..38 funded, 39 holds no DEAI.
let n = 1
/** A fresh funded account, so tests do not share positions or operators. */
function fresh(): PrivateKeyAccount {
  return accountAt(fx, n++)
}

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 40, funded: Array.from({ length: 39 }, (_, i) => i), devAdmin: true })
  admin = fx.deployer
  roles = {
    slasher: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' }),
    rewarder: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REWARDER_ROLE' }),
    pauser: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'PAUSER_ROLE' }),
    admin: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'DEFAULT_ADMIN_ROLE' }),
    registrar: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REGISTRAR_ROLE' }),
  }
  // The admin acts as slasher and rewarder in these tests.
  await send(admin, 'grantRole', [roles.slasher, admin.address])
  await send(admin, 'grantRole', [roles.rewarder, admin.address])
})

describe('StakeManager: construction and governance', () => {
  test('the constructor rejects zero addresses and delays above a year', async () => {
    const token = fx.token.address
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode, args })
    await log.expectRevert(deploy([zeroAddress, admin.address, 0n, 0n]), 'ZeroAddress')
    await log.expectRevert(deploy([token, zeroAddress, 0n, 0n]), 'ZeroAddress')
    expect(await log.expectRevert(deploy([token, admin.address, MAX_DELAY + 1n, 0n]), 'DelayTooLong')).toEqual([MAX_DELAY + 1n, MAX_DELAY])
    expect(await log.expectRevert(deploy([token, admin.address, 0n, MAX_DELAY + 1n]), 'DelayTooLong')).toEqual([MAX_DELAY + 1n, MAX_DELAY])
    await deploy([token, admin.address, MAX_DELAY, MAX_DELAY])
  })

  test('setDelays rejects delays above a year', async () => {
    await log.expectRevert(send(admin, 'setDelays', [MAX_DELAY + 1n, OPERATOR_DELAY]), 'DelayTooLong')
    await log.expectRevert(send(admin, 'setDelays', [UNBONDING, MAX_DELAY + 1n]), 'DelayTooLong')
    await send(admin, 'setDelays', [UNBONDING, OPERATOR_DELAY])
  })

  test('every role-gated function refuses an account without the role', async () => {
    const outsider = fresh()
    const cases: [() => Promise<unknown>, Hex][] = [
      [() => send(outsider, 'slash', [0n, VERIFIER, admin.address, 1n, admin.address, REASON, REASON]), roles.slasher],
      [() => send(outsider, 'creditRewards', [[admin.address], [1n], REASON]), roles.rewarder],
      [() => send(outsider, 'setDelays', [0n, 0n]), roles.admin],
      [() => send(outsider, 'setMinStake', [VERIFIER, 0n]), roles.admin],
      [() => send(outsider, 'setTaskStage', [1n, outsider.address, true]), roles.registrar],
      [() => send(outsider, 'pause', []), roles.pauser],
      [() => send(outsider, 'unpause', []), roles.pauser],
      [() => send(outsider, 'grantRole', [roles.slasher, outsider.address]), roles.admin],
      [() => send(outsider, 'revokeRole', [roles.slasher, admin.address]), roles.admin],
    ]
    for (const [call, role] of cases) {
      expect(await log.expectRevert(call(), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, role])
    }
  })

  test('renouncing a role needs the caller to confirm its own address', async () => {
    const holder = fresh()
    await send(admin, 'grantRole', [roles.pauser, holder.address])
    await log.expectRevert(send(holder, 'renounceRole', [roles.pauser, admin.address]), 'AccessControlBadConfirmation')
    await send(holder, 'renounceRole', [roles.pauser, holder.address])
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'hasRole', args: [roles.pauser, holder.address] })).toBe(false)
  })
})

describe('StakeManager: owner side', () => {
  test('stake rejects zero, amounts below the role minimum and missing allowance or balance', async () => {
    const owner = fresh()
    await log.expectRevert(send(owner, 'stake', [0n, VERIFIER, 0n]), 'ZeroAmount')
    await approve(owner, fx.stakeManager.address, parseEther('1000'))
    expect(await log.expectRevert(send(owner, 'stake', [0n, VERIFIER, parseEther('99')]), 'BelowMinimumStake')).toEqual([parseEther('99'), MIN_VERIFIER])
    // Roles without a minimum take any amount; a top-up counts towards the minimum.
    await send(owner, 'stake', [0n, TRAINER, 1n])
    await send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER])
    await send(owner, 'stake', [0n, VERIFIER, 1n])
    expect((await position(0n, VERIFIER, owner.address)).active).toBe(MIN_VERIFIER + 1n)

    const stranger = fresh()
    await log.expectRevert(send(stranger, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'ERC20InsufficientAllowance')
    const pauper = accountAt(fx, 39)
    await approve(pauper, fx.stakeManager.address, MIN_VERIFIER)
    await log.expectRevert(send(pauper, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'ERC20InsufficientBalance')
  })

  test('stakeWithPermit approves and stakes in one transaction, tolerating a used permit', async () => {
    const owner = fresh()
    const deadline = (await fx.ledger.clock.now()) + 3600n
    const sig = await signPermit(fx.ledger, fx.token, { owner, spender: fx.stakeManager.address, value: MIN_VERIFIER, deadline })
    // Someone front-runs the permit: the allowance is there, so the stake still goes through.
    await writeContract(fx.ledger, fresh(), { ...fx.token, functionName: 'permit', args: [owner.address, fx.stakeManager.address, MIN_VERIFIER, deadline, sig.v, sig.r, sig.s] })
    await send(owner, 'stakeWithPermit', [0n, VERIFIER, MIN_VERIFIER, deadline, sig.v, sig.r, sig.s])
    expect((await position(0n, VERIFIER, owner.address)).active).toBe(MIN_VERIFIER)
    // A bad permit and no allowance: the transfer fails.
    await log.expectRevert(send(owner, 'stakeWithPermit', [0n, VERIFIER, MIN_VERIFIER, deadline, sig.v, sig.r, sig.s]), 'ERC20InsufficientAllowance')
    await log.expectRevert(send(owner, 'stakeWithPermit', [0n, VERIFIER, 0n, deadline, sig.v, sig.r, sig.s]), 'ZeroAmount')
  })

  test('requestUnstake rejects zero, more than active, and leaving less than the minimum', async () => {
    const owner = fresh()
    await stakeAs(owner, 0n, VERIFIER, parseEther('150'))
    await log.expectRevert(send(owner, 'requestUnstake', [0n, VERIFIER, 0n]), 'ZeroAmount')
    expect(await log.expectRevert(send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('151')]), 'InsufficientStake')).toEqual([parseEther('151'), parseEther('150')])
    expect(await log.expectRevert(send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('51')]), 'BelowMinimumStake')).toEqual([parseEther('99'), MIN_VERIFIER])
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('50')])
    // Everything may go: the owner leaves the pool.
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('100')])
    const stakers = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stakers', args: [0n, VERIFIER] })
    expect(stakers).not.toContain(owner.address)
    expect(await position(0n, VERIFIER, owner.address)).toMatchObject({ active: 0n, unbonding: parseEther('150') })
  })

  test('withdraw needs an unbonding amount and the delay to have passed', async () => {
    const owner = fresh()
    await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'NothingToWithdraw')
    await stakeAs(owner, 0n, VERIFIER, MIN_VERIFIER)
    await send(owner, 'requestUnstake', [0n, VERIFIER, MIN_VERIFIER])
    const { releaseAt } = await position(0n, VERIFIER, owner.address)
    expect(await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'StillUnbonding')).toEqual([releaseAt])
    const before = await balanceOf(owner.address)
    await fx.ledger.clock.advance(UNBONDING)
    await send(owner, 'withdraw', [0n, VERIFIER])
    expect(await balanceOf(owner.address)).toBe(before + MIN_VERIFIER)
    await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'NothingToWithdraw')
  })

  test('claim needs a receiver and credited rewards', async () => {
    const owner = fresh()
    await log.expectRevert(send(owner, 'claim', [zeroAddress]), 'ZeroAddress')
    await log.expectRevert(send(owner, 'claim', [owner.address]), 'NothingToClaim')
    await approve(admin, fx.stakeManager.address, 5n)
    await send(admin, 'creditRewards', [[owner.address], [5n], REASON])
    const to = fresh()
    const before = await balanceOf(to.address)
    await send(owner, 'claim', [to.address])
    expect(await balanceOf(to.address)).toBe(before + 5n)
    await log.expectRevert(send(owner, 'claim', [owner.address]), 'NothingToClaim')
  })
})

describe('StakeManager: operators', () => {
  test('setOperator rejects the zero address, keys other owners hold, and stakers of the pool', async () => {
    const [ownerA, ownerB, key, staker] = [fresh(), fresh(), fresh(), fresh()]
    await log.expectRevert(send(ownerA, 'setOperator', [0n, VERIFIER, zeroAddress]), 'ZeroAddress')
    await send(ownerA, 'setOperator', [0n, VERIFIER, key.address])
    // Pending counts as held, and so does in effect.
    expect(await log.expectRevert(send(ownerB, 'setOperator', [0n, VERIFIER, key.address]), 'OperatorTaken')).toEqual([key.address, ownerA.address])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await log.expectRevert(send(ownerB, 'setOperator', [0n, VERIFIER, key.address]), 'OperatorTaken')
    // Other pools are separate.
    await send(ownerB, 'setOperator', [0n, TRAINER, key.address])

    await stakeAs(staker, 0n, VERIFIER, MIN_VERIFIER)
    expect(await log.expectRevert(send(ownerA, 'setOperator', [0n, VERIFIER, staker.address]), 'OperatorTaken')).toEqual([staker.address, staker.address])
    // An owner may always name itself again.
    await stakeAs(ownerA, 0n, VERIFIER, MIN_VERIFIER)
    await send(ownerA, 'setOperator', [0n, VERIFIER, ownerA.address])
  })

  test('a key that works as an operator in a pool cannot stake there', async () => {
    const [owner, key, next] = [fresh(), fresh(), fresh()]
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await approve(key, fx.stakeManager.address, MIN_VERIFIER)
    expect(await log.expectRevert(send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'OperatorTaken')).toEqual([key.address, owner.address])
    // Once the owner's change to another key takes effect, the old key is free.
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await send(owner, 'setOperator', [0n, VERIFIER, next.address])
    await log.expectRevert(send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'OperatorTaken')
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER])
  })

  test('an operator change takes effect after the delay and can be cancelled before', async () => {
    const [owner, key] = [fresh(), fresh()]
    const operatorOf = () => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'operatorOf', args: [0n, VERIFIER, owner.address] })
    const ownerOf = (k: Address) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'ownerOfOperator', args: [0n, VERIFIER, k] })
    await log.expectRevert(send(owner, 'cancelOperatorChange', [0n, VERIFIER]), 'NoPendingOperatorChange')
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    expect(await operatorOf()).toBe(owner.address)
    const [pending] = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'pendingOperator', args: [0n, VERIFIER, owner.address] })
    expect(pending).toBe(key.address)
    await send(owner, 'cancelOperatorChange', [0n, VERIFIER])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf()).toBe(owner.address)

    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await fx.ledger.clock.advance(OPERATOR_DELAY - 10n)
    expect(await operatorOf()).toBe(owner.address)
    expect(await ownerOf(owner.address)).toBe(owner.address)
    await fx.ledger.clock.advance(10n)
    expect(await operatorOf()).toBe(key.address)
    expect(await ownerOf(key.address)).toBe(owner.address)
    // The owner key no longer works for itself in this pool.
    expect(await ownerOf(owner.address)).toBe(zeroAddress)
    // In effect, the change can no longer be cancelled.
    await log.expectRevert(send(owner, 'cancelOperatorChange', [0n, VERIFIER]), 'NoPendingOperatorChange')
  })
})

describe('StakeManager: protocol side', () => {
  test('slash needs a beneficiary and an amount, and takes active stake before unbonding', async () => {
    const owner = fresh()
    await log.expectRevert(send(admin, 'slash', [0n, VERIFIER, owner.address, 1n, zeroAddress, REASON, REASON]), 'ZeroAddress')
    await log.expectRevert(send(admin, 'slash', [0n, VERIFIER, owner.address, 0n, admin.address, REASON, REASON]), 'ZeroAmount')
    // Nothing to take: no transfer, no event.
    const empty = await send(admin, 'slash', [0n, VERIFIER, owner.address, 1n, admin.address, REASON, REASON])
    expect(empty.logs).toHaveLength(0)

    await stakeAs(owner, 0n, VERIFIER, parseEther('300'))
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('200')])
    const beneficiary = fresh()
    const before = await balanceOf(beneficiary.address)
    await send(admin, 'slash', [0n, VERIFIER, owner.address, parseEther('150'), beneficiary.address, REASON, REASON])
    expect(await position(0n, VERIFIER, owner.address)).toMatchObject({ active: 0n, unbonding: parseEther('150') })
    await send(admin, 'slash', [0n, VERIFIER, owner.address, parseEther('1000'), beneficiary.address, REASON, REASON])
    expect(await position(0n, VERIFIER, owner.address)).toMatchObject({ active: 0n, unbonding: 0n })
    expect(await balanceOf(beneficiary.address)).toBe(before + parseEther('300'))
  })

  test('creditRewards checks lengths, owners and amounts, and pulls the sum from the rewarder', async () => {
    const [a, b] = [fresh(), fresh()]
    await log.expectRevert(send(admin, 'creditRewards', [[a.address], [1n, 2n], REASON]), 'LengthMismatch')
    await log.expectRevert(send(admin, 'creditRewards', [[a.address, zeroAddress], [1n, 2n], REASON]), 'ZeroAddress')
    await log.expectRevert(send(admin, 'creditRewards', [[a.address, b.address], [0n, 0n], REASON]), 'ZeroAmount')
    await log.expectRevert(send(admin, 'creditRewards', [[], [], REASON]), 'ZeroAmount')
    await approve(admin, fx.stakeManager.address, 0n)
    await log.expectRevert(send(admin, 'creditRewards', [[a.address, b.address], [1n, 2n], REASON]), 'ERC20InsufficientAllowance')
    await approve(admin, fx.stakeManager.address, 3n)
    await send(admin, 'creditRewards', [[a.address, b.address], [1n, 2n], REASON])
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rewardsOf', args: [b.address] })).toBe(2n)
  })
})

describe('StakeManager: task stages', () => {
  const isStage = (taskId: bigint, stage: Address) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'isTaskStage', args: [taskId, stage] })
  const stageTasks = (stage: Address) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stageTaskCount', args: [stage] })

  test('REGISTRAR_ROLE is administered by the default admin and sets stages, never the zero address', async () => {
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'getRoleAdmin', args: [roles.registrar] })).toBe(roles.admin)
    expect(roles.registrar).toBe(keccak256(stringToBytes('REGISTRAR_ROLE')))
    const registrar = fresh()
    await send(admin, 'grantRole', [roles.registrar, registrar.address])
    await log.expectRevert(send(registrar, 'setTaskStage', [1n, zeroAddress, true]), 'ZeroAddress')
    const stage = fresh()
    const receipt = await send(registrar, 'setTaskStage', [11n, stage.address, true])
    const [event] = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'TaskStageChanged', logs: receipt.logs })
    expect(event?.args).toEqual({ taskId: 11n, stage: stage.address, authorised: true, registrar: registrar.address })
    // Setting what is already set changes nothing and says nothing.
    expect((await send(registrar, 'setTaskStage', [11n, stage.address, true])).logs).toHaveLength(0)
    await send(registrar, 'setTaskStage', [12n, stage.address, true])
    expect(await stageTasks(stage.address)).toBe(2n)
    await send(registrar, 'setTaskStage', [11n, stage.address, false])
    expect([await isStage(11n, stage.address), await isStage(12n, stage.address), await stageTasks(stage.address)]).toEqual([false, true, 1n])
  })

  test('a stage slashes only its own task\'s pools, and credits rewards only while authorised for some task', async () => {
    const [stage, owner] = [fresh(), fresh()]
    await send(admin, 'grantRole', [roles.registrar, admin.address])
    await send(admin, 'setTaskStage', [21n, stage.address, true])
    await stakeAs(owner, 21n, TRAINER, parseEther('10'))
    await stakeAs(owner, 22n, TRAINER, parseEther('10'))
    await stakeAs(owner, 0n, VERIFIER, MIN_VERIFIER)
    for (const taskId of [22n, 0n]) {
      const role = taskId === 0n ? VERIFIER : TRAINER
      expect(await log.expectRevert(send(stage, 'slash', [taskId, role, owner.address, 1n, stage.address, REASON, REASON]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.slasher])
    }
    const before = await balanceOf(stage.address)
    await send(stage, 'slash', [21n, TRAINER, owner.address, parseEther('4'), stage.address, REASON, REASON])
    expect(await balanceOf(stage.address)).toBe(before + parseEther('4'))
    expect((await position(21n, TRAINER, owner.address)).active).toBe(parseEther('6'))

    await approve(stage, fx.stakeManager.address, 7n)
    await send(stage, 'creditRewards', [[owner.address], [7n], REASON])
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rewardsOf', args: [owner.address] })).toBe(7n)
    await send(admin, 'setTaskStage', [21n, stage.address, false])
    expect(await log.expectRevert(send(stage, 'creditRewards', [[owner.address], [7n], REASON]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.rewarder])
    expect(await log.expectRevert(send(stage, 'slash', [21n, TRAINER, owner.address, 1n, stage.address, REASON, REASON]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.slasher])
    // Holders of the roles keep their powers over every pool.
    await send(admin, 'slash', [22n, TRAINER, owner.address, 1n, admin.address, REASON, REASON])
  })
})

describe('StakeManager: pause', () => {
  test('pause refuses new stake and operator changes but never exits; pause and unpause need the other state', async () => {
    const owner = fresh()
    await stakeAs(owner, 0n, VERIFIER, parseEther('200'))
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('50')])
    await approve(admin, fx.stakeManager.address, 1n)
    await send(admin, 'creditRewards', [[owner.address], [1n], REASON])
    await fx.ledger.clock.advance(UNBONDING)
    const deadline = (await fx.ledger.clock.now()) + 3600n
    const sig = await signPermit(fx.ledger, fx.token, { owner, spender: fx.stakeManager.address, value: MIN_VERIFIER, deadline })

    await log.expectRevert(send(admin, 'unpause', []), 'ExpectedPause')
    await send(admin, 'pause', [])
    await log.expectRevert(send(admin, 'pause', []), 'EnforcedPause')
    await approve(owner, fx.stakeManager.address, MIN_VERIFIER)
    const paused: (() => Promise<unknown>)[] = [
      () => send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER]),
      () => send(owner, 'stakeWithPermit', [0n, VERIFIER, MIN_VERIFIER, deadline, sig.v, sig.r, sig.s]),
      () => send(owner, 'setOperator', [0n, VERIFIER, fresh().address]),
    ]
    for (const call of paused) await log.expectRevert(call(), 'EnforcedPause')
    // Exits stay open: a pause must never trap stake or rewards.
    await send(owner, 'withdraw', [0n, VERIFIER])
    await send(owner, 'claim', [owner.address])
    await send(owner, 'requestUnstake', [0n, VERIFIER, 1n])
    // Protocol-side slashing works as it does unpaused (the pause protects users, not cheaters).
    await send(admin, 'slash', [0n, VERIFIER, owner.address, 1n, admin.address, REASON, REASON])
    await send(admin, 'unpause', [])
    await send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER])
  })
})

describe('StakeManager: hostile tokens', () => {
  test('a token that answers false is caught, and re-entry from a token is refused', async () => {
    const hostile = await compileMock('HostileToken')
    const tokenAddress = getAddress(await deployContract(fx.ledger, admin, hostile))
    const manager = await deployContract(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode }, [tokenAddress, admin.address, 0n, 0n])
    const token = { address: tokenAddress, abi: hostile.abi }
    const sm = { address: manager, abi: stakeManagerTestAbi }
    const owner = fresh()
    await writeContract(fx.ledger, admin, { ...token, functionName: 'mint', args: [owner.address, 1000n] })
    await writeContract(fx.ledger, owner, { ...token, functionName: 'approve', args: [manager, 1000n] })

    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [true] })
    expect(await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, 10n] }), 'SafeERC20FailedOperation')).toEqual([tokenAddress])
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [false] })

    const reenter = encodeFunctionData({ abi: stakeManagerAbi, functionName: 'stake', args: [0n, VERIFIER, 1n] })
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setHook', args: [manager, reenter] })
    await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, 10n] }), 'ReentrancyGuardReentrantCall')
  })
})

test('checklist: every error StakeManager declares is raised by a test', () => {
  assertErrorChecklist(stakeManagerAbi, log, {
    covered: {
      ZeroAddress: 'the constructor rejects zero addresses and delays above a year',
      DelayTooLong: 'setDelays rejects delays above a year',
      AccessControlUnauthorizedAccount: 'every role-gated function refuses an account without the role',
      AccessControlBadConfirmation: 'renouncing a role needs the caller to confirm its own address',
      ZeroAmount: 'stake rejects zero, amounts below the role minimum and missing allowance or balance',
      BelowMinimumStake: 'requestUnstake rejects zero, more than active, and leaving less than the minimum',
      InsufficientStake: 'requestUnstake rejects zero, more than active, and leaving less than the minimum',
      NothingToWithdraw: 'withdraw needs an unbonding amount and the delay to have passed',
      StillUnbonding: 'withdraw needs an unbonding amount and the delay to have passed',
      NothingToClaim: 'claim needs a receiver and credited rewards',
      OperatorTaken: 'a key that works as an operator in a pool cannot stake there',
      NoPendingOperatorChange: 'an operator change takes effect after the delay and can be cancelled before',
      LengthMismatch: 'creditRewards checks lengths, owners and amounts, and pulls the sum from the rewarder',
      EnforcedPause: 'pause refuses new stake and operator changes but never exits; pause and unpause need the other state',
      ExpectedPause: 'pause refuses new stake and operator changes but never exits; pause and unpause need the other state',
      SafeERC20FailedOperation: 'a token that answers false is caught, and re-entry from a token is refused',
      ReentrancyGuardReentrantCall: 'a token that answers false is caught, and re-entry from a token is refused',
    },
  })
})
