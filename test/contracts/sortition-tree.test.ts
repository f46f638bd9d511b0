import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { keccak256, maxUint96, parseEther, toHex, zeroAddress } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { createRevertLog } from '../helpers/reverts.js'
import { deploySortitionHarness } from '../helpers/sortition-harness.js'
import type { SortitionHarness } from '../helpers/sortition-harness.js'
import { createSortitionModel, referenceDraw, sortitionKey } from '../helpers/sortition-model.js'
import type { SortitionModel } from '../helpers/sortition-model.js'

const SEED = 2612
/** Chi-square critical value for 5 degrees of freedom at p = 0.001. */
const CHI_SQUARE_5_DF_P001 = 20.515

let ledger: EmbeddedLedger
let account: PrivateKeyAccount
let tree: SortitionHarness
const log = createRevertLog()

const seedOf = (label: string) => keccak256(toHex(label))
const keys = (from: number, count: number) => Array.from({ length: count }, (_, i) => sortitionKey(from + i))
const deai = (random: Prng) => parseEther(String(100 + random.nextInt(1_901)))

beforeAll(async () => {
  ledger = await createEmbeddedLedger({ accounts: 1 })
  account = ledger.accounts[0]!
})

afterAll(async () => {
  await ledger.close()
})

/** Sets the same keys in the contract and the model, in one transaction. */
async function setBoth(tree: SortitionHarness, model: SortitionModel, keys: readonly Address[], values: readonly bigint[], epoch: bigint): Promise<void> {
  await tree.setMany(keys, values, epoch)
  for (const [i, key] of keys.entries()) model.set(key, values[i]!, epoch)
}

/**
 * Asserts a snapshot read: the model's value, or a revert where the model says the history is gone.
 *
 * @returns whether it reverted.
 */
async function expectRead(read: Promise<bigint>, expected: bigint | 'gone'): Promise<boolean> {
  if (expected === 'gone') await log.expectRevert(read, 'SortitionEpochTooOld')
  else expect(await read).toBe(expected)
  return expected === 'gone'
}

describe('SortitionTree', () => {
  test('sums and snapshot reads follow the reference model through mixed updates across epochs', async () => {
    const random = createPrng(SEED)
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    const pool = keys(0, 24)
    let epoch = 1n
    let before = 1n
    const reads = { gone: 0, kept: 0 }
    const tally = (gone: boolean) => void (gone ? reads.gone++ : reads.kept++)
    for (let round = 0; round < 10; round++) {
      // New keys, changes, keys set back to 0 (they keep their leaves), unchanged values, repeats.
      const batch = Array.from({ length: 12 }, () => random.pick(pool))
      const values = batch.map((key) => {
        const roll = random.nextFloat()
        return roll < 0.2 ? 0n : roll < 0.3 ? model.valueOf(key) : 1n + random.nextBigInt(parseEther('5000'))
      })
      await setBoth(tree, model, batch, values, epoch)

      expect(await tree.leafCount()).toBe(BigInt(model.keys.length))
      expect(await tree.total()).toBe(model.total())
      for (const at of [before, epoch, epoch + 1n]) tally(await expectRead(tree.totalAt(at), model.totalAt(at)))
      for (const key of pool) {
        expect(await tree.valueOf(key)).toBe(model.valueOf(key))
        for (const at of [before, epoch, epoch + 1n]) tally(await expectRead(tree.valueAt(key, at), model.valueAt(key, at)))
      }
      for (let d = 0; d < 3; d++) {
        const init = { seed: seedOf(`mixed ${round} ${d}`), count: 1 + random.nextInt(6), exclude: random.nextFloat() < 0.5 ? random.pick(pool) : zeroAddress, minimum: random.nextBigInt(parseEther('3000')) }
        expect(await tree.draw({ ...init, count: BigInt(init.count), epoch })).toEqual(referenceDraw(model.leavesAt(epoch), init))
      }
      before = epoch
      epoch += BigInt(1 + random.nextInt(3))
    }
    // Reads of the epoch before reached both keys changed since (reverted) and keys not changed (kept).
    expect(reads.gone).toBeGreaterThan(20)
    expect(reads.kept).toBeGreaterThan(reads.gone)
  })

  test('deepening past powers of two keeps every snapshot', async () => {
    const random = createPrng(SEED + 1)
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    // Key k arrives in epoch k + 1: the tree deepens at 2, 3, 5, 9 and 17 keys.
    for (const [k, key] of keys(100, 17).entries()) {
      const epoch = BigInt(k + 1)
      await setBoth(tree, model, [key], [deai(random)], epoch)
      expect(await tree.leafCount()).toBe(BigInt(k + 1))
      expect(await tree.total()).toBe(model.total())
      expect(await tree.totalAt(epoch)).toBe(model.totalAt(epoch))
      for (const old of model.keys) expect(await tree.valueAt(old, epoch)).toBe(model.valueAt(old, epoch))
      const drawn = await tree.draw({ seed: seedOf(`grow ${k}`), count: 3n, epoch })
      expect(drawn).toEqual(referenceDraw(model.leavesAt(epoch), { seed: seedOf(`grow ${k}`), count: 3 }))
      expect(drawn).not.toContain(key)
    }
    // Then 16 keys and some changes in one later epoch: the tree deepens (33 keys) above a root last written long before.
    const epoch = 40n
    const late = keys(200, 16)
    const changed = model.keys.slice(0, 4)
    await setBoth(tree, model, [...changed, ...late], [...changed.map(() => deai(random)), ...late.map(() => deai(random))], epoch)
    expect(await tree.leafCount()).toBe(33n)
    expect(await tree.totalAt(epoch)).toBe(model.totalAt(epoch))
    expect(model.totalAt(epoch)).not.toBe(model.total())
    expect(await tree.totalAt(epoch + 1n)).toBe(model.total())
    for (let d = 0; d < 10; d++) {
      const init = { seed: seedOf(`late ${d}`), count: 5 }
      const drawn = await tree.draw({ ...init, count: 5n, epoch })
      expect(drawn).toEqual(referenceDraw(model.leavesAt(epoch), init))
      for (const key of late) expect(drawn).not.toContain(key)
    }
  })

  test('a draw reads the snapshot: changes made after it, in the same epoch, do not move it', async () => {
    const random = createPrng(SEED + 2)
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    const staked = keys(300, 10)
    await setBoth(tree, model, staked, staked.map(() => deai(random)), 1n)
    const seeds = Array.from({ length: 30 }, (_, i) => seedOf(`snapshot ${i}`))
    const before = []
    for (const seed of seeds) before.push(await tree.draw({ seed, count: 3n, epoch: 2n }))

    // In epoch 2, after the snapshot: one key grows a thousandfold, four leave, five newcomers stake big.
    const newcomers = keys(400, 5)
    const moved = [staked[0]!, ...staked.slice(1, 5), ...newcomers]
    const values = [parseEther('1000000'), 0n, 0n, 0n, 0n, ...newcomers.map(() => parseEther('500000'))]
    await setBoth(tree, model, moved, values, 2n)

    let changedAtNextEpoch = 0
    for (const [i, seed] of seeds.entries()) {
      const snapshot = await tree.draw({ seed, count: 3n, epoch: 2n })
      expect(snapshot).toEqual(before[i])
      expect(snapshot).toEqual(referenceDraw(model.leavesAt(2n), { seed, count: 3 }))
      for (const key of newcomers) expect(snapshot).not.toContain(key)
      // The next epoch's snapshot holds the new values.
      const next = await tree.draw({ seed, count: 3n, epoch: 3n })
      expect(next).toEqual(referenceDraw(model.leavesAt(3n), { seed, count: 3 }))
      if (next.join() !== snapshot.join()) changedAtNextEpoch++
    }
    expect(changedAtNextEpoch).toBeGreaterThan(seeds.length / 2)
  })

  test('draws in proportion to snapshot values, not live ones (chi-square), without replacement', async () => {
    const random = createPrng(SEED + 3)
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    const six = keys(500, 6)
    const snapshot = six.map(() => deai(random))
    await setBoth(tree, model, six, snapshot, 1n)
    // Live values in reverse order of size, set in the epoch the draws use.
    const sorted = [...snapshot].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const live = snapshot.map((s) => sorted[sorted.length - 1 - sorted.indexOf(s)]!)
    await setBoth(tree, model, six, live, 2n)

    const draws = 2400
    const counts = new Array<number>(six.length).fill(0)
    const leaves = model.leavesAt(2n)
    for (let i = 0; i < draws; i++) {
      const seed = seedOf(`proportional ${i}`)
      // One call at a time: the embedded chain serves concurrent calls far slower.
      const drawn = await tree.draw({ seed, count: 1n, epoch: 2n })
      expect(drawn).toEqual(referenceDraw(leaves, { seed, count: 1 }))
      counts[six.indexOf(drawn[0]!)]! += 1
    }
    const chiSquare = (weights: readonly bigint[]) => {
      const sum = Number(weights.reduce((a, b) => a + b, 0n))
      return counts.reduce((acc, observed, i) => {
        const expected = (Number(weights[i]!) / sum) * draws
        return acc + (observed - expected) ** 2 / expected
      }, 0)
    }
    expect(chiSquare(snapshot)).toBeLessThan(CHI_SQUARE_5_DF_P001)
    // The test can tell: the same counts are far from what the live values would give.
    expect(chiSquare(live)).toBeGreaterThan(10 * CHI_SQUARE_5_DF_P001)

    for (let i = 0; i < 50; i++) {
      const seed = seedOf(`distinct ${i}`)
      const three = await tree.draw({ seed, count: 3n, epoch: 2n })
      expect(new Set(three).size).toBe(3)
      expect(three).toEqual(referenceDraw(leaves, { seed, count: 3 }))
    }
    const all = await tree.draw({ seed: seedOf('everyone'), count: 10n, epoch: 2n })
    expect([...all].sort()).toEqual([...six].sort())
  })

  test('never draws the excluded key, a key set to 0, or one below the minimum', async () => {
    const random = createPrng(SEED + 4)
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    const ten = keys(600, 10)
    await setBoth(tree, model, ten, ten.map(() => deai(random)), 1n)
    await setBoth(tree, model, [ten[9]!], [0n], 1n)
    const leaves = model.leavesAt(2n)
    const values = new Map(leaves.map((l) => [l.key, l.value]))
    const minimum = [...leaves.map((l) => l.value)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[4]!
    const excluded = ten.find((key) => values.get(key)! >= minimum)!
    const eligible = ten.filter((key) => key !== excluded && values.get(key)! >= minimum && values.get(key)! > 0n)
    expect(eligible.length).toBe(5)
    for (let i = 0; i < 60; i++) {
      const init = { seed: seedOf(`eligible ${i}`), count: 3, exclude: excluded, minimum }
      const drawn = await tree.draw({ ...init, count: 3n, epoch: 2n })
      expect(drawn).toEqual(referenceDraw(leaves, init))
      expect(drawn).toHaveLength(3)
      for (const key of drawn) expect(eligible).toContain(key)
    }
    // More than are eligible: each eligible key once. A minimum above every value: nobody.
    const all = await tree.draw({ seed: seedOf('all eligible'), count: 9n, epoch: 2n, exclude: excluded, minimum })
    expect([...all].sort()).toEqual([...eligible].sort())
    expect(await tree.draw({ seed: seedOf('nobody'), count: 3n, epoch: 2n, minimum: parseEther('1000000') })).toEqual([])
    expect(await tree.draw({ seed: seedOf('zero count'), count: 0n, epoch: 2n })).toEqual([])
    const empty = await deploySortitionHarness(ledger, account)
    expect(await empty.draw({ seed: seedOf('empty'), count: 3n, epoch: 1n })).toEqual([])
  })

  test('gives up after count + 32 attempts when keys below the minimum hold most of the value', async () => {
    tree = await deploySortitionHarness(ledger, account)
    const model = createSortitionModel()
    // 100 keys of 999 and one of 1,000 with a minimum of 1,000: an attempt finds the eligible key about 1 time in 100.
    const small = keys(700, 100)
    const eligible = sortitionKey(800)
    await setBoth(tree, model, [...small, eligible], [...small.map(() => 999n), 1000n], 1n)
    const leaves = model.leavesAt(2n)
    const outcomes = new Map<string, number>()
    for (let i = 0; i < 40; i++) {
      const init = { seed: seedOf(`bounded ${i}`), count: 1, minimum: 1000n }
      const drawn = await tree.draw({ ...init, count: 1n, epoch: 2n })
      expect(drawn).toEqual(referenceDraw(leaves, init))
      outcomes.set(drawn.join(), (outcomes.get(drawn.join()) ?? 0) + 1)
    }
    expect([...outcomes.keys()].sort()).toEqual(['', eligible].sort())
    // Seeds whose eligible key comes up on the last allowed attempt (the 33rd), and on the one after.
    const attemptFinding = (seed: Hex, extraAttempts: number) => referenceDraw(leaves, { seed, count: 1, minimum: 1000n, extraAttempts }).length === 1
    const seeds = Array.from({ length: 3000 }, (_, i) => seedOf(`bound search ${i}`))
    const last = seeds.find((seed) => attemptFinding(seed, 32) && !attemptFinding(seed, 31))
    const beyond = seeds.find((seed) => attemptFinding(seed, 33) && !attemptFinding(seed, 32))
    if (last === undefined || beyond === undefined) throw new Error('no seed found on either side of the bound')
    expect(await tree.draw({ seed: last, count: 1n, epoch: 2n, minimum: 1000n })).toEqual([eligible])
    expect(await tree.draw({ seed: beyond, count: 1n, epoch: 2n, minimum: 1000n })).toEqual([])
  })

  test('reading or writing across a later-written node reverts', async () => {
    tree = await deploySortitionHarness(ledger, account)
    const [a, b] = keys(900, 2) as [Address, Address]
    await tree.set(a, 10n, 3n)
    await tree.set(b, 5n, 5n)
    expect(await log.expectRevert(tree.valueAt(b, 4n), 'SortitionEpochTooOld')).toEqual([4n, 5n])
    expect(await tree.valueAt(a, 4n)).toBe(10n)
    expect(await tree.valueAt(b, 5n)).toBe(0n)
    expect(await log.expectRevert(tree.totalAt(4n), 'SortitionEpochTooOld')).toEqual([4n, 5n])
    expect(await tree.totalAt(5n)).toBe(10n)
    expect(await tree.totalAt(6n)).toBe(15n)
    await log.expectRevert(tree.draw({ seed: seedOf('too old'), count: 1n, epoch: 4n }), 'SortitionEpochTooOld')
    // Epochs never go back: a write in epoch 4 would corrupt the root's record of epoch 5.
    expect(await log.expectRevert(tree.set(a, 11n, 4n), 'SortitionEpochTooOld')).toEqual([4n, 5n])
    expect(await tree.valueOf(a)).toBe(10n)
  })

  test('rejects values and sums above uint96, the zero key and mismatched batches', async () => {
    tree = await deploySortitionHarness(ledger, account)
    const [a, b] = keys(950, 2) as [Address, Address]
    expect(await log.expectRevert(tree.set(a, maxUint96 + 1n, 1n), 'SortitionValueTooLarge')).toEqual([maxUint96 + 1n])
    await tree.set(a, maxUint96, 1n)
    expect(await tree.total()).toBe(maxUint96)
    expect(await log.expectRevert(tree.set(b, 1n, 1n), 'SortitionValueTooLarge')).toEqual([maxUint96 + 1n])
    await log.expectRevert(tree.set(zeroAddress, 1n, 1n), 'SortitionZeroKey')
    await log.expectRevert(tree.setMany([a, b], [1n], 1n), 'LengthMismatch')
    expect(await tree.leafCount()).toBe(1n)
  })
})

test('checklist: every error SortitionTreeHarness declares is raised by a test', () => {
  assertErrorChecklist(tree.abi, log, {
    covered: {
      SortitionEpochTooOld: 'reading or writing across a later-written node reverts',
      SortitionValueTooLarge: 'rejects values and sums above uint96, the zero key and mismatched batches',
      SortitionZeroKey: 'rejects values and sums above uint96, the zero key and mismatched batches',
      LengthMismatch: 'rejects values and sums above uint96, the zero key and mismatched batches',
    },
  })
})
