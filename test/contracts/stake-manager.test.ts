import { writeByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { listStakers } from '../../src/ledger/actions/staking/list-stakers.js'
import { encodeFunctionData, getAddress, keccak256, parseEther, parseEventLogs, stringToBytes, zeroAddress } from 'viem'
import type { Address, ContractFunctionArgs, ContractFunctionName, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { stakeManagerAbi, stakeManagerBytecode } from '../../src/ledger/contracts/generated/StakeManager.js'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { accountAt, createProtocolFixture, stakeManagerTestAbi } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { signPermit } from '../helpers/signatures.js'
import { headBlock, minedAt, mineToNextEpoch } from '../helpers/stake-flow.js'

const VERIFIER = roleId('verifier')
const TRAINER = roleId('trainer')
const VALIDATOR = roleId('validator')
const MIN_VERIFIER = parseEther('100')
const DAY = 24n * 3600n
const UNBONDING = 7n * DAY
const OPERATOR_DELAY = DAY
const ROTATION_DELAY = 3n * DAY
const EPOCH_BLOCKS = 256n
const MAX_DELAY = 365n * DAY
const MAX_LOCK = 10n * MAX_DELAY
const REASON = keccak256(stringToBytes('TEST'))
const ACCOUNTS = 110

type Writable = ContractFunctionName<typeof stakeManagerTestAbi, 'nonpayable' | 'payable'>

const log = createRevertLog()
let fx: ProtocolFixture
let admin: PrivateKeyAccount
let roles: { slasher: Hex; rewarder: Hex; pauser: Hex; admin: Hex; registrar: Hex }

/** Sends a StakeManager transaction. */
function send<fn extends Writable>(account: PrivateKeyAccount, functionName: fn, args: ContractFunctionArgs<typeof stakeManagerTestAbi, 'nonpayable' | 'payable', fn>) {
  return writeByName(fx.ledger, account, fx.stakeManager, functionName, args as readonly unknown[])
}

async function approve(owner: PrivateKeyAccount, spender: Address, amount: bigint): Promise<void> {
  await writeContract(fx.ledger, owner, { ...fx.token, functionName: 'approve', args: [spender, amount] })
}

async function stakeAs(owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<TransactionReceipt> {
  await approve(owner, fx.stakeManager.address, amount)
  return send(owner, 'stake', [taskId, role, amount])
}

async function position(taskId: bigint, role: Hex, owner: Address) {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, role, owner] })
}

async function balanceOf(owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [owner] })
}

function rewardsOf(owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rewardsOf', args: [owner] })
}

function operatorOf(owner: Address, role: Hex = VERIFIER): Promise<Address> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'operatorOf', args: [0n, role, owner] })
}

function ownerOfOperator(key: Address, role: Hex = VERIFIER): Promise<Address> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'ownerOfOperator', args: [0n, role, key] })
}

function pendingOperator(owner: Address, role: Hex = VERIFIER): Promise<readonly [Address, bigint, boolean]> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'pendingOperator', args: [0n, role, owner] })
}

async function rotationOf(owner: Address): Promise<{ to: Address; readyAt: bigint; disputed: boolean }> {
  const [to, readyAt, disputed] = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rotationOf', args: [owner] })
  return { to, readyAt, disputed }
}

function rotatedTo(owner: Address): Promise<Address> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rotatedTo', args: [owner] })
}

async function credit(owner: Address, amount: bigint): Promise<TransactionReceipt> {
  await approve(admin, fx.stakeManager.address, amount)
  return send(admin, 'creditRewards', [[owner], [amount], REASON])
}

/** The args of the one event named `eventName` in a receipt. */
function eventArgs<name extends 'OperatorRemoved' | 'OperatorAccepted' | 'Locked' | 'RotationRequested' | 'RotationDisputed' | 'RotationDeclined' | 'RotationCompleted' | 'RotationResolved' | 'PositionMigrated' | 'RewardCredited' | 'ParametersChanged'>(receipt: TransactionReceipt, eventName: name) {
  const events = parseEventLogs({ abi: fx.stakeManager.abi, eventName, logs: receipt.logs })
  expect(events, `${eventName} events`).toHaveLength(1)
  return events[0]!.args
}

// Accounts: 0 admin (and treasury), 1..ACCOUNTS-2 funded, the last holds no DEAI.
let n = 1
/** A fresh funded account, so tests do not share positions, operators or rotations. */
function fresh(): PrivateKeyAccount {
  if (n >= ACCOUNTS - 1) throw new RangeError('out of fresh accounts: raise ACCOUNTS')
  return accountAt(fx, n++)
}

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: ACCOUNTS, funded: Array.from({ length: ACCOUNTS - 1 }, (_, i) => i), params: { epochBlocks: EPOCH_BLOCKS }, devAdmin: true })
  admin = fx.deployer
  roles = {
    slasher: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' }),
    rewarder: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REWARDER_ROLE' }),
    pauser: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'PAUSER_ROLE' }),
    admin: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'DEFAULT_ADMIN_ROLE' }),
    registrar: await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REGISTRAR_ROLE' }),
  }
  // The admin acts as slasher, rewarder and registrar in these tests.
  await send(admin, 'grantRole', [roles.slasher, admin.address])
  await send(admin, 'grantRole', [roles.rewarder, admin.address])
  await send(admin, 'grantRole', [roles.registrar, admin.address])
})

describe('StakeManager: construction and governance', () => {
  test('the constructor rejects zero addresses, delays above a year and epochs outside 2 to 1,000,000 blocks', async () => {
    const token = fx.token.address
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode, args })
    await log.expectRevert(deploy([zeroAddress, admin.address, 0n, 0n, 0n, EPOCH_BLOCKS]), 'ZeroAddress')
    await log.expectRevert(deploy([token, zeroAddress, 0n, 0n, 0n, EPOCH_BLOCKS]), 'ZeroAddress')
    for (const delays of [[MAX_DELAY + 1n, 0n, 0n], [0n, MAX_DELAY + 1n, 0n], [0n, 0n, MAX_DELAY + 1n]]) {
      expect(await log.expectRevert(deploy([token, admin.address, ...delays, EPOCH_BLOCKS]), 'DelayTooLong')).toEqual([MAX_DELAY + 1n, MAX_DELAY])
    }
    for (const epochBlocks of [0n, 1n, 1_000_001n]) {
      await log.expectRevert(deploy([token, admin.address, 0n, 0n, 0n, epochBlocks]), 'InvalidEpochBlocks')
    }
    await deploy([token, admin.address, MAX_DELAY, MAX_DELAY, MAX_DELAY, 2n])
    await deploy([token, admin.address, 0n, 0n, 0n, 1_000_000n])
    const read = <fn extends 'unbondingDelay' | 'operatorDelay' | 'rotationDelay' | 'epochBlocks'>(functionName: fn) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName })
    expect([await read('unbondingDelay'), await read('operatorDelay'), await read('rotationDelay'), await read('epochBlocks')]).toEqual([UNBONDING, OPERATOR_DELAY, ROTATION_DELAY, EPOCH_BLOCKS])
  })

  test('setDelays rejects delays above a year and applies only to requests made afterwards', async () => {
    await log.expectRevert(send(admin, 'setDelays', [MAX_DELAY + 1n, OPERATOR_DELAY, ROTATION_DELAY]), 'DelayTooLong')
    await log.expectRevert(send(admin, 'setDelays', [UNBONDING, MAX_DELAY + 1n, ROTATION_DELAY]), 'DelayTooLong')
    expect(await log.expectRevert(send(admin, 'setDelays', [UNBONDING, OPERATOR_DELAY, MAX_DELAY + 1n]), 'DelayTooLong')).toEqual([MAX_DELAY + 1n, MAX_DELAY])

    // An unbonding requested before the admin drops the delay to zero keeps its release time.
    const owner = fresh()
    await stakeAs(owner, 0n, VERIFIER, MIN_VERIFIER)
    await send(owner, 'requestUnstake', [0n, VERIFIER, MIN_VERIFIER])
    const { releaseAt } = await position(0n, VERIFIER, owner.address)
    const receipt = await send(admin, 'setDelays', [0n, 0n, 0n])
    expect(eventArgs(receipt, 'ParametersChanged')).toEqual({ unbondingDelay: 0n, operatorDelay: 0n, rotationDelay: 0n })
    expect(await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'StillUnbonding')).toEqual([releaseAt])
    await send(admin, 'setDelays', [UNBONDING, OPERATOR_DELAY, ROTATION_DELAY])
  })

  test('every role-gated function refuses an account without the role', async () => {
    const outsider = fresh()
    const cases: [() => Promise<unknown>, Hex][] = [
      [() => send(outsider, 'slash', [0n, VERIFIER, admin.address, 1n, admin.address, REASON, REASON]), roles.slasher],
      [() => send(outsider, 'lock', [0n, VERIFIER, admin.address, 1n]), roles.slasher],
      [() => send(outsider, 'creditRewards', [[admin.address], [1n], REASON]), roles.rewarder],
      [() => send(outsider, 'setDelays', [0n, 0n, 0n]), roles.admin],
      [() => send(outsider, 'setMinStake', [VERIFIER, 0n]), roles.admin],
      [() => send(outsider, 'resolveRotation', [admin.address, zeroAddress]), roles.admin],
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
    const pauper = accountAt(fx, ACCOUNTS - 1)
    await approve(pauper, fx.stakeManager.address, MIN_VERIFIER)
    await log.expectRevert(send(pauper, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'ERC20InsufficientBalance')
  })

  test('stakeFor: the caller pays, the position and everything it earns are the owner\'s', async () => {
    const [payer, owner] = [fresh(), fresh()]
    await approve(payer, fx.stakeManager.address, parseEther('1000'))
    await log.expectRevert(send(payer, 'stakeFor', [0n, VERIFIER, zeroAddress, MIN_VERIFIER]), 'ZeroAddress')
    await log.expectRevert(send(payer, 'stakeFor', [0n, VERIFIER, owner.address, 0n]), 'ZeroAmount')
    expect(await log.expectRevert(send(payer, 'stakeFor', [0n, VERIFIER, owner.address, MIN_VERIFIER - 1n]), 'BelowMinimumStake')).toEqual([MIN_VERIFIER - 1n, MIN_VERIFIER])
    const [payerBefore, ownerBefore] = [await balanceOf(payer.address), await balanceOf(owner.address)]
    const receipt = await send(payer, 'stakeFor', [0n, VERIFIER, owner.address, parseEther('150')])
    const [staked] = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Staked', logs: receipt.logs })
    expect(staked?.args).toEqual({ taskId: 0n, role: VERIFIER, owner: owner.address, amount: parseEther('150'), active: parseEther('150') })
    expect(await balanceOf(payer.address)).toBe(payerBefore - parseEther('150'))
    expect(await balanceOf(owner.address)).toBe(ownerBefore)
    expect(await position(0n, VERIFIER, owner.address)).toMatchObject({ active: parseEther('150'), unbonding: 0n })
    expect(await position(0n, VERIFIER, payer.address)).toMatchObject({ active: 0n, unbonding: 0n })
    expect(await listStakers(fx.protocol, { role: 'verifier' })).toContain(owner.address)

    // The payer has no claim on it; the owner unstakes and withdraws it to itself.
    await log.expectRevert(send(payer, 'requestUnstake', [0n, VERIFIER, parseEther('150')]), 'InsufficientStake')
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('150')])
    await fx.ledger.clock.advance(UNBONDING)
    await log.expectRevert(send(payer, 'withdraw', [0n, VERIFIER]), 'NothingToWithdraw')
    await send(owner, 'withdraw', [0n, VERIFIER])
    expect(await balanceOf(owner.address)).toBe(ownerBefore + parseEther('150'))
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
    const stakers = await listStakers(fx.protocol, { role: 'verifier' })
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
    await credit(owner.address, 5n)
    const to = fresh()
    const before = await balanceOf(to.address)
    await send(owner, 'claim', [to.address])
    expect(await balanceOf(to.address)).toBe(before + 5n)
    await log.expectRevert(send(owner, 'claim', [owner.address]), 'NothingToClaim')
  })
})

describe('StakeManager: operators need the key\'s consent', () => {
  test('setOperator only proposes: the named key works for nobody until it accepts, then at once if the delay is over', async () => {
    const [owner, key] = [fresh(), fresh()]
    await log.expectRevert(send(owner, 'setOperator', [0n, VERIFIER, zeroAddress]), 'ZeroAddress')
    const requested = await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    const effectiveAt = (await minedAt(fx, requested)) + OPERATOR_DELAY
    expect(await pendingOperator(owner.address)).toEqual([key.address, effectiveAt, false])
    await fx.ledger.clock.advance(2n * OPERATOR_DELAY)
    // Long past the delay, an unaccepted proposal gives the owner nothing over the key.
    expect(await operatorOf(owner.address)).toBe(owner.address)
    expect(await ownerOfOperator(key.address)).toBe(key.address)
    expect(await ownerOfOperator(owner.address)).toBe(owner.address)
    expect(await pendingOperator(owner.address)).toEqual([key.address, effectiveAt, false])

    const accepted = await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    expect(eventArgs(accepted, 'OperatorAccepted')).toEqual({ taskId: 0n, role: VERIFIER, owner: owner.address, operator: key.address })
    expect(await operatorOf(owner.address)).toBe(key.address)
    expect(await ownerOfOperator(key.address)).toBe(owner.address)
    // The owner key no longer works for itself in this pool, and nothing is pending.
    expect(await ownerOfOperator(owner.address)).toBe(zeroAddress)
    expect(await pendingOperator(owner.address)).toEqual([zeroAddress, 0n, false])
  })

  test('an early acceptance takes effect when the operator delay ends; pendingOperator reports it', async () => {
    const [owner, key] = [fresh(), fresh()]
    const requested = await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    const effectiveAt = (await minedAt(fx, requested)) + OPERATOR_DELAY
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    expect(await pendingOperator(owner.address)).toEqual([key.address, effectiveAt, true])
    await fx.ledger.clock.advance(effectiveAt - (await fx.ledger.clock.now()) - 5n)
    expect(await operatorOf(owner.address)).toBe(owner.address)
    expect(await ownerOfOperator(key.address)).toBe(key.address)
    await fx.ledger.clock.advance(5n)
    expect(await operatorOf(owner.address)).toBe(key.address)
    expect(await ownerOfOperator(key.address)).toBe(owner.address)
    expect(await pendingOperator(owner.address)).toEqual([zeroAddress, 0n, false])
  })

  test('acceptOperator needs a pending change that names the caller and is not yet accepted', async () => {
    const [owner, key, stranger] = [fresh(), fresh(), fresh()]
    expect(await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, owner.address]), 'NotPendingOperator')).toEqual([key.address, owner.address])
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    expect(await log.expectRevert(send(stranger, 'acceptOperator', [0n, VERIFIER, owner.address]), 'NotPendingOperator')).toEqual([stranger.address, owner.address])
    // The right key for the wrong owner, or in another pool.
    await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, stranger.address]), 'NotPendingOperator')
    await log.expectRevert(send(key, 'acceptOperator', [0n, TRAINER, owner.address]), 'NotPendingOperator')
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, owner.address]), 'NotPendingOperator')
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, owner.address]), 'NotPendingOperator')
  })

  test('a key works for one owner per pool and cannot be a staker there too', async () => {
    const [ownerA, ownerB, key, staker] = [fresh(), fresh(), fresh(), fresh()]
    // Proposals bind nobody: both owners may name the same key.
    await send(ownerA, 'setOperator', [0n, VERIFIER, key.address])
    await send(ownerB, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'acceptOperator', [0n, VERIFIER, ownerA.address])
    // Accepted but not yet in effect already holds the key.
    expect(await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, ownerB.address]), 'OperatorTaken')).toEqual([key.address, ownerA.address])
    await approve(key, fx.stakeManager.address, MIN_VERIFIER)
    expect(await log.expectRevert(send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'OperatorTaken')).toEqual([key.address, ownerA.address])
    await approve(ownerB, fx.stakeManager.address, MIN_VERIFIER)
    await log.expectRevert(send(ownerB, 'stakeFor', [0n, VERIFIER, key.address, MIN_VERIFIER]), 'OperatorTaken')
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await log.expectRevert(send(key, 'acceptOperator', [0n, VERIFIER, ownerB.address]), 'OperatorTaken')
    await log.expectRevert(send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'OperatorTaken')
    // Other pools are separate.
    await send(ownerB, 'setOperator', [0n, TRAINER, key.address])
    await send(key, 'acceptOperator', [0n, TRAINER, ownerB.address])

    // A staker of the pool cannot become an operator there.
    await stakeAs(staker, 0n, VERIFIER, MIN_VERIFIER)
    await send(ownerA, 'setOperator', [0n, VERIFIER, staker.address])
    expect(await log.expectRevert(send(staker, 'acceptOperator', [0n, VERIFIER, ownerA.address]), 'OperatorTaken')).toEqual([staker.address, staker.address])
    // An owner may always name itself again, with no acceptance.
    await stakeAs(ownerA, 0n, VERIFIER, MIN_VERIFIER)
    await send(ownerA, 'setOperator', [0n, VERIFIER, ownerA.address])
    expect(await pendingOperator(ownerA.address)).toMatchObject([ownerA.address, expect.any(BigInt), true])
    // Until that change takes effect, the old key still works for ownerA.
    await log.expectRevert(send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER]), 'OperatorTaken')
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf(ownerA.address)).toBe(ownerA.address)
    // The old key is free once the change takes effect.
    await send(key, 'stake', [0n, VERIFIER, MIN_VERIFIER])
  })

  test('the owner revokes its operator, current and pending, at once', async () => {
    const [owner, current, next] = [fresh(), fresh(), fresh()]
    await send(owner, 'setOperator', [0n, VERIFIER, current.address])
    await send(current, 'acceptOperator', [0n, VERIFIER, owner.address])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    await send(owner, 'setOperator', [0n, VERIFIER, next.address])
    await send(next, 'acceptOperator', [0n, VERIFIER, owner.address])
    expect(await operatorOf(owner.address)).toBe(current.address)

    const receipt = await send(owner, 'revokeOperator', [0n, VERIFIER])
    expect(eventArgs(receipt, 'OperatorRemoved')).toEqual({ taskId: 0n, role: VERIFIER, owner: owner.address, operator: current.address, by: owner.address })
    // No delay: the owner key works again in the very next block, and both keys are free.
    expect(await operatorOf(owner.address)).toBe(owner.address)
    expect(await ownerOfOperator(owner.address)).toBe(owner.address)
    expect(await pendingOperator(owner.address)).toEqual([zeroAddress, 0n, false])
    for (const key of [current, next]) expect(await ownerOfOperator(key.address)).toBe(key.address)
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf(owner.address)).toBe(owner.address)
    await stakeAs(current, 0n, VERIFIER, MIN_VERIFIER)
    await stakeAs(next, 0n, VERIFIER, MIN_VERIFIER)
  })

  test('an operator key resigns from its owner, whether in effect or pending', async () => {
    const [owner, key, stranger] = [fresh(), fresh(), fresh()]
    expect(await log.expectRevert(send(stranger, 'resignOperator', [0n, VERIFIER, owner.address]), 'NotOperator')).toEqual([stranger.address, owner.address])
    // A proposal the key never accepted.
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'resignOperator', [0n, VERIFIER, owner.address])
    expect(await pendingOperator(owner.address)).toEqual([zeroAddress, 0n, false])
    // An accepted change in effect.
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf(owner.address)).toBe(key.address)
    const receipt = await send(key, 'resignOperator', [0n, VERIFIER, owner.address])
    expect(eventArgs(receipt, 'OperatorRemoved')).toEqual({ taskId: 0n, role: VERIFIER, owner: owner.address, operator: key.address, by: key.address })
    expect(await operatorOf(owner.address)).toBe(owner.address)
    expect(await ownerOfOperator(key.address)).toBe(key.address)
    await log.expectRevert(send(key, 'resignOperator', [0n, VERIFIER, owner.address]), 'NotOperator')
    await stakeAs(key, 0n, VERIFIER, MIN_VERIFIER)
  })

  test('an operator change can be cancelled until it takes effect', async () => {
    const [owner, key] = [fresh(), fresh()]
    await log.expectRevert(send(owner, 'cancelOperatorChange', [0n, VERIFIER]), 'NoPendingOperatorChange')
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await send(owner, 'cancelOperatorChange', [0n, VERIFIER])
    expect(await pendingOperator(owner.address)).toEqual([zeroAddress, 0n, false])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf(owner.address)).toBe(owner.address)
    // The cancelled key was released.
    expect(await ownerOfOperator(key.address)).toBe(key.address)

    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await operatorOf(owner.address)).toBe(key.address)
    // In effect, the change can no longer be cancelled (revokeOperator removes it).
    await log.expectRevert(send(owner, 'cancelOperatorChange', [0n, VERIFIER]), 'NoPendingOperatorChange')
  })
})

describe('StakeManager: locks', () => {
  test('lock refuses a time beyond MAX_LOCK, and a stage may lock only its own task\'s pools', async () => {
    const [owner, stage] = [fresh(), fresh()]
    const maximum = (await fx.ledger.clock.now()) + 1n + MAX_LOCK
    expect(await log.expectRevert(send(admin, 'lock', [0n, VERIFIER, owner.address, maximum + 1n]), 'LockTooLong')).toEqual([maximum + 1n, maximum])
    await send(admin, 'setTaskStage', [31n, stage.address, true])
    await stakeAs(owner, 31n, TRAINER, parseEther('10'))
    await stakeAs(owner, 32n, TRAINER, parseEther('10'))
    for (const [taskId, role] of [[32n, TRAINER], [0n, VERIFIER]] as const) {
      expect(await log.expectRevert(send(stage, 'lock', [taskId, role, owner.address, maximum]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.slasher])
    }
    const until = (await fx.ledger.clock.now()) + 30n * DAY
    const receipt = await send(stage, 'lock', [31n, TRAINER, owner.address, until])
    expect(eventArgs(receipt, 'Locked')).toEqual({ taskId: 31n, role: TRAINER, owner: owner.address, until, stage: stage.address })
    expect((await position(31n, TRAINER, owner.address)).lockedUntil).toBe(until)
    expect((await position(32n, TRAINER, owner.address)).lockedUntil).toBe(0n)
    // De-authorised, the stage can lock nothing.
    await send(admin, 'setTaskStage', [31n, stage.address, false])
    await log.expectRevert(send(stage, 'lock', [31n, TRAINER, owner.address, until + 1n]), 'AccessControlUnauthorizedAccount')
  })

  test('a lock only extends, lets the owner unstake, and holds withdraw until it passes', async () => {
    const owner = fresh()
    await stakeAs(owner, 0n, VERIFIER, parseEther('300'))
    const now = await fx.ledger.clock.now()
    const until = now + 10n * DAY
    await send(admin, 'lock', [0n, VERIFIER, owner.address, until])
    // A shorter lock leaves the longer one in place.
    await send(admin, 'lock', [0n, VERIFIER, owner.address, now + DAY])
    expect((await position(0n, VERIFIER, owner.address)).lockedUntil).toBe(until)
    // Unstaking is allowed (the stake stays slashable), withdrawing is not.
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('300')])
    await fx.ledger.clock.advance(UNBONDING)
    expect(await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'PositionLocked')).toEqual([until])
    await send(admin, 'slash', [0n, VERIFIER, owner.address, parseEther('30'), admin.address, REASON, REASON])
    const later = until + DAY
    await send(admin, 'lock', [0n, VERIFIER, owner.address, later])
    await fx.ledger.clock.advance(until - (await fx.ledger.clock.now()) + 1n)
    expect(await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'PositionLocked')).toEqual([later])
    await fx.ledger.clock.advance(DAY)
    const before = await balanceOf(owner.address)
    await send(owner, 'withdraw', [0n, VERIFIER])
    expect(await balanceOf(owner.address)).toBe(before + parseEther('270'))
  })
})

describe('StakeManager: owner-key rotation', () => {
  test('requestRotation refuses the zero address, the caller itself and a key that has rotated; a repeat stays pending', async () => {
    const [owner, to, gone, goneTo] = [fresh(), fresh(), fresh(), fresh()]
    expect(await log.expectRevert(send(owner, 'requestRotation', [zeroAddress]), 'InvalidRotationTarget')).toEqual([zeroAddress])
    await log.expectRevert(send(owner, 'requestRotation', [owner.address]), 'InvalidRotationTarget')
    await send(gone, 'requestRotation', [goneTo.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(goneTo, 'completeRotation', [gone.address])
    expect(await log.expectRevert(send(owner, 'requestRotation', [gone.address]), 'InvalidRotationTarget')).toEqual([gone.address])

    const receipt = await send(owner, 'requestRotation', [to.address])
    const readyAt = (await minedAt(fx, receipt)) + ROTATION_DELAY
    expect(eventArgs(receipt, 'RotationRequested')).toEqual({ owner: owner.address, to: to.address, readyAt })
    expect(await rotationOf(owner.address)).toEqual({ to: to.address, readyAt, disputed: false })
    expect(await log.expectRevert(send(owner, 'requestRotation', [to.address]), 'RotationPending')).toEqual([to.address, readyAt])
    expect((await rotationOf(owner.address)).disputed).toBe(false)
  })

  test('while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay', async () => {
    const [owner, to, stranger] = [fresh(), fresh(), fresh()]
    await stakeAs(owner, 0n, VERIFIER, parseEther('300'))
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('100')])
    await credit(owner.address, 40n)
    await fx.ledger.clock.advance(UNBONDING)
    expect(await log.expectRevert(send(to, 'completeRotation', [owner.address]), 'NoRotation')).toEqual([owner.address])

    const requested = await send(owner, 'requestRotation', [to.address])
    const readyAt = (await minedAt(fx, requested)) + ROTATION_DELAY
    expect(await log.expectRevert(send(owner, 'claim', [owner.address]), 'RotationPending')).toEqual([to.address, readyAt])
    await log.expectRevert(send(owner, 'withdraw', [0n, VERIFIER]), 'RotationPending')
    // Unstaking moves nothing out, so it stays open.
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('100')])
    expect(await log.expectRevert(send(stranger, 'completeRotation', [owner.address]), 'NotRotationTarget')).toEqual([stranger.address, to.address])
    expect(await log.expectRevert(send(to, 'completeRotation', [owner.address]), 'RotationNotReady')).toEqual([readyAt])
    await fx.ledger.clock.advance(readyAt - (await fx.ledger.clock.now()) - 2n)
    await log.expectRevert(send(to, 'completeRotation', [owner.address]), 'RotationNotReady')
    await fx.ledger.clock.advance(2n)

    const completed = await send(to, 'completeRotation', [owner.address])
    expect(eventArgs(completed, 'RotationCompleted')).toEqual({ owner: owner.address, to: to.address, rewards: 40n })
    expect([await rewardsOf(owner.address), await rewardsOf(to.address)]).toEqual([0n, 40n])
    expect(await rotatedTo(owner.address)).toBe(to.address)
    expect(await rotationOf(owner.address)).toEqual({ to: zeroAddress, readyAt: 0n, disputed: false })

    // The old key is done as an owner: every owner action refuses it, naming the new key.
    await approve(owner, fx.stakeManager.address, MIN_VERIFIER)
    const refused: (() => Promise<unknown>)[] = [
      () => send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER]),
      () => send(owner, 'requestUnstake', [0n, VERIFIER, 1n]),
      () => send(owner, 'withdraw', [0n, VERIFIER]),
      () => send(owner, 'claim', [owner.address]),
      () => send(owner, 'setOperator', [0n, VERIFIER, stranger.address]),
      () => send(owner, 'requestRotation', [stranger.address]),
      () => send(stranger, 'stakeFor', [0n, VERIFIER, owner.address, MIN_VERIFIER]),
    ]
    for (const call of refused) expect(await log.expectRevert(call(), 'OwnerRotated')).toEqual([owner.address, to.address])

    // Rewards credited to the old owner from now on land on the new key, which claims them.
    const credited = await credit(owner.address, 7n)
    expect(eventArgs(credited, 'RewardCredited')).toMatchObject({ owner: to.address, amount: 7n })
    expect(await rewardsOf(to.address)).toBe(47n)
    const before = await balanceOf(to.address)
    await send(to, 'claim', [to.address])
    expect(await balanceOf(to.address)).toBe(before + 47n)
  })

  test('migratePosition moves a rotated owner\'s positions to the new key once unlocked, merging them', async () => {
    const [owner, to, key, anyone] = [fresh(), fresh(), fresh(), fresh()]
    await stakeAs(owner, 0n, VERIFIER, parseEther('300'))
    await stakeAs(owner, 0n, TRAINER, parseEther('5'))
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await stakeAs(to, 0n, VERIFIER, parseEther('200'))
    await send(to, 'requestUnstake', [0n, VERIFIER, parseEther('50')])
    await fx.ledger.clock.advance(DAY)
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('100')])
    const { releaseAt } = await position(0n, VERIFIER, owner.address)
    const lockedUntil = (await fx.ledger.clock.now()) + 10n * DAY
    await send(admin, 'lock', [0n, VERIFIER, owner.address, lockedUntil])
    expect(await log.expectRevert(send(anyone, 'migratePosition', [0n, VERIFIER, owner.address]), 'NoRotation')).toEqual([owner.address])

    await send(owner, 'requestRotation', [to.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(to, 'completeRotation', [owner.address])
    expect(await operatorOf(owner.address)).toBe(key.address)
    expect(await log.expectRevert(send(anyone, 'migratePosition', [0n, VERIFIER, owner.address]), 'PositionLocked')).toEqual([lockedUntil])
    // An unlocked pool moves at once; the new key had nothing there.
    await send(anyone, 'migratePosition', [0n, TRAINER, owner.address])
    expect(await position(0n, TRAINER, to.address)).toMatchObject({ active: parseEther('5'), unbonding: 0n })

    const poolBefore = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VERIFIER] })
    await fx.ledger.clock.advance(lockedUntil - (await fx.ledger.clock.now()))
    const receipt = await send(anyone, 'migratePosition', [0n, VERIFIER, owner.address])
    expect(eventArgs(receipt, 'PositionMigrated')).toEqual({ taskId: 0n, role: VERIFIER, from: owner.address, to: to.address, active: parseEther('200'), unbonding: parseEther('100') })
    expect(await position(0n, VERIFIER, owner.address)).toMatchObject({ active: 0n, unbonding: 0n })
    // Merged: active and unbonding add up, and the later release time wins.
    expect(await position(0n, VERIFIER, to.address)).toMatchObject({ active: parseEther('350'), unbonding: parseEther('150'), releaseAt })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VERIFIER] })).toBe(poolBefore)
    const stakers = await listStakers(fx.protocol, { role: 'verifier' })
    expect(stakers).toContain(to.address)
    expect(stakers).not.toContain(owner.address)
    // The old owner's operator key is released.
    expect(await ownerOfOperator(key.address)).toBe(key.address)
    await fx.ledger.clock.advance(releaseAt - (await fx.ledger.clock.now()))
    const before = await balanceOf(to.address)
    await send(to, 'withdraw', [0n, VERIFIER])
    expect(await balanceOf(to.address)).toBe(before + parseEther('150'))
  })

  test('the named key may decline an undisputed rotation', async () => {
    const [owner, to, stranger] = [fresh(), fresh(), fresh()]
    expect(await log.expectRevert(send(to, 'declineRotation', [owner.address]), 'NoRotation')).toEqual([owner.address])
    await send(owner, 'requestRotation', [to.address])
    expect(await log.expectRevert(send(stranger, 'declineRotation', [owner.address]), 'NotRotationTarget')).toEqual([stranger.address, to.address])
    const receipt = await send(to, 'declineRotation', [owner.address])
    expect(eventArgs(receipt, 'RotationDeclined')).toEqual({ owner: owner.address, to: to.address })
    expect(await rotationOf(owner.address)).toEqual({ to: zeroAddress, readyAt: 0n, disputed: false })
    await credit(owner.address, 3n)
    await send(owner, 'claim', [owner.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await log.expectRevert(send(to, 'completeRotation', [owner.address]), 'NoRotation')
  })

  test('a second request for another key freezes the rotation until the admin resolves it', async () => {
    const [owner, first, second, third, other] = [fresh(), fresh(), fresh(), fresh(), fresh()]
    await stakeAs(owner, 0n, VERIFIER, MIN_VERIFIER)
    await send(owner, 'requestUnstake', [0n, VERIFIER, MIN_VERIFIER])
    await credit(owner.address, 11n)
    await send(owner, 'requestRotation', [first.address])
    const disputed = await send(owner, 'requestRotation', [second.address])
    expect(eventArgs(disputed, 'RotationDisputed')).toEqual({ owner: owner.address, first: first.address, second: second.address })
    expect(await rotationOf(owner.address)).toMatchObject({ to: first.address, disputed: true })
    await fx.ledger.clock.advance(UNBONDING)

    // Frozen: nothing moves and nobody completes, declines or re-requests.
    const frozen: (() => Promise<unknown>)[] = [
      () => send(owner, 'claim', [owner.address]),
      () => send(owner, 'withdraw', [0n, VERIFIER]),
      () => send(first, 'completeRotation', [owner.address]),
      () => send(first, 'declineRotation', [owner.address]),
      () => send(owner, 'requestRotation', [first.address]),
      () => send(owner, 'requestRotation', [third.address]),
    ]
    for (const call of frozen) expect(await log.expectRevert(call(), 'RotationDisputedFrozen')).toEqual([owner.address])

    expect(await log.expectRevert(send(admin, 'resolveRotation', [other.address, first.address]), 'NoRotation')).toEqual([other.address])
    expect(await log.expectRevert(send(admin, 'resolveRotation', [owner.address, owner.address]), 'InvalidRotationTarget')).toEqual([owner.address])
    const rotated = fresh()
    await send(rotated, 'requestRotation', [other.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(other, 'completeRotation', [rotated.address])
    await log.expectRevert(send(admin, 'resolveRotation', [owner.address, rotated.address]), 'InvalidRotationTarget')

    // Governance picks the key (here the second one asked for).
    const resolved = await send(admin, 'resolveRotation', [owner.address, second.address])
    expect(eventArgs(resolved, 'RotationResolved')).toEqual({ owner: owner.address, to: second.address, by: admin.address })
    expect(eventArgs(resolved, 'RotationCompleted')).toEqual({ owner: owner.address, to: second.address, rewards: 11n })
    expect(await rotatedTo(owner.address)).toBe(second.address)
    expect(await rewardsOf(second.address)).toBe(11n)
    await send(fresh(), 'migratePosition', [0n, VERIFIER, owner.address])
    await send(second, 'withdraw', [0n, VERIFIER])
  })

  test('the admin may cancel a disputed rotation, which unfreezes the owner', async () => {
    const [owner, first, second] = [fresh(), fresh(), fresh()]
    await credit(owner.address, 5n)
    await send(owner, 'requestRotation', [first.address])
    await send(owner, 'requestRotation', [second.address])
    const receipt = await send(admin, 'resolveRotation', [owner.address, zeroAddress])
    expect(eventArgs(receipt, 'RotationResolved')).toEqual({ owner: owner.address, to: zeroAddress, by: admin.address })
    expect(await rotationOf(owner.address)).toEqual({ to: zeroAddress, readyAt: 0n, disputed: false })
    expect(await rotatedTo(owner.address)).toBe(zeroAddress)
    await send(owner, 'claim', [owner.address])
    await send(owner, 'requestRotation', [first.address])
  })
})

describe('StakeManager: rotations in a chain of keys', () => {
  // These fail on the current contract: a key that received a rotation may rotate again, but rewards follow
  // one hop only, and completeRotation does not re-check that its target has not rotated away.
  test('rewards credited to an owner whose new key rotated again never rest on the middle key', async () => {
    const [first, middle, last] = [fresh(), fresh(), fresh()]
    await send(first, 'requestRotation', [middle.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(middle, 'completeRotation', [first.address])
    await send(middle, 'requestRotation', [last.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(last, 'completeRotation', [middle.address])
    await credit(first.address, 9n)
    // The middle key can no longer claim anything, so rewards left there are lost.
    expect(await log.expectRevert(send(middle, 'claim', [middle.address]), 'OwnerRotated')).toEqual([middle.address, last.address])
    expect(await rewardsOf(middle.address)).toBe(0n)
    expect(await rewardsOf(last.address)).toBe(9n)
  })

  test('a rotation completed to a key that has rotated away meanwhile strands nothing on that key', async () => {
    const [owner, to, onward] = [fresh(), fresh(), fresh()]
    await credit(owner.address, 5n)
    await send(owner, 'requestRotation', [to.address])
    await send(to, 'requestRotation', [onward.address])
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await send(onward, 'completeRotation', [to.address])
    // Either refused (as requestRotation and resolveRotation refuse a rotated key), or the
    // rewards must reach the key that can still claim.
    const outcome = await send(to, 'completeRotation', [owner.address]).then(() => 'ok', (error: unknown) => revertName(error) ?? String(error))
    expect(['ok', 'InvalidRotationTarget']).toContain(outcome)
    expect(await rewardsOf(to.address)).toBe(0n)
    expect((await rewardsOf(owner.address)) + (await rewardsOf(onward.address))).toBe(5n)
  })
})

describe('StakeManager: checkpoints and sortition snapshots', () => {
  test('stakeAt and poolStakeAt read mined blocks only', async () => {
    const owner = fresh()
    const receipt = await stakeAs(owner, 0n, VALIDATOR, parseEther('3'))
    const pool = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VALIDATOR] })
    const stakeAt = (block: bigint) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stakeAt', args: [0n, VALIDATOR, owner.address, block] })
    const poolStakeAt = (block: bigint) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolStakeAt', args: [0n, VALIDATOR, block] })
    // A view runs in the head block: it and later blocks are not history yet.
    const head = await headBlock(fx)
    expect(head).toBe(receipt.blockNumber)
    expect(await log.expectRevert(stakeAt(head), 'FutureLookup')).toEqual([head, head])
    expect(await log.expectRevert(poolStakeAt(head + 1n), 'FutureLookup')).toEqual([head + 1n, head])
    await fx.ledger.clock.mine(1)
    expect(await stakeAt(receipt.blockNumber)).toBe(parseEther('3'))
    expect(await stakeAt(receipt.blockNumber - 1n)).toBe(0n)
    expect(await poolStakeAt(receipt.blockNumber)).toBe(pool)
    expect(await poolStakeAt(receipt.blockNumber - 1n)).toBe(pool - parseEther('3'))
    // Trainers are neither weighed at past blocks nor drawn: their stake changes keep no history.
    const trainerAt = fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stakeAt', args: [0n, TRAINER, owner.address, receipt.blockNumber] })
    expect(await log.expectRevert(trainerAt, 'NotTracked')).toEqual([TRAINER, 1])
    const epoch = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'currentEpoch' })
    const validatorDraw = fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VALIDATOR, REASON, 1n, zeroAddress, 0n, epoch] })
    expect(await log.expectRevert(validatorDraw, 'NotTracked')).toEqual([VALIDATOR, 2])
  })

  test('drawByStake and drawableStake answer only for the current epoch', async () => {
    // Every verifier staked so far is in the new epoch's snapshot.
    const epoch = await mineToNextEpoch(fx)
    const head = await headBlock(fx)
    expect(epoch).toBe(head / EPOCH_BLOCKS + 1n)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'epochOf', args: [head] })).toBe(epoch)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'epochOf', args: [0n] })).toBe(1n)
    const draw = (e: bigint) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, REASON, 3n, zeroAddress, 0n, e] })
    const drawable = (e: bigint) => fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawableStake', args: [0n, VERIFIER, e] })
    expect(await draw(epoch)).toHaveLength(3)
    expect(await drawable(epoch)).toBe(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VERIFIER] }))
    for (const e of [epoch - 1n, epoch + 1n]) {
      expect(await log.expectRevert(draw(e), 'SnapshotExpired')).toEqual([e, epoch])
      expect(await log.expectRevert(drawable(e), 'SnapshotExpired')).toEqual([e, epoch])
    }
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

  test('slashShares takes each owner\'s share of active plus unbonding stake, with its own reason, in one transfer', async () => {
    const [a, b, empty, beneficiary] = [fresh(), fresh(), fresh(), fresh()]
    await stakeAs(a, 0n, VERIFIER, parseEther('400'))
    await stakeAs(b, 0n, VERIFIER, parseEther('200'))
    await send(b, 'requestUnstake', [0n, VERIFIER, parseEther('100')])
    const other = `0x${'22'.repeat(32)}` as Hex
    const slashShares = (owners: Address[], bps: number, reasons: Hex[], evidence: Hex[]) => send(admin, 'slashShares', [0n, VERIFIER, owners, bps, beneficiary.address, reasons, evidence])
    expect(await log.expectRevert(slashShares([a.address], 10_001, [REASON], [REASON]), 'ShareTooLarge')).toEqual([10_001])
    await log.expectRevert(slashShares([a.address, b.address], 1000, [REASON], [REASON, REASON]), 'LengthMismatch')
    await log.expectRevert(send(admin, 'slashShares', [0n, VERIFIER, [a.address], 1000, zeroAddress, [REASON], [REASON]]), 'ZeroAddress')
    const before = await balanceOf(beneficiary.address)
    const receipt = await slashShares([a.address, empty.address, b.address], 1000, [REASON, REASON, other], [REASON, REASON, other])
    // 10% of 400 active; nothing from an empty position; 10% of 100 active + 100 unbonding.
    const slashed = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs }).map((e) => [e.args.owner, e.args.amount, e.args.reason])
    expect(slashed).toEqual([[a.address, parseEther('40'), REASON], [b.address, parseEther('20'), other]])
    expect(await balanceOf(beneficiary.address)).toBe(before + parseEther('60'))
    expect(await position(0n, VERIFIER, b.address)).toMatchObject({ active: parseEther('80'), unbonding: parseEther('100') })
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
    expect(await rewardsOf(b.address)).toBe(2n)
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
    expect(await rewardsOf(owner.address)).toBe(7n)
    await send(admin, 'setTaskStage', [21n, stage.address, false])
    expect(await log.expectRevert(send(stage, 'creditRewards', [[owner.address], [7n], REASON]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.rewarder])
    expect(await log.expectRevert(send(stage, 'slash', [21n, TRAINER, owner.address, 1n, stage.address, REASON, REASON]), 'AccessControlUnauthorizedAccount')).toEqual([stage.address, roles.slasher])
    // Holders of the roles keep their powers over every pool.
    await send(admin, 'slash', [22n, TRAINER, owner.address, 1n, admin.address, REASON, REASON])
  })
})

describe('StakeManager: pause', () => {
  test('pause blocks new stake and new operators only; exits, slashing and everything else still work', async () => {
    const [owner, key, next, to] = [fresh(), fresh(), fresh(), fresh()]
    await stakeAs(owner, 0n, VERIFIER, parseEther('300'))
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('50')])
    await credit(owner.address, 1n)
    await fx.ledger.clock.advance(UNBONDING)
    await send(owner, 'setOperator', [0n, VERIFIER, key.address])
    const deadline = (await fx.ledger.clock.now()) + 3600n
    const sig = await signPermit(fx.ledger, fx.token, { owner, spender: fx.stakeManager.address, value: MIN_VERIFIER, deadline })

    await log.expectRevert(send(admin, 'unpause', []), 'ExpectedPause')
    await send(admin, 'pause', [])
    await log.expectRevert(send(admin, 'pause', []), 'EnforcedPause')
    await approve(owner, fx.stakeManager.address, MIN_VERIFIER)
    const paused: (() => Promise<unknown>)[] = [
      () => send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER]),
      () => send(owner, 'stakeFor', [0n, VERIFIER, next.address, MIN_VERIFIER]),
      () => send(owner, 'stakeWithPermit', [0n, VERIFIER, MIN_VERIFIER, deadline, sig.v, sig.r, sig.s]),
      () => send(owner, 'setOperator', [0n, VERIFIER, next.address]),
    ]
    for (const call of paused) await log.expectRevert(call(), 'EnforcedPause')

    // Exits stay open while paused, and so do slashing, locks, rewards and key management.
    const before = await balanceOf(owner.address)
    await send(owner, 'withdraw', [0n, VERIFIER])
    await send(owner, 'claim', [owner.address])
    expect(await balanceOf(owner.address)).toBe(before + parseEther('50') + 1n)
    await send(owner, 'requestUnstake', [0n, VERIFIER, parseEther('50')])
    await send(admin, 'slash', [0n, VERIFIER, owner.address, 1n, admin.address, REASON, REASON])
    await send(admin, 'lock', [0n, VERIFIER, owner.address, (await fx.ledger.clock.now()) + DAY])
    await credit(owner.address, 1n)
    await send(key, 'acceptOperator', [0n, VERIFIER, owner.address])
    await send(owner, 'cancelOperatorChange', [0n, VERIFIER])
    await send(owner, 'revokeOperator', [0n, VERIFIER])
    await send(owner, 'requestRotation', [to.address])
    await send(to, 'declineRotation', [owner.address])
    await send(admin, 'unpause', [])
    await send(owner, 'stake', [0n, VERIFIER, MIN_VERIFIER])
  })
})

describe('StakeManager: hostile tokens and oversized amounts', () => {
  test('a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree', async () => {
    const hostile = await compileMock('HostileToken')
    const tokenAddress = getAddress(await deployContract(fx.ledger, admin, hostile))
    const manager = await deployContract(fx.ledger, admin, { abi: stakeManagerAbi, bytecode: stakeManagerBytecode }, [tokenAddress, admin.address, 0n, 0n, 0n, EPOCH_BLOCKS])
    const token = { address: tokenAddress, abi: hostile.abi }
    const sm = { address: manager, abi: stakeManagerTestAbi }
    const owner = fresh()
    const huge = 2n ** 210n
    // Verifiers are drawn (a sortition tree) and weighed at past blocks (checkpoints), as deployed.
    for (const flags of [0, 4, 255]) {
      expect(await log.expectRevert(writeContract(fx.ledger, admin, { ...sm, functionName: 'enableTracking', args: [VERIFIER, flags] }), 'UnknownTracking')).toEqual([flags])
    }
    await writeContract(fx.ledger, admin, { ...sm, functionName: 'enableTracking', args: [VERIFIER, 3] })
    await writeContract(fx.ledger, admin, { ...token, functionName: 'mint', args: [owner.address, huge] })
    await writeContract(fx.ledger, owner, { ...token, functionName: 'approve', args: [manager, huge] })

    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [true] })
    expect(await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, 10n] }), 'SafeERC20FailedOperation')).toEqual([tokenAddress])
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setAnswerFalse', args: [false] })

    const reenter = encodeFunctionData({ abi: stakeManagerAbi, functionName: 'stake', args: [0n, VERIFIER, 1n] })
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setHook', args: [manager, reenter] })
    await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, 10n] }), 'ReentrancyGuardReentrantCall')
    // The reverted transaction left the hook armed.
    await writeContract(fx.ledger, admin, { ...token, functionName: 'setHook', args: [zeroAddress, '0x'] })

    // The tree keeps 96-bit stakes and a position 128-bit ones; bigger positions are refused.
    const treeLimit = 2n ** 96n - 1n
    await writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, treeLimit] })
    expect(await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, VERIFIER, 1n] }), 'SortitionValueTooLarge')).toEqual([treeLimit + 1n])
    expect(await log.expectRevert(writeContract(fx.ledger, owner, { ...sm, functionName: 'stake', args: [0n, TRAINER, 2n ** 128n] }), 'SafeCastOverflowedUintDowncast')).toEqual([128, 2n ** 128n])
    // Tracking is fixed once a role has stake: a history begun later would be wrong about the past.
    expect(await log.expectRevert(writeContract(fx.ledger, admin, { ...sm, functionName: 'enableTracking', args: [VERIFIER, 1] }), 'RoleInUse')).toEqual([VERIFIER])
  })
})

test('checklist: every error StakeManager declares is raised by a test', () => {
  assertErrorChecklist(stakeManagerAbi, log, {
    covered: {
      ZeroAddress: 'the constructor rejects zero addresses, delays above a year and epochs outside 2 to 1,000,000 blocks',
      InvalidEpochBlocks: 'the constructor rejects zero addresses, delays above a year and epochs outside 2 to 1,000,000 blocks',
      DelayTooLong: 'setDelays rejects delays above a year and applies only to requests made afterwards',
      AccessControlUnauthorizedAccount: 'every role-gated function refuses an account without the role',
      AccessControlBadConfirmation: 'renouncing a role needs the caller to confirm its own address',
      ZeroAmount: 'stake rejects zero, amounts below the role minimum and missing allowance or balance',
      BelowMinimumStake: 'requestUnstake rejects zero, more than active, and leaving less than the minimum',
      InsufficientStake: 'requestUnstake rejects zero, more than active, and leaving less than the minimum',
      NothingToWithdraw: 'withdraw needs an unbonding amount and the delay to have passed',
      StillUnbonding: 'withdraw needs an unbonding amount and the delay to have passed',
      NothingToClaim: 'claim needs a receiver and credited rewards',
      NotPendingOperator: 'acceptOperator needs a pending change that names the caller and is not yet accepted',
      OperatorTaken: 'a key works for one owner per pool and cannot be a staker there too',
      NotOperator: 'an operator key resigns from its owner, whether in effect or pending',
      NoPendingOperatorChange: 'an operator change can be cancelled until it takes effect',
      LockTooLong: 'lock refuses a time beyond MAX_LOCK, and a stage may lock only its own task\'s pools',
      PositionLocked: 'a lock only extends, lets the owner unstake, and holds withdraw until it passes',
      InvalidRotationTarget: 'requestRotation refuses the zero address, the caller itself and a key that has rotated; a repeat stays pending',
      RotationPending: 'while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay',
      NoRotation: 'while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay',
      NotRotationTarget: 'while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay',
      RotationNotReady: 'while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay',
      OwnerRotated: 'while a rotation is pending the old key can neither claim nor withdraw; the new key completes it after the delay',
      RotationDisputedFrozen: 'a second request for another key freezes the rotation until the admin resolves it',
      FutureLookup: 'stakeAt and poolStakeAt read mined blocks only',
      SnapshotExpired: 'drawByStake and drawableStake answer only for the current epoch',
      LengthMismatch: 'creditRewards checks lengths, owners and amounts, and pulls the sum from the rewarder',
      EnforcedPause: 'pause blocks new stake and new operators only; exits, slashing and everything else still work',
      ExpectedPause: 'pause blocks new stake and new operators only; exits, slashing and everything else still work',
      SafeERC20FailedOperation: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
      ReentrancyGuardReentrantCall: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
      SortitionValueTooLarge: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
      RoleInUse: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
      UnknownTracking: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
      NotTracked: 'stakeAt and poolStakeAt read mined blocks only',
      ShareTooLarge: 'slashShares takes each owner\'s share of active plus unbonding stake, with its own reason, in one transfer',
      SafeCastOverflowedUintDowncast: 'a token that answers false is caught, re-entry from a token is refused, and no position outgrows the sortition tree',
    },
    unreachable: {
      CheckpointUnorderedInsertion: 'checkpoints are keyed by block.number, which never decreases',
      SortitionEpochTooOld: 'draws are answered for the current epoch only, and the tree is written at the current epoch, never a later one',
      SortitionZeroKey: 'a stake names its owner by msg.sender or, for stakeFor, refuses the zero address first',
    },
  })
})
