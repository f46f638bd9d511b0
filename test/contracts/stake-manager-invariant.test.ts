import { writeByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { getAddress, keccak256, maxUint256, parseEther, stringToBytes, zeroAddress } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import {
  createOperatorBook,
  effectiveOperator,
  matured,
  operatorKey,
  operatorSlot,
  operatorTakenBy,
  releaseOperator,
  releasePendingOperator,
  settleOperator,
} from '../helpers/operator-model.js'
import type { OperatorBook, OperatorSlot } from '../helpers/operator-model.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'

/**
 * The money invariant of StakeManager under a long seeded run of mixed operations:
 * token.balanceOf(manager) == totalStaked + totalUnclaimed after every step, every position,
 * lock, operator, rotation and reward matches a model of the contract's rules, operator keys
 * never gain tokens nor touch their owners' positions, and no locked stake leaves: a locked
 * position never shrinks but by a slash, and every withdrawal or migration came from a position
 * whose lock had passed. Every outcome (success or the exact custom error) is predicted by the
 * model first and checked against the chain.
 */

const SEED = 7331
const OPERATIONS = 2400
const UNBONDING = 24n * 3600n
const OPERATOR_DELAY = 3600n
const ROTATION_DELAY = 6n * 3600n
const MAX_LOCK = 10n * 365n * 24n * 3600n
const MIN_VERIFIER = parseEther('100')
const OWNER_FUNDS = parseEther('20000')
/** Deadlines closer than this to the next block are stepped over (see `stepOverDeadlines`). */
const DEADLINE_MARGIN = 30n
const REASON = keccak256(stringToBytes('INVARIANT_TEST'))
/** The task whose pools the stage may lock. */
const STAGE_TASK = 7n
/** Rotations stop retiring keys once this few keys are left that never rotated. */
const MIN_LIVE_KEYS = 4

type Pool = { taskId: bigint; role: Hex; min: bigint }
const POOLS: readonly Pool[] = [
  { taskId: 0n, role: roleId('verifier'), min: MIN_VERIFIER },
  { taskId: 0n, role: roleId('trainer'), min: 0n },
  { taskId: STAGE_TASK, role: roleId('verifier'), min: MIN_VERIFIER },
  { taskId: STAGE_TASK, role: roleId('trainer'), min: 0n },
]

type Position = { active: bigint; unbonding: bigint; releaseAt: bigint; lockedUntil: bigint }
type Rotation = { to: Address; readyAt: bigint; disputed: boolean }

/** The contract's rules, restated: what the chain must hold after each step. */
type Model = {
  now: bigint
  positions: Map<string, Position>
  /** Operator slots per pool index and owner, and the owner each key agreed to work for. */
  operators: OperatorBook
  rotations: Map<Address, Rotation>
  rotatedTo: Map<Address, Address>
  rewards: Map<Address, bigint>
  balances: Map<Address, bigint>
  totalStaked: bigint
  totalUnclaimed: bigint
}

const OPS = [
  'stake', 'stakeFor', 'requestUnstake', 'withdraw', 'slash', 'creditRewards', 'claim', 'setOperator', 'acceptOperator',
  'cancelOperatorChange', 'revokeOperator', 'resignOperator', 'operatorAttempt', 'lock', 'requestRotation', 'completeRotation',
  'resolveRotation', 'migratePosition',
] as const
type Op = (typeof OPS)[number]
type Tally = { ok: number; reverted: Map<string, number> }

let fx: ProtocolFixture
let slasher: PrivateKeyAccount
let rewarder: PrivateKeyAccount
let beneficiary: PrivateKeyAccount
let stage: PrivateKeyAccount
/** Owner keys: each may stake, and rotate to another of them. */
let keys: PrivateKeyAccount[]
let operators: PrivateKeyAccount[]
let lens: Address
let lensAbi: Awaited<ReturnType<typeof compileMock>>['abi']

const key = (owner: Address, pool: number) => `${owner}/${pool}`

function position(m: Model, owner: Address, pool: number): Position {
  const k = key(owner, pool)
  let p = m.positions.get(k)
  if (p === undefined) {
    p = { active: 0n, unbonding: 0n, releaseAt: 0n, lockedUntil: 0n }
    m.positions.set(k, p)
  }
  return p
}

// The operator book is keyed by pool index; each helper follows StakeManager's private helper of the same name.
const slot = (m: Model, owner: Address, pool: number): OperatorSlot => operatorSlot(m.operators, String(pool), owner)
const takenBy = (m: Model, pool: number, k: Address, except: Address, t: bigint): Address | undefined => operatorTakenBy(m.operators, String(pool), k, except, t)
const release = (m: Model, pool: number, owner: Address, k: Address | undefined): void => releaseOperator(m.operators, String(pool), owner, k)
const releasePending = (m: Model, pool: number, owner: Address, s: OperatorSlot): void => releasePendingOperator(m.operators, String(pool), owner, s)
const settle = (m: Model, pool: number, owner: Address, t: bigint): OperatorSlot => settleOperator(m.operators, String(pool), owner, t)

function credit(m: Model, account: Address, amount: bigint): void {
  m.balances.set(account, (m.balances.get(account) ?? 0n) + amount)
}

function rotate(m: Model, owner: Address, to: Address): void {
  m.rotations.delete(owner)
  m.rotatedTo.set(owner, to)
  const rewards = m.rewards.get(owner) ?? 0n
  m.rewards.set(owner, 0n)
  m.rewards.set(to, (m.rewards.get(to) ?? 0n) + rewards)
}

/** The checks every owner action starts with: a rotated owner acts through its new key only. */
const ownerRotated = (m: Model, owner: Address): boolean => m.rotatedTo.has(owner)

/** claim and withdraw also wait for a pending or disputed rotation. */
function rotationBlock(m: Model, owner: Address): string | undefined {
  const r = m.rotations.get(owner)
  if (r === undefined) return undefined
  return r.disputed ? 'RotationDisputedFrozen' : 'RotationPending'
}

/** Sends a transaction and reports 'ok' or the custom error it reverted with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call
    return 'ok'
  } catch (error) {
    const name = revertName(error)
    if (name === undefined) throw error
    return name
  }
}

function send(account: PrivateKeyAccount, functionName: string, args: readonly unknown[]): Promise<unknown> {
  return writeByName(fx.ledger, account, fx.stakeManager, functionName, args)
}

/** A random amount: mostly modest, sometimes zero, sometimes tiny, sometimes large. */
function amountAround(random: Prng, scale: bigint): bigint {
  const roll = random.nextFloat()
  if (roll < 0.08) return 0n
  if (roll < 0.18) return random.nextBigInt(parseEther('1')) + 1n
  if (roll < 0.9) return random.nextBigInt(scale) + 1n
  return scale * 10n + random.nextBigInt(scale)
}

beforeAll(async () => {
  fx = await createProtocolFixture({
    accounts: 18,
    funded: [],
    params: { unbondingDelay: UNBONDING, operatorDelay: OPERATOR_DELAY, rotationDelay: ROTATION_DELAY },
    devAdmin: true,
  })
  slasher = accountAt(fx, 1)
  rewarder = accountAt(fx, 2)
  beneficiary = accountAt(fx, 3)
  stage = accountAt(fx, 4)
  keys = [5, 6, 7, 8, 9, 10, 11].map((i) => accountAt(fx, i))
  operators = [12, 13, 14, 15, 16, 17].map((i) => accountAt(fx, i))
  const admin = fx.deployer
  const sm = fx.stakeManager
  const role = (name: 'SLASHER_ROLE' | 'REWARDER_ROLE' | 'REGISTRAR_ROLE') => fx.ledger.client.readContract({ ...sm, functionName: name })
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'grantRole', args: [await role('SLASHER_ROLE'), slasher.address] })
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'grantRole', args: [await role('REWARDER_ROLE'), rewarder.address] })
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'grantRole', args: [await role('REGISTRAR_ROLE'), admin.address] })
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'setTaskStage', args: [STAGE_TASK, stage.address, true] })
  await writeContract(fx.ledger, admin, { ...fx.token, functionName: 'transfer', args: [rewarder.address, parseEther('1000000')] })
  await writeContract(fx.ledger, rewarder, { ...fx.token, functionName: 'approve', args: [sm.address, maxUint256] })
  for (const o of keys) {
    await writeContract(fx.ledger, admin, { ...fx.token, functionName: 'transfer', args: [o.address, OWNER_FUNDS] })
    await writeContract(fx.ledger, o, { ...fx.token, functionName: 'approve', args: [sm.address, maxUint256] })
  }
  const compiled = await compileMock('StakeLens')
  lens = await deployContract(fx.ledger, admin, compiled)
  lensAbi = compiled.abi
})

describe('StakeManager money invariant', () => {
  // A long run: allow for a busy machine.
  test(`${OPERATIONS} seeded mixed operations keep the books balanced, operator keys powerless and locked stake in place`, { timeout: 300_000 }, async () => {
    const random = createPrng(SEED)
    const admin = fx.deployer
    const accounts = [...keys, ...operators, beneficiary, rewarder].map((a) => a.address)
    const model: Model = {
      now: await fx.ledger.clock.now(),
      positions: new Map(),
      operators: createOperatorBook(),
      rotations: new Map(),
      rotatedTo: new Map(),
      rewards: new Map(),
      balances: new Map([...keys.map((o) => [o.address, OWNER_FUNDS] as const), [rewarder.address, parseEther('1000000')], [beneficiary.address, 0n], ...operators.map((o) => [o.address, 0n] as const)]),
      totalStaked: 0n,
      totalUnclaimed: 0n,
    }
    const tallies = new Map<Op, Tally>(OPS.map((op) => [op, { ok: 0, reverted: new Map() }]))
    let advances = 0
    /** Stake slashed from each position during the current step. */
    let slashedThisStep = new Map<string, bigint>()
    /** Each position's active + unbonding at the last check, as the chain reported it. */
    const lastTotals = new Map<string, bigint>()
    let lockedChecks = 0
    let disputes = 0

    async function advance(seconds: bigint): Promise<void> {
      await fx.ledger.clock.advance(seconds)
      model.now += seconds
      advances++
    }

    /**
     * Estimation runs on a pending block whose time drifts with the wall clock, while the mined
     * block is exactly one second after the last; so no deadline may fall just ahead.
     */
    async function stepOverDeadlines(): Promise<void> {
      const deadlines = [
        ...[...model.positions.values()].flatMap((p) => [p.releaseAt, p.lockedUntil]),
        ...[...model.operators.slots.values()].filter((s) => s.pending !== undefined).map((s) => s.effectiveAt),
        ...[...model.rotations.values()].map((r) => r.readyAt),
      ]
      while (deadlines.some((d) => d >= model.now + 1n && d <= model.now + 1n + DEADLINE_MARGIN)) await advance(2n * DEADLINE_MARGIN)
    }

    async function check(step: number, label: string): Promise<void> {
      const out = (await fx.ledger.client.readContract({
        address: lens,
        abi: lensAbi,
        functionName: 'snapshot',
        args: [fx.stakeManager.address, fx.token.address, POOLS.map((p) => p.taskId), POOLS.map((p) => p.role), keys.map((o) => o.address), accounts],
      })) as readonly bigint[]
      let k = 0
      const next = (): bigint => {
        const value = out[k++]
        if (value === undefined) throw new Error('short snapshot')
        return value
      }
      const asAddress = (value: bigint): Address => getAddress(`0x${value.toString(16).padStart(40, '0')}`)
      const where = `step ${step} (${label})`
      const held = next()
      const staked = next()
      const unclaimed = next()
      // The invariant itself, on chain values alone.
      expect(held, where).toBe(staked + unclaimed)
      const poolActive = POOLS.map(() => ({ active: next(), stakers: next() }))
      let positionSum = 0n
      const activeSum = POOLS.map(() => 0n)
      const stakerCount = POOLS.map(() => 0n)
      for (const o of keys) {
        for (const [p] of POOLS.entries()) {
          const chain = { active: next(), unbonding: next(), releaseAt: next(), lockedUntil: next() }
          const operator = asAddress(next())
          positionSum += chain.active + chain.unbonding
          activeSum[p]! += chain.active
          if (chain.active > 0n) stakerCount[p]! += 1n
          expect(chain, `${where}: position of ${o.address} in pool ${p}`).toEqual(position(model, o.address, p))
          expect(operator, `${where}: operator of ${o.address} in pool ${p}`).toBe(effectiveOperator(slot(model, o.address, p), o.address, model.now))
          // No locked stake leaves: while locked, a position shrinks by slashes only.
          const total = chain.active + chain.unbonding
          const k2 = key(o.address, p)
          const before = lastTotals.get(k2) ?? 0n
          if (chain.lockedUntil > model.now) {
            expect(total, `${where}: locked position of ${o.address} in pool ${p} shrank`).toBeGreaterThanOrEqual(before - (slashedThisStep.get(k2) ?? 0n))
            lockedChecks++
          }
          lastTotals.set(k2, total)
        }
      }
      let rewardSum = 0n
      for (const a of accounts) {
        const reward = next()
        const balance = next()
        const successor = next()
        rewardSum += reward
        expect(reward, `${where}: rewards of ${a}`).toBe(model.rewards.get(a) ?? 0n)
        expect(balance, `${where}: balance of ${a}`).toBe(model.balances.get(a) ?? 0n)
        expect(successor === 0n ? undefined : asAddress(successor), `${where}: rotation of ${a}`).toBe(model.rotatedTo.get(a))
      }
      expect(staked, `${where}: totalStaked = sum of positions`).toBe(positionSum)
      expect(unclaimed, `${where}: totalUnclaimed = sum of rewards`).toBe(rewardSum)
      expect(staked, where).toBe(model.totalStaked)
      expect(unclaimed, where).toBe(model.totalUnclaimed)
      for (const [p, pool] of poolActive.entries()) {
        expect(pool.active, `${where}: poolActive ${p}`).toBe(activeSum[p])
        expect(pool.stakers, `${where}: stakerCount ${p}`).toBe(stakerCount[p])
      }
      slashedThisStep = new Map()
    }

    /** Runs one operation: predicts its outcome, sends it, compares, applies the model. */
    async function run(op: Op, expected: string | readonly string[], call: () => Promise<unknown>, apply: (txTime: bigint) => void): Promise<void> {
      const actual = await outcome(call())
      const allowed = typeof expected === 'string' ? [expected] : expected
      expect(allowed, `${op}: chain said ${actual}`).toContain(actual)
      const tally = tallies.get(op)!
      if (actual === 'ok') {
        model.now += 1n
        apply(model.now)
        tally.ok++
      } else {
        tally.reverted.set(actual, (tally.reverted.get(actual) ?? 0) + 1)
      }
    }

    /** Checks on chain that a position that just gave up stake was not locked at that moment. */
    async function expectUnlocked(owner: Address, pool: number, txTime: bigint, what: string): Promise<void> {
      const chain = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [POOLS[pool]!.taskId, POOLS[pool]!.role, owner] })
      expect(chain.lockedUntil, `${what} of ${owner} in pool ${pool} at ${txTime}`).toBeLessThanOrEqual(txTime)
    }

    const liveKeys = () => keys.filter((o) => !model.rotatedTo.has(o.address))
    const pickOp = (): Op | 'advance' => {
      const roll = random.nextFloat()
      const weights: [Op | 'advance', number][] = [
        ['stake', 0.13], ['stakeFor', 0.05], ['requestUnstake', 0.11], ['withdraw', 0.1], ['slash', 0.06], ['creditRewards', 0.07],
        ['claim', 0.07], ['setOperator', 0.06], ['acceptOperator', 0.05], ['cancelOperatorChange', 0.02], ['revokeOperator', 0.02],
        ['resignOperator', 0.02], ['operatorAttempt', 0.07], ['lock', 0.05], ['requestRotation', 0.015], ['completeRotation', 0.015],
        ['resolveRotation', 0.01], ['migratePosition', 0.02], ['advance', 0.06],
      ]
      let acc = 0
      for (const [op, w] of weights) {
        acc += w
        if (roll < acc) return op
      }
      return 'advance'
    }
    /** Mostly a key that never rotated; sometimes one that did (its owner actions must fail). */
    const pickOwner = (): PrivateKeyAccount => {
      const live = liveKeys()
      return live.length > 0 && random.nextFloat() < 0.9 ? random.pick(live) : random.pick(keys)
    }

    await check(0, 'start')
    let done = 0
    while (done < OPERATIONS) {
      const op = pickOp()
      if (op === 'advance') {
        await advance(random.pick([600n, 3600n, 6n * 3600n, UNBONDING, 2n * UNBONDING]))
        continue
      }
      await stepOverDeadlines()
      const owner = pickOwner()
      const poolIndex = random.nextInt(POOLS.length)
      const pool = POOLS[poolIndex]!
      const pos = position(model, owner.address, poolIndex)
      const t = model.now + 1n

      switch (op) {
        case 'stake':
        case 'stakeFor': {
          const payer = op === 'stake' ? owner : random.pick(keys)
          const to = op === 'stake' ? owner.address : random.nextFloat() < 0.03 ? zeroAddress : owner.address
          const amount = amountAround(random, parseEther('400'))
          const balance = model.balances.get(payer.address) ?? 0n
          const expected = to === zeroAddress ? 'ZeroAddress'
            : ownerRotated(model, to) ? 'OwnerRotated'
              : amount === 0n ? 'ZeroAmount'
                : pos.active + amount < pool.min ? 'BelowMinimumStake'
                  : takenBy(model, poolIndex, to, to, t) !== undefined ? 'OperatorTaken'
                    : amount > balance ? 'ERC20InsufficientBalance' : 'ok'
          const call = op === 'stake'
            ? () => send(owner, 'stake', [pool.taskId, pool.role, amount])
            : () => send(payer, 'stakeFor', [pool.taskId, pool.role, to, amount])
          await run(op, expected, call, () => {
            pos.active += amount
            model.totalStaked += amount
            credit(model, payer.address, -amount)
          })
          break
        }
        case 'requestUnstake': {
          // Mostly a position with active stake, so that unstaking happens.
          const staked = [...model.positions.entries()].filter(([k, p]) => p.active > 0n && !model.rotatedTo.has(getAddress(k.split('/')[0]!)))
          let who = owner
          let at = poolIndex
          if (staked.length > 0 && random.nextFloat() < 0.6) {
            const [address, index] = random.pick(staked)[0].split('/')
            who = keys.find((o) => o.address === address)!
            at = Number(index)
          }
          const p = position(model, who.address, at)
          const roll = random.nextFloat()
          const amount = roll < 0.1 ? 0n : roll < 0.2 ? p.active + 1n + random.nextBigInt(parseEther('10'))
            : roll < 0.5 ? p.active : random.nextBigInt(p.active + 1n)
          const remaining = p.active - amount
          const min = POOLS[at]!.min
          const expected = ownerRotated(model, who.address) ? 'OwnerRotated'
            : amount === 0n ? 'ZeroAmount'
              : amount > p.active ? 'InsufficientStake'
                : remaining !== 0n && remaining < min ? 'BelowMinimumStake' : 'ok'
          await run(op, expected, () => send(who, 'requestUnstake', [POOLS[at]!.taskId, POOLS[at]!.role, amount]), (txTime) => {
            p.active -= amount
            p.unbonding += amount
            p.releaseAt = txTime + UNBONDING
          })
          break
        }
        case 'withdraw': {
          // Mostly positions that are unbonding, of owners free to withdraw, so that withdrawals happen.
          const free = (address: Address) => !model.rotatedTo.has(address) && !model.rotations.has(address)
          const unbonding = [...model.positions.entries()].filter(([k, p]) => p.unbonding > 0n && free(getAddress(k.split('/')[0]!)))
          let who = owner
          let at = poolIndex
          if (unbonding.length > 0 && random.nextFloat() < 0.75) {
            const [k] = random.pick(unbonding)
            const [address, index] = k.split('/')
            who = keys.find((o) => o.address === address)!
            at = Number(index)
          }
          const p = position(model, who.address, at)
          const expected = ownerRotated(model, who.address) ? 'OwnerRotated'
            : rotationBlock(model, who.address) ?? (p.unbonding === 0n ? 'NothingToWithdraw'
              : t < p.releaseAt ? 'StillUnbonding'
                : t < p.lockedUntil ? 'PositionLocked' : 'ok')
          let txTime = 0n
          await run(op, expected, () => send(who, 'withdraw', [POOLS[at]!.taskId, POOLS[at]!.role]), (time) => {
            // No locked stake leaves: the model allowed this withdrawal only past the lock.
            expect(time, 'withdrawn past the lock').toBeGreaterThanOrEqual(p.lockedUntil)
            txTime = time
            model.totalStaked -= p.unbonding
            credit(model, who.address, p.unbonding)
            p.unbonding = 0n
          })
          if (txTime > 0n) await expectUnlocked(who.address, at, txTime, 'withdrawal')
          break
        }
        case 'slash': {
          // An empty position of a rotated owner is slashed at the key its stake moved to.
          let target = owner.address
          while (position(model, target, poolIndex).active + position(model, target, poolIndex).unbonding === 0n && model.rotatedTo.has(target)) {
            target = model.rotatedTo.get(target)!
          }
          const slashed = position(model, target, poolIndex)
          const size = slashed.active + slashed.unbonding
          // Mostly a slice of the position, sometimes more than all of it, sometimes nothing.
          const roll = random.nextFloat()
          const amount = roll < 0.05 ? 0n
            : roll < 0.15 ? size + random.nextBigInt(parseEther('10')) + 1n
              : random.nextBigInt(size / 4n + parseEther('1')) + 1n
          const to = random.nextFloat() < 0.03 ? zeroAddress : beneficiary.address
          const fromActive = amount < slashed.active ? amount : slashed.active
          const rest = amount - fromActive
          const fromUnbonding = rest < slashed.unbonding ? rest : slashed.unbonding
          const expected = to === zeroAddress ? 'ZeroAddress' : amount === 0n ? 'ZeroAmount' : 'ok'
          await run(op, expected, () => send(slasher, 'slash', [pool.taskId, pool.role, owner.address, amount, to, REASON, REASON]), () => {
            slashed.active -= fromActive
            slashed.unbonding -= fromUnbonding
            model.totalStaked -= fromActive + fromUnbonding
            credit(model, beneficiary.address, fromActive + fromUnbonding)
            slashedThisStep.set(key(target, poolIndex), fromActive + fromUnbonding)
          })
          break
        }
        case 'creditRewards': {
          const count = 1 + random.nextInt(3)
          const to: Address[] = Array.from({ length: count }, () => random.nextFloat() < 0.03 ? zeroAddress : random.pick(keys).address)
          const amounts = to.map(() => (random.nextFloat() < 0.2 ? 0n : random.nextBigInt(parseEther('50')) + 1n))
          if (random.nextFloat() < 0.05) amounts.push(1n)
          const sum = amounts.reduce((a, b) => a + b, 0n)
          const expected = to.length !== amounts.length ? 'LengthMismatch'
            : to.includes(zeroAddress) ? 'ZeroAddress' : sum === 0n ? 'ZeroAmount' : 'ok'
          await run(op, expected, () => send(rewarder, 'creditRewards', [to, amounts, REASON]), () => {
            for (const [i, a] of to.entries()) {
              // Rewards of a rotated owner go to the end of its rotation chain.
              let payee = a
              while (model.rotatedTo.has(payee)) payee = model.rotatedTo.get(payee)!
              model.rewards.set(payee, (model.rewards.get(payee) ?? 0n) + amounts[i]!)
            }
            model.totalUnclaimed += sum
            credit(model, rewarder.address, -sum)
          })
          break
        }
        case 'claim': {
          // Mostly an owner with rewards waiting and free to claim them.
          const owed = (o: PrivateKeyAccount) => model.rewards.get(o.address) ?? 0n
          const waiting = keys.filter((o) => owed(o) > 0n && !model.rotatedTo.has(o.address) && !model.rotations.has(o.address))
          const claimer = waiting.length > 0 && random.nextFloat() < 0.5 ? random.pick(waiting) : owner
          const roll = random.nextFloat()
          const to = roll < 0.05 ? zeroAddress : roll < 0.3 ? random.pick(keys).address : claimer.address
          const expected = ownerRotated(model, claimer.address) ? 'OwnerRotated'
            : rotationBlock(model, claimer.address) ?? (to === zeroAddress ? 'ZeroAddress' : owed(claimer) === 0n ? 'NothingToClaim' : 'ok')
          const amount = owed(claimer)
          await run(op, expected, () => send(claimer, 'claim', [to]), () => {
            model.rewards.set(claimer.address, 0n)
            model.totalUnclaimed -= amount
            credit(model, to, amount)
          })
          break
        }
        case 'setOperator': {
          const roll = random.nextFloat()
          const operator = roll < 0.03 ? zeroAddress : roll < 0.13 ? owner.address : random.pick(operators).address
          const expected = ownerRotated(model, owner.address) ? 'OwnerRotated' : operator === zeroAddress ? 'ZeroAddress' : 'ok'
          await run(op, expected, () => send(owner, 'setOperator', [pool.taskId, pool.role, operator]), (txTime) => {
            const s = settle(model, poolIndex, owner.address, txTime)
            releasePending(model, poolIndex, owner.address, s)
            s.pending = operator
            s.effectiveAt = txTime + OPERATOR_DELAY
            s.accepted = operator === owner.address
          })
          break
        }
        case 'acceptOperator': {
          // Mostly a proposal still waiting for its key, so that acceptances happen.
          const waiting = [...model.operators.slots.entries()].filter(([, s]) => s.pending !== undefined && !s.accepted && operators.some((o) => o.address === s.pending))
          let who = owner.address
          let at = poolIndex
          let sender = random.pick(operators)
          if (waiting.length > 0 && random.nextFloat() < 0.85) {
            const [k, s] = random.pick(waiting)
            const [index, address] = k.split('/')
            who = getAddress(address!)
            at = Number(index)
            sender = operators.find((o) => o.address === s.pending)!
          }
          const s = slot(model, who, at)
          const pending = matured(s, t) ? undefined : s.pending
          const expected = pending !== sender.address || s.accepted ? 'NotPendingOperator'
            : takenBy(model, at, sender.address, who, t) !== undefined ? 'OperatorTaken'
              : position(model, sender.address, at).active > 0n ? 'OperatorTaken' : 'ok'
          await run(op, expected, () => send(sender, 'acceptOperator', [POOLS[at]!.taskId, POOLS[at]!.role, who]), (txTime) => {
            const settled = settle(model, at, who, txTime)
            model.operators.claims.set(operatorKey(String(at), sender.address), who)
            settled.accepted = true
          })
          break
        }
        case 'cancelOperatorChange': {
          // Mostly owners with a change still pending, so that cancellations happen.
          const pending = [...model.operators.slots.entries()].filter(([, s]) => s.pending !== undefined && !matured(s, t))
          let who = owner.address
          let at = poolIndex
          if (pending.length > 0 && random.nextFloat() < 0.8) {
            const [index, address] = random.pick(pending)[0].split('/')
            who = getAddress(address!)
            at = Number(index)
          }
          const s = slot(model, who, at)
          const expected = s.pending === undefined || matured(s, t) ? 'NoPendingOperatorChange' : 'ok'
          const sender = keys.find((o) => o.address === who)!
          await run(op, expected, () => send(sender, 'cancelOperatorChange', [POOLS[at]!.taskId, POOLS[at]!.role]), (txTime) => {
            releasePending(model, at, who, settle(model, at, who, txTime))
          })
          break
        }
        case 'revokeOperator': {
          await run(op, 'ok', () => send(owner, 'revokeOperator', [pool.taskId, pool.role]), (txTime) => {
            const s = settle(model, poolIndex, owner.address, txTime)
            releasePending(model, poolIndex, owner.address, s)
            release(model, poolIndex, owner.address, s.current)
            s.current = undefined
          })
          break
        }
        case 'resignOperator': {
          // Mostly a key that does work for someone (current or pending).
          const working = [...model.operators.slots.entries()].filter(([, s]) => operators.some((o) => o.address === s.current || o.address === s.pending))
          let who = owner.address
          let at = poolIndex
          let sender = random.pick(operators)
          if (working.length > 0 && random.nextFloat() < 0.8) {
            const [k, s] = random.pick(working)
            const [index, address] = k.split('/')
            who = getAddress(address!)
            at = Number(index)
            const candidates = operators.filter((o) => o.address === s.current || o.address === s.pending)
            sender = random.pick(candidates)
          }
          const s = slot(model, who, at)
          const current = matured(s, t) ? s.pending : s.current
          const pending = matured(s, t) ? undefined : s.pending
          const expected = current === sender.address || pending === sender.address ? 'ok' : 'NotOperator'
          await run(op, expected, () => send(sender, 'resignOperator', [POOLS[at]!.taskId, POOLS[at]!.role, who]), (txTime) => {
            const settled = settle(model, at, who, txTime)
            if (settled.current === sender.address) {
              release(model, at, who, sender.address)
              settled.current = undefined
            } else {
              releasePending(model, at, who, settled)
            }
          })
          break
        }
        case 'operatorAttempt': {
          // The key working for this owner in this pool if it is an operator key, else any.
          const current = effectiveOperator(slot(model, owner.address, poolIndex), owner.address, model.now)
          const operator = operators.find((o) => o.address === current) ?? random.pick(operators)
          const before = model.balances.get(operator.address) ?? 0n
          const attempt = random.pick(['requestUnstake', 'withdraw', 'claim', 'stake'] as const)
          // Aim at the owner's funds: the amounts it holds there.
          const amount = pos.active > 0n ? pos.active : pos.unbonding
          let expected: string
          let call: () => Promise<unknown>
          if (attempt === 'requestUnstake') {
            expected = amount === 0n ? 'ZeroAmount' : 'InsufficientStake'
            call = () => send(operator, 'requestUnstake', [pool.taskId, pool.role, amount])
          } else if (attempt === 'withdraw') {
            expected = 'NothingToWithdraw'
            call = () => send(operator, 'withdraw', [pool.taskId, pool.role])
          } else if (attempt === 'claim') {
            expected = 'NothingToClaim'
            call = () => send(operator, 'claim', [operator.address])
          } else {
            expected = amount === 0n ? 'ZeroAmount' : amount < pool.min ? 'BelowMinimumStake'
              : takenBy(model, poolIndex, operator.address, operator.address, t) !== undefined ? 'OperatorTaken' : 'ERC20InsufficientAllowance'
            call = () => send(operator, 'stake', [pool.taskId, pool.role, amount])
          }
          // Every attempt must fail: an operator key has no position, rewards or allowance.
          await run(op, expected, call, () => {})
          expect(model.balances.get(operator.address) ?? 0n).toBe(before)
          break
        }
        case 'lock': {
          // The stage may lock its own task's pools only; the slasher any pool.
          const byStage = random.nextFloat() < 0.6
          const roll = random.nextFloat()
          const until = roll < 0.1 ? t - 1n : roll < 0.15 ? t + MAX_LOCK + 1n + random.nextBigInt(1000n) : t + random.nextBigInt(3n * UNBONDING)
          const expected = byStage && pool.taskId !== STAGE_TASK ? 'AccessControlUnauthorizedAccount'
            : until > t + MAX_LOCK ? 'LockTooLong' : 'ok'
          await run(op, expected, () => send(byStage ? stage : slasher, 'lock', [pool.taskId, pool.role, owner.address, until]), () => {
            // Every key on the owner's rotation chain: its stake may have moved along it.
            for (let k: Address | undefined = owner.address; k !== undefined; k = model.rotatedTo.get(k)) {
              const held = position(model, k, poolIndex)
              if (until > held.lockedUntil) held.lockedUntil = until
            }
          })
          break
        }
        case 'requestRotation': {
          // Often an owner whose rotation is pending: a repeat, or another key (a dispute).
          const rotating = keys.filter((o) => model.rotations.has(o.address) && !model.rotations.get(o.address)!.disputed)
          const requester = rotating.length > 0 && random.nextFloat() < 0.4 ? random.pick(rotating) : owner
          const r = model.rotations.get(requester.address)
          const roll = random.nextFloat()
          // Now and then an invalid key.
          const to = roll < 0.05 ? zeroAddress : roll < 0.1 ? requester.address
            : r !== undefined && roll < 0.4 ? r.to : random.pick(keys).address
          const invalid = to === zeroAddress || to === requester.address || model.rotatedTo.has(to)
          const expected = ownerRotated(model, requester.address) ? 'OwnerRotated'
            : invalid ? 'InvalidRotationTarget'
              : r?.disputed === true ? 'RotationDisputedFrozen'
                : r === undefined ? 'ok' : r.to === to ? 'RotationPending' : 'ok'
          await run(op, expected, () => send(requester, 'requestRotation', [to]), (txTime) => {
            if (r === undefined) model.rotations.set(requester.address, { to, readyAt: txTime + ROTATION_DELAY, disputed: false })
            else {
              r.disputed = true
              disputes++
            }
          })
          break
        }
        case 'completeRotation': {
          // Mostly a rotation that is ready, so that completions happen; but each completion
          // retires a key, so once few keys are left only from a key that is not the target.
          const all = [...model.rotations.entries()]
          const ready = all.filter(([, r]) => !r.disputed && t >= r.readyAt)
          const candidates = ready.length > 0 && random.nextFloat() < 0.8 ? ready : all
          const retire = liveKeys().length > MIN_LIVE_KEYS
          let who = owner.address
          let sender = random.pick(keys)
          if (candidates.length > 0 && random.nextFloat() < 0.9) {
            const [address, r] = random.pick(candidates)
            who = address
            sender = retire && random.nextFloat() < 0.9 ? keys.find((o) => o.address === r.to)! : random.pick(keys.filter((o) => o.address !== r.to))
          }
          const r = model.rotations.get(who)
          if (!retire && r !== undefined && !r.disputed && r.to === sender.address) sender = random.pick(keys.filter((o) => o.address !== r.to))
          const expected = r === undefined ? 'NoRotation'
            : r.disputed ? 'RotationDisputedFrozen'
              : r.to !== sender.address ? 'NotRotationTarget'
                : t < r.readyAt ? 'RotationNotReady' : 'ok'
          await run(op, expected, () => send(sender, 'completeRotation', [who]), () => rotate(model, who, sender.address))
          break
        }
        case 'resolveRotation': {
          // Mostly a disputed rotation, else any pending one; governance settles on the first key
          // asked for while enough keys are left, else cancels.
          const all = [...model.rotations.entries()]
          const disputed = all.filter(([, r]) => r.disputed)
          const candidates = disputed.length > 0 && random.nextFloat() < 0.7 ? disputed : all
          const [who, r] = candidates.length > 0 && random.nextFloat() < 0.9 ? random.pick(candidates) : [owner.address, model.rotations.get(owner.address)]
          const to = r !== undefined && r.disputed && random.nextFloat() < 0.3 && liveKeys().length > MIN_LIVE_KEYS ? r.to : zeroAddress
          const expected = r === undefined ? 'NoRotation' : to === who || (to !== zeroAddress && model.rotatedTo.has(to)) ? 'InvalidRotationTarget' : 'ok'
          await run(op, expected, () => send(admin, 'resolveRotation', [who, to]), () => {
            if (to === zeroAddress) model.rotations.delete(who)
            else rotate(model, who, to)
          })
          break
        }
        case 'migratePosition': {
          // Mostly a rotated owner's position that still holds stake.
          const left = [...model.positions.entries()].filter(([k, p]) => p.active + p.unbonding > 0n && model.rotatedTo.has(getAddress(k.split('/')[0]!)))
          let from = owner.address
          let at = poolIndex
          if (left.length > 0 && random.nextFloat() < 0.85) {
            const [address, index] = random.pick(left)[0].split('/')
            from = getAddress(address!)
            at = Number(index)
          }
          const p = position(model, from, at)
          const to = model.rotatedTo.get(from)
          const expected = to === undefined ? 'NoRotation' : t < p.lockedUntil ? 'PositionLocked' : 'ok'
          let txTime = 0n
          await run(op, expected, () => send(beneficiary, 'migratePosition', [POOLS[at]!.taskId, POOLS[at]!.role, from]), (time) => {
            expect(time, 'migrated past the lock').toBeGreaterThanOrEqual(p.lockedUntil)
            txTime = time
            const q = position(model, to!, at)
            if (p.releaseAt > q.releaseAt) q.releaseAt = p.releaseAt
            q.unbonding += p.unbonding
            q.active += p.active
            p.unbonding = 0n
            p.active = 0n
            // No settle first: the pending change and the current key are both released.
            const s = slot(model, from, at)
            releasePending(model, at, from, s)
            release(model, at, from, s.current)
            s.current = undefined
          })
          if (txTime > 0n) await expectUnlocked(from, at, txTime, 'migration')
          break
        }
      }
      done++
      await check(done, op)
      if (done % 200 === 0) expect(await fx.ledger.clock.now(), `chain time at step ${done}`).toBe(model.now)
    }

    // A healthy mix: every kind of operation succeeded many times, and failed in the expected ways.
    const summary = Object.fromEntries([...tallies].map(([op, t]) => [op, { ok: t.ok, reverted: Object.fromEntries(t.reverted) }]))
    const ok = (op: Op) => tallies.get(op)!.ok
    const reverted = (op: Op, name: string) => tallies.get(op)!.reverted.get(name) ?? 0
    for (const op of ['stake', 'requestUnstake', 'withdraw', 'slash', 'creditRewards', 'claim', 'setOperator', 'lock'] as const) {
      expect(ok(op), `${op} successes in ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(40)
    }
    for (const op of ['stakeFor', 'acceptOperator', 'revokeOperator'] as const) expect(ok(op), `${op} in ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(20)
    for (const op of ['cancelOperatorChange', 'resignOperator'] as const) expect(ok(op), `${op} in ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(5)
    for (const op of ['requestRotation', 'resolveRotation', 'migratePosition'] as const) expect(ok(op), `${op} in ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(3)
    expect(ok('completeRotation'), JSON.stringify(summary)).toBeGreaterThanOrEqual(1)
    // Keys were retired by rotation (completed or resolved) down to the floor the run keeps.
    expect(model.rotatedTo.size).toBe(keys.length - MIN_LIVE_KEYS)
    // Rotations got in the way as they should: pending ones held claims and withdrawals back,
    // disputes happened, and rotated keys were refused as owners.
    const seen = (name: string) => OPS.reduce((sum, op) => sum + reverted(op, name), 0)
    expect(seen('RotationPending')).toBeGreaterThan(0)
    expect(seen('OwnerRotated')).toBeGreaterThan(0)
    expect(disputes).toBeGreaterThan(0)
    const attempts = tallies.get('operatorAttempt')!
    expect(attempts.ok).toBe(0)
    expect([...attempts.reverted.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100)
    for (const name of ['StillUnbonding', 'NothingToWithdraw', 'PositionLocked']) expect(reverted('withdraw', name), `withdraw ${name} in ${JSON.stringify(summary)}`).toBeGreaterThan(0)
    for (const name of ['InsufficientStake', 'BelowMinimumStake', 'ZeroAmount', 'OwnerRotated']) expect(reverted('requestUnstake', name), `requestUnstake ${name}`).toBeGreaterThan(0)
    expect(reverted('acceptOperator', 'OperatorTaken') + reverted('stake', 'OperatorTaken') + reverted('stakeFor', 'OperatorTaken'), JSON.stringify(summary)).toBeGreaterThan(0)
    expect(reverted('lock', 'LockTooLong') + reverted('lock', 'AccessControlUnauthorizedAccount')).toBeGreaterThan(0)
    expect(lockedChecks, 'locked positions checked').toBeGreaterThan(OPERATIONS)
    expect(advances).toBeGreaterThan(0)
    // Money moved for real: stake sat in the manager and rewards waited to be claimed.
    expect(model.totalStaked + model.totalUnclaimed).toBeGreaterThan(0n)
  })
})
