import { beforeAll, describe, expect, test } from 'vitest'
import { getAddress, keccak256, maxUint256, parseEther, stringToBytes, zeroAddress } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'

/**
 * The money invariant of StakeManager under a long seeded run of mixed operations:
 * token.balanceOf(manager) == totalStaked + totalUnclaimed after every step, every position and
 * reward matches a model of the contract's rules, and operator keys never gain tokens nor touch
 * their owners' positions. Every outcome (success or the exact custom error) is predicted by the
 * model first and checked against the chain.
 */

const SEED = 7331
const OPERATIONS = 2400
const UNBONDING = 24n * 3600n
const OPERATOR_DELAY = 3600n
const MIN_VERIFIER = parseEther('100')
const OWNER_FUNDS = parseEther('20000')
/** Deadlines closer than this to the next block are stepped over (see `stepOverDeadlines`). */
const DEADLINE_MARGIN = 30n
const REASON = keccak256(stringToBytes('INVARIANT_TEST'))

type Pool = { taskId: bigint; role: Hex; min: bigint }
const POOLS: readonly Pool[] = [
  { taskId: 0n, role: roleId('verifier'), min: MIN_VERIFIER },
  { taskId: 0n, role: roleId('trainer'), min: 0n },
  { taskId: 7n, role: roleId('verifier'), min: MIN_VERIFIER },
  { taskId: 7n, role: roleId('trainer'), min: 0n },
]

type Position = { active: bigint; unbonding: bigint; releaseAt: bigint }
type OperatorSlot = { current: Address | undefined; pending: Address | undefined; effectiveAt: bigint }

/** The contract's rules, restated: what the chain must hold after each step. */
type Model = {
  now: bigint
  positions: Map<string, Position>
  slots: Map<string, OperatorSlot>
  rewards: Map<Address, bigint>
  balances: Map<Address, bigint>
  totalStaked: bigint
  totalUnclaimed: bigint
}

const OPS = ['stake', 'requestUnstake', 'withdraw', 'slash', 'creditRewards', 'claim', 'setOperator', 'cancelOperatorChange', 'operatorAttempt'] as const
type Op = (typeof OPS)[number]
type Tally = { ok: number; reverted: Map<string, number> }

let fx: ProtocolFixture
let slasher: PrivateKeyAccount
let rewarder: PrivateKeyAccount
let beneficiary: PrivateKeyAccount
let owners: PrivateKeyAccount[]
let operators: PrivateKeyAccount[]
let lens: Address
let lensAbi: Awaited<ReturnType<typeof compileMock>>['abi']

const key = (owner: Address, pool: number) => `${owner}/${pool}`

function position(m: Model, owner: Address, pool: number): Position {
  const k = key(owner, pool)
  let p = m.positions.get(k)
  if (p === undefined) {
    p = { active: 0n, unbonding: 0n, releaseAt: 0n }
    m.positions.set(k, p)
  }
  return p
}

function slot(m: Model, owner: Address, pool: number): OperatorSlot {
  const k = key(owner, pool)
  let s = m.slots.get(k)
  if (s === undefined) {
    s = { current: undefined, pending: undefined, effectiveAt: 0n }
    m.slots.set(k, s)
  }
  return s
}

/** The key that works for `owner` at time `t` (StakeManager._effectiveOperator). */
function effectiveOperator(s: OperatorSlot, owner: Address, t: bigint): Address {
  const op = s.pending !== undefined && t >= s.effectiveAt ? s.pending : s.current
  return op ?? owner
}

/** Whether `owner` holds `k` as operator now or as a pending change (StakeManager._holds). */
function holds(m: Model, owner: Address, pool: number, k: Address, t: bigint): boolean {
  const s = slot(m, owner, pool)
  return effectiveOperator(s, owner, t) === k || s.pending === k
}

function settle(s: OperatorSlot, t: bigint): void {
  if (s.pending !== undefined && t >= s.effectiveAt) {
    s.current = s.pending
    s.pending = undefined
    s.effectiveAt = 0n
  }
}

function credit(m: Model, account: Address, amount: bigint): void {
  m.balances.set(account, (m.balances.get(account) ?? 0n) + amount)
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
  return writeContract(fx.ledger, account, { ...fx.stakeManager, functionName, args } as never)
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
    accounts: 14,
    funded: [],
    params: { unbondingDelay: UNBONDING, operatorDelay: OPERATOR_DELAY },
    devAdmin: true,
  })
  slasher = accountAt(fx, 1)
  rewarder = accountAt(fx, 2)
  beneficiary = accountAt(fx, 3)
  owners = [4, 5, 6, 7].map((i) => accountAt(fx, i))
  operators = [8, 9, 10, 11, 12, 13].map((i) => accountAt(fx, i))
  const admin = fx.deployer
  const sm = fx.stakeManager
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'grantRole', args: [await fx.ledger.client.readContract({ ...sm, functionName: 'SLASHER_ROLE' }), slasher.address] })
  await writeContract(fx.ledger, admin, { ...sm, functionName: 'grantRole', args: [await fx.ledger.client.readContract({ ...sm, functionName: 'REWARDER_ROLE' }), rewarder.address] })
  await writeContract(fx.ledger, admin, { ...fx.token, functionName: 'transfer', args: [rewarder.address, parseEther('1000000')] })
  await writeContract(fx.ledger, rewarder, { ...fx.token, functionName: 'approve', args: [sm.address, maxUint256] })
  for (const o of owners) {
    await writeContract(fx.ledger, admin, { ...fx.token, functionName: 'transfer', args: [o.address, OWNER_FUNDS] })
    await writeContract(fx.ledger, o, { ...fx.token, functionName: 'approve', args: [sm.address, maxUint256] })
  }
  const compiled = await compileMock('StakeLens')
  lens = await deployContract(fx.ledger, admin, compiled)
  lensAbi = compiled.abi
})

describe('StakeManager money invariant', () => {
  test(`${OPERATIONS} seeded mixed operations keep the books balanced and operator keys powerless`, async () => {
    const random = createPrng(SEED)
    const accounts = [...owners, ...operators, beneficiary, rewarder].map((a) => a.address)
    const model: Model = {
      now: await fx.ledger.clock.now(),
      positions: new Map(),
      slots: new Map(),
      rewards: new Map(),
      balances: new Map([...owners.map((o) => [o.address, OWNER_FUNDS] as const), [rewarder.address, parseEther('1000000')], [beneficiary.address, 0n], ...operators.map((o) => [o.address, 0n] as const)]),
      totalStaked: 0n,
      totalUnclaimed: 0n,
    }
    const tallies = new Map<Op, Tally>(OPS.map((op) => [op, { ok: 0, reverted: new Map() }]))
    let advances = 0

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
        ...[...model.positions.values()].filter((p) => p.unbonding > 0n).map((p) => p.releaseAt),
        ...[...model.slots.values()].filter((s) => s.pending !== undefined).map((s) => s.effectiveAt),
      ]
      while (deadlines.some((d) => d >= model.now + 1n && d <= model.now + 1n + DEADLINE_MARGIN)) await advance(2n * DEADLINE_MARGIN)
    }

    async function check(step: number, label: string): Promise<void> {
      const out = (await fx.ledger.client.readContract({
        address: lens,
        abi: lensAbi,
        functionName: 'snapshot',
        args: [fx.stakeManager.address, fx.token.address, POOLS.map((p) => p.taskId), POOLS.map((p) => p.role), owners.map((o) => o.address), accounts],
      })) as readonly bigint[]
      let k = 0
      const next = (): bigint => {
        const value = out[k++]
        if (value === undefined) throw new Error('short snapshot')
        return value
      }
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
      for (const o of owners) {
        for (const [p] of POOLS.entries()) {
          const chain = { active: next(), unbonding: next(), releaseAt: next() }
          const operator = getAddress(`0x${next().toString(16).padStart(40, '0')}`)
          positionSum += chain.active + chain.unbonding
          activeSum[p]! += chain.active
          if (chain.active > 0n) stakerCount[p]! += 1n
          expect(chain, `${where}: position of ${o.address} in pool ${p}`).toEqual(position(model, o.address, p))
          expect(operator, `${where}: operator of ${o.address} in pool ${p}`).toBe(effectiveOperator(slot(model, o.address, p), o.address, model.now))
        }
      }
      let rewardSum = 0n
      for (const a of accounts) {
        const reward = next()
        const balance = next()
        rewardSum += reward
        expect(reward, `${where}: rewards of ${a}`).toBe(model.rewards.get(a) ?? 0n)
        expect(balance, `${where}: balance of ${a}`).toBe(model.balances.get(a) ?? 0n)
      }
      expect(staked, `${where}: totalStaked = sum of positions`).toBe(positionSum)
      expect(unclaimed, `${where}: totalUnclaimed = sum of rewards`).toBe(rewardSum)
      expect(staked, where).toBe(model.totalStaked)
      expect(unclaimed, where).toBe(model.totalUnclaimed)
      for (const [p, pool] of poolActive.entries()) {
        expect(pool.active, `${where}: poolActive ${p}`).toBe(activeSum[p])
        expect(pool.stakers, `${where}: stakerCount ${p}`).toBe(stakerCount[p])
      }
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

    const pickOp = (): Op | 'advance' => {
      const roll = random.nextFloat()
      const weights: [Op | 'advance', number][] = [
        ['stake', 0.19], ['requestUnstake', 0.14], ['withdraw', 0.12], ['slash', 0.08], ['creditRewards', 0.08],
        ['claim', 0.08], ['setOperator', 0.08], ['cancelOperatorChange', 0.03], ['operatorAttempt', 0.12], ['advance', 0.08],
      ]
      let acc = 0
      for (const [op, w] of weights) {
        acc += w
        if (roll < acc) return op
      }
      return 'advance'
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
      const owner = random.pick(owners)
      const poolIndex = random.nextInt(POOLS.length)
      const pool = POOLS[poolIndex]!
      const pos = position(model, owner.address, poolIndex)
      const t = model.now + 1n

      switch (op) {
        case 'stake': {
          const amount = amountAround(random, parseEther('400'))
          const balance = model.balances.get(owner.address) ?? 0n
          const expected = amount === 0n ? 'ZeroAmount'
            : pos.active + amount < pool.min ? 'BelowMinimumStake'
              : amount > balance ? 'ERC20InsufficientBalance' : 'ok'
          await run(op, expected, () => send(owner, 'stake', [pool.taskId, pool.role, amount]), () => {
            pos.active += amount
            model.totalStaked += amount
            credit(model, owner.address, -amount)
          })
          break
        }
        case 'requestUnstake': {
          const roll = random.nextFloat()
          const amount = roll < 0.1 ? 0n : roll < 0.2 ? pos.active + 1n + random.nextBigInt(parseEther('10'))
            : roll < 0.5 ? pos.active : random.nextBigInt(pos.active + 1n)
          const remaining = pos.active - amount
          const expected = amount === 0n ? 'ZeroAmount'
            : amount > pos.active ? 'InsufficientStake'
              : remaining !== 0n && remaining < pool.min ? 'BelowMinimumStake' : 'ok'
          await run(op, expected, () => send(owner, 'requestUnstake', [pool.taskId, pool.role, amount]), (txTime) => {
            pos.active -= amount
            pos.unbonding += amount
            pos.releaseAt = txTime + UNBONDING
          })
          break
        }
        case 'withdraw': {
          // Mostly positions that are unbonding, so that withdrawals happen.
          const unbonding = [...model.positions.entries()].filter(([, p]) => p.unbonding > 0n)
          let who = owner
          let at = poolIndex
          if (unbonding.length > 0 && random.nextFloat() < 0.75) {
            const [k] = random.pick(unbonding)
            const [address, index] = k.split('/')
            who = owners.find((o) => o.address === address)!
            at = Number(index)
          }
          const p = position(model, who.address, at)
          const expected = p.unbonding === 0n ? 'NothingToWithdraw' : t < p.releaseAt ? 'StillUnbonding' : 'ok'
          await run(op, expected, () => send(who, 'withdraw', [POOLS[at]!.taskId, POOLS[at]!.role]), () => {
            model.totalStaked -= p.unbonding
            credit(model, who.address, p.unbonding)
            p.unbonding = 0n
          })
          break
        }
        case 'slash': {
          const size = pos.active + pos.unbonding
          // Mostly a slice of the position, sometimes more than all of it, sometimes nothing.
          const roll = random.nextFloat()
          const amount = roll < 0.05 ? 0n
            : roll < 0.15 ? size + random.nextBigInt(parseEther('10')) + 1n
              : random.nextBigInt(size / 4n + parseEther('1')) + 1n
          const to = random.nextFloat() < 0.03 ? zeroAddress : beneficiary.address
          const fromActive = amount < pos.active ? amount : pos.active
          const rest = amount - fromActive
          const fromUnbonding = rest < pos.unbonding ? rest : pos.unbonding
          const expected = to === zeroAddress ? 'ZeroAddress' : amount === 0n ? 'ZeroAmount' : 'ok'
          await run(op, expected, () => send(slasher, 'slash', [pool.taskId, pool.role, owner.address, amount, to, REASON, REASON]), () => {
            pos.active -= fromActive
            pos.unbonding -= fromUnbonding
            model.totalStaked -= fromActive + fromUnbonding
            credit(model, beneficiary.address, fromActive + fromUnbonding)
          })
          break
        }
        case 'creditRewards': {
          const count = 1 + random.nextInt(3)
          const to: Address[] = Array.from({ length: count }, () => random.nextFloat() < 0.03 ? zeroAddress : random.pick(owners).address)
          const amounts = to.map(() => (random.nextFloat() < 0.2 ? 0n : random.nextBigInt(parseEther('50')) + 1n))
          if (random.nextFloat() < 0.05) amounts.push(1n)
          const sum = amounts.reduce((a, b) => a + b, 0n)
          const expected = to.length !== amounts.length ? 'LengthMismatch'
            : to.includes(zeroAddress) ? 'ZeroAddress' : sum === 0n ? 'ZeroAmount' : 'ok'
          await run(op, expected, () => send(rewarder, 'creditRewards', [to, amounts, REASON]), () => {
            for (const [i, a] of to.entries()) model.rewards.set(a, (model.rewards.get(a) ?? 0n) + amounts[i]!)
            model.totalUnclaimed += sum
            credit(model, rewarder.address, -sum)
          })
          break
        }
        case 'claim': {
          const roll = random.nextFloat()
          const to = roll < 0.05 ? zeroAddress : roll < 0.3 ? random.pick(owners).address : owner.address
          const owed = model.rewards.get(owner.address) ?? 0n
          const expected = to === zeroAddress ? 'ZeroAddress' : owed === 0n ? 'NothingToClaim' : 'ok'
          await run(op, expected, () => send(owner, 'claim', [to]), () => {
            model.rewards.set(owner.address, 0n)
            model.totalUnclaimed -= owed
            credit(model, to, owed)
          })
          break
        }
        case 'setOperator': {
          const roll = random.nextFloat()
          const operator = roll < 0.03 ? zeroAddress : roll < 0.13 ? owner.address : random.pick(operators).address
          const taken = owners.some((o) => o.address !== owner.address && holds(model, o.address, poolIndex, operator, t))
          const expected = operator === zeroAddress ? 'ZeroAddress' : taken ? 'OperatorTaken' : 'ok'
          await run(op, expected, () => send(owner, 'setOperator', [pool.taskId, pool.role, operator]), (txTime) => {
            const s = slot(model, owner.address, poolIndex)
            settle(s, txTime)
            s.pending = operator
            s.effectiveAt = txTime + OPERATOR_DELAY
          })
          break
        }
        case 'cancelOperatorChange': {
          // Mostly owners with a change still pending, so that cancellations happen.
          const pending = [...model.slots.entries()].filter(([, s]) => s.pending !== undefined && t < s.effectiveAt)
          let who = owner
          let at = poolIndex
          if (pending.length > 0 && random.nextFloat() < 0.8) {
            const [address, index] = random.pick(pending)[0].split('/')
            who = owners.find((o) => o.address === address)!
            at = Number(index)
          }
          const s = slot(model, who.address, at)
          const matured = s.pending !== undefined && t >= s.effectiveAt
          const expected = s.pending === undefined || matured ? 'NoPendingOperatorChange' : 'ok'
          await run(op, expected, () => send(who, 'cancelOperatorChange', [POOLS[at]!.taskId, POOLS[at]!.role]), () => {
            s.pending = undefined
            s.effectiveAt = 0n
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
            const held = owners.some((o) => holds(model, o.address, poolIndex, operator.address, t))
            expected = amount === 0n ? 'ZeroAmount' : amount < pool.min ? 'BelowMinimumStake' : held ? 'OperatorTaken' : 'ERC20InsufficientAllowance'
            call = () => send(operator, 'stake', [pool.taskId, pool.role, amount])
          }
          // Every attempt must fail: an operator key has no position, rewards or allowance.
          await run(op, expected, call, () => {})
          expect(model.balances.get(operator.address) ?? 0n).toBe(before)
          break
        }
      }
      done++
      await check(done, op)
      if (done % 200 === 0) expect(await fx.ledger.clock.now(), `chain time at step ${done}`).toBe(model.now)
    }

    // A healthy mix: every kind of operation succeeded many times, and failed in the expected ways.
    const summary = Object.fromEntries([...tallies].map(([op, t]) => [op, { ok: t.ok, reverted: Object.fromEntries(t.reverted) }]))
    for (const op of ['stake', 'requestUnstake', 'withdraw', 'slash', 'creditRewards', 'claim', 'setOperator'] as const) {
      expect(tallies.get(op)!.ok, `${op} successes in ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(40)
    }
    expect(tallies.get('cancelOperatorChange')!.ok).toBeGreaterThanOrEqual(10)
    const attempts = tallies.get('operatorAttempt')!
    expect(attempts.ok).toBe(0)
    expect([...attempts.reverted.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(150)
    for (const name of ['StillUnbonding', 'NothingToWithdraw']) expect(tallies.get('withdraw')!.reverted.get(name) ?? 0).toBeGreaterThan(0)
    for (const name of ['InsufficientStake', 'BelowMinimumStake', 'ZeroAmount']) expect(tallies.get('requestUnstake')!.reverted.get(name) ?? 0).toBeGreaterThan(0)
    expect(tallies.get('setOperator')!.reverted.get('OperatorTaken') ?? 0).toBeGreaterThan(0)
    expect(advances).toBeGreaterThan(0)
    // Money moved for real: stake sat in the manager and rewards waited to be claimed.
    expect(model.totalStaked + model.totalUnclaimed).toBeGreaterThan(0n)
  })
})
