import { describe, expect, test } from 'vitest'
import { resolveYumaParams } from '../../../src/mechanisms/consensus/yuma/params.js'
import {
  type YumaPruneInput,
  YUMA_DEFAULT_REGISTRATION_PARAMS,
  resolveYumaRegistrationParams,
  yumaImmuneOwnerUids,
  yumaIsImmune,
  yumaNeuronToPrune,
} from '../../../src/mechanisms/consensus/yuma/registration.js'
import {
  type YumaSubnetState,
  createYumaSubnetState,
  yumaAppendUid,
  yumaRegister,
  yumaReplaceUid,
  yumaRunEpoch,
  yumaSetWeights,
} from '../../../src/mechanisms/consensus/yuma/subnet-state.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow, yumaRowFromPairs, yumaRowToPairs } from '../../../src/mechanisms/consensus/yuma/yuma-row.js'
import { createPrng } from '../../helpers/prng.js'
import { expectDeaiErrorSync } from '../../helpers/expect-deai-error.js'

const SEED = 2026

/** Three uids at block 1000 with a 100-block immunity and no floor, as subtensor's registration tests set them. */
function prune(overrides: Partial<YumaPruneInput>): number | null {
  return yumaNeuronToPrune({
    currentBlock: 1_000,
    emission: [10n, 10n, 1n],
    blockAtRegistration: [850, 800, 990],
    immunityPeriod: 100,
    minNonImmuneUids: 0,
    ...overrides,
  })
}

describe('yumaIsImmune', () => {
  test('is immune strictly less than the period after registering', () => {
    expect(yumaIsImmune(1_000, 901, 100)).toBe(true)
    expect(yumaIsImmune(1_000, 900, 100)).toBe(false)
    expect(yumaIsImmune(1_000, 1_000, 0)).toBe(false)
  })

  test('a registration block in the future counts as zero blocks ago', () => {
    expect(yumaIsImmune(5, 9, 1)).toBe(true)
    expect(yumaIsImmune(5, 9, 0)).toBe(false)
  })
})

describe('yumaNeuronToPrune', () => {
  test('takes the lowest emission outside immunity, even if an immune uid earns less', () => {
    expect(prune({ emission: [10n, 9n, 1n] })).toBe(1)
    expect(prune({ emission: [8n, 9n, 1n] })).toBe(0)
  })

  test('breaks an emission tie by the earlier registration, then by the lower uid', () => {
    expect(prune({})).toBe(1) // uid 1 registered at 800, uid 0 at 850
    expect(prune({ blockAtRegistration: [800, 800, 990] })).toBe(0)
    expect(prune({ emission: [10n, 10n, 10n], blockAtRegistration: [850, 800, 800], immunityPeriod: 0 })).toBe(1)
  })

  test('when every uid is immune, takes the lowest-emission immune uid with the same tie-breaks', () => {
    expect(prune({ immunityPeriod: 1_000, emission: [10n, 10n, 1n] })).toBe(2)
    expect(prune({ immunityPeriod: 1_000, emission: [10n, 10n, 10n] })).toBe(1)
  })

  test('takes a non-immune uid only while more than the floor remain, else an immune one', () => {
    // Two non-immune uids (0, 1) and one immune (2).
    expect(prune({ minNonImmuneUids: 1 })).toBe(1)
    expect(prune({ minNonImmuneUids: 2 })).toBe(2)
    // The floor forbids the non-immune uids and none is immune: no uid at all.
    expect(prune({ minNonImmuneUids: 3, immunityPeriod: 0 })).toBeNull()
  })

  test('skips immortal uids entirely: never chosen, not counted', () => {
    expect(prune({ immortalUids: [1] })).toBe(0)
    expect(prune({ immortalUids: [0, 1] })).toBe(2)
    // With uid 0 immortal only one non-immune uid is counted, which a floor of 1 forbids.
    expect(prune({ immortalUids: [0], minNonImmuneUids: 1 })).toBe(2)
    expect(prune({ immortalUids: [0, 1, 2] })).toBeNull()
  })

  test('has no uid to give in an empty subnet, and reads missing emission as 0', () => {
    expect(prune({ emission: [], blockAtRegistration: [] })).toBeNull()
    expect(prune({ emission: [10n] })).toBe(1)
  })

  test('agrees with a sort-based statement of the rule on random subnets', () => {
    const random = createPrng(SEED)
    for (let round = 0; round < 400; round++) {
      const n = 1 + random.nextInt(12)
      const input: YumaPruneInput = {
        currentBlock: random.nextInt(40),
        // Few distinct values, so ties are common.
        emission: Array.from({ length: n }, () => BigInt(random.nextInt(4))),
        blockAtRegistration: Array.from({ length: n }, () => random.nextInt(40)),
        immunityPeriod: random.nextInt(20),
        minNonImmuneUids: random.nextInt(4),
        immortalUids: Array.from({ length: n }, (_, uid) => uid).filter(() => random.nextInt(5) === 0),
      }
      expect(yumaNeuronToPrune(input)).toBe(sortedReference(input))
    }
  })

  test('rejects blocks and parameters out of range', () => {
    expectDeaiErrorSync(() => prune({ currentBlock: -1 }), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => prune({ blockAtRegistration: [1.5, 2, 3] }), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => prune({ emission: [-1n, 0n, 0n] }), 'YUMA_INPUT_INVALID')
    expectDeaiErrorSync(() => prune({ immunityPeriod: 70_000 }), 'YUMA_INPUT_INVALID')
  })
})

/** The rule as a sort: order candidates by (emission, registration, uid) and take the first allowed. */
function sortedReference(input: YumaPruneInput): number | null {
  const immortal = new Set(input.immortalUids ?? [])
  const candidates = input.blockAtRegistration
    .map((registered, uid) => ({
      uid,
      registered,
      emission: input.emission[uid] ?? 0n,
      immune: Math.max(0, input.currentBlock - registered) < input.immunityPeriod,
    }))
    .filter((c) => !immortal.has(c.uid))
    .sort((a, b) => (a.emission === b.emission ? a.registered - b.registered || a.uid - b.uid : a.emission < b.emission ? -1 : 1))
  const free = candidates.filter((c) => !c.immune)
  if (free.length > input.minNonImmuneUids && free[0] !== undefined) return free[0].uid
  return candidates.find((c) => c.immune)?.uid ?? null
}

describe('yumaImmuneOwnerUids', () => {
  const blocks = [12, 11, 10, 11]

  test('keeps the earliest-registered owned uids up to the limit, ties by uid', () => {
    expect(yumaImmuneOwnerUids({ ownedUids: [0, 1, 3], blockAtRegistration: blocks, ownerHotkeyUid: null, limit: 2 })).toEqual([1, 3])
    expect(yumaImmuneOwnerUids({ ownedUids: [0, 1], blockAtRegistration: blocks, ownerHotkeyUid: 0, limit: 2 })).toEqual([1, 0])
  })

  test('puts the owner hotkey first when the cut left it out, then cuts again', () => {
    expect(yumaImmuneOwnerUids({ ownedUids: [0, 1], blockAtRegistration: blocks, ownerHotkeyUid: 0, limit: 1 })).toEqual([0])
    expect(yumaImmuneOwnerUids({ ownedUids: [0, 1, 3], blockAtRegistration: blocks, ownerHotkeyUid: 0, limit: 2 })).toEqual([0, 1])
    expect(yumaImmuneOwnerUids({ ownedUids: [0, 1], blockAtRegistration: blocks, ownerHotkeyUid: 0, limit: 0 })).toEqual([])
  })
})

describe('resolveYumaRegistrationParams', () => {
  test("fills in subtensor's defaults and refuses values out of range", () => {
    expect(resolveYumaRegistrationParams()).toEqual(YUMA_DEFAULT_REGISTRATION_PARAMS)
    expect(resolveYumaRegistrationParams({ immunityPeriod: 0 }).immunityPeriod).toBe(0)
    expectDeaiErrorSync(() => resolveYumaRegistrationParams({ maxAllowedUids: 65_536 }), 'YUMA_PARAMS_INVALID')
    expectDeaiErrorSync(() => resolveYumaRegistrationParams({ immortalUids: [-1] }), 'YUMA_PARAMS_INVALID')
  })
})

/** Sparse rows from `(uid, value)` pairs. */
function rows(...pairs: (readonly (readonly [number, number])[])[]): YumaSparseRow[] {
  return pairs.map(yumaRowFromPairs)
}

/** Validators 0 and 1 weight miners 2 and 3; validator 1 holds bonds on both; every permit held. */
function fullSubnet() {
  return createYumaSubnetState({
    stake: [3n, 1n, 0n, 0n],
    lastUpdate: [4, 4, 2, 2],
    blockAtRegistration: [1, 1, 1, 2],
    validatorPermit: [true, true, true, true],
    weights: rows([[2, 65_535], [3, 32_768]], [[2, 100], [3, 200]], [], []),
    bonds: rows([[2, 65_535]], [[2, 9], [3, 7]], [], [[0, 5]]),
    emission: [400n, 300n, 200n, 100n],
  })
}

describe('yumaReplaceUid', () => {
  test("clears the uid's rows, zeroes the weights others put on it, and restarts its history", () => {
    const after = yumaReplaceUid(fullSubnet(), 3, 9, 5n)
    expect(after.weights.map(yumaRowToPairs)).toEqual([[[2, 65_535], [3, 0]], [[2, 100], [3, 0]], [], []])
    expect(after.bonds.map(yumaRowToPairs)).toEqual([[[2, 65_535]], [[2, 9], [3, 7]], [], []])
    expect(after.validatorPermit).toEqual([true, true, true, false])
    expect(after.emission).toEqual([400n, 300n, 200n, 0n])
    expect(after.lastUpdate).toEqual([4, 4, 2, 9])
    expect(after.blockAtRegistration).toEqual([1, 1, 1, 9])
    expect(after.stake).toEqual([3n, 1n, 0n, 5n])
  })

  test('leaves the bonds others hold on the uid to the next epoch, which drops them', () => {
    // One validator with equal old bonds on miners 1 and 2; miner 2 changes hands at block 9.
    const before = createYumaSubnetState({
      stake: [1n, 0n, 0n],
      lastUpdate: [1, 1, 1],
      blockAtRegistration: [1, 1, 1],
      validatorPermit: [true, false, false],
      bonds: rows([[1, 30_000], [2, 30_000]], [], []),
    })
    const replaced = yumaReplaceUid(before, 2, 9)
    expect(yumaRowToPairs(replaced.bonds[0] ?? EMPTY_YUMA_ROW)).toEqual([[1, 30_000], [2, 30_000]])
    const vote = (s: YumaSubnetState): YumaSubnetState => yumaSetWeights(s, 0, yumaRowFromPairs([[1, 65_535], [2, 65_535]]), 10)
    // Yuma 3, fixed alpha; last_tempo = 12 − 7 = 5 ≤ 9 masks column 2 of the old bonds.
    const params = resolveYumaParams({ commitReveal: false, yuma3: true, tempo: 7 })
    const kept = yumaRunEpoch(vote(before), params, 12, 1_000_000n).state
    const dropped = yumaRunEpoch(vote(replaced), params, 12, 1_000_000n).state
    expect(bondOf(kept, 0, 2)).toBe(bondOf(kept, 0, 1))
    expect(bondOf(dropped, 0, 1)).toBe(bondOf(kept, 0, 1))
    // Only the new weight builds the bond on uid 2: α·½ ≈ 0.05 against α·½ + (1 − α)·0.458.
    expect(bondOf(dropped, 0, 2)).toBeLessThan(bondOf(dropped, 0, 1) / 5)
  })

  test('writes emission and permit only where the stored vector has an entry, as set_element_at does', () => {
    const short = { ...fullSubnet(), validatorPermit: [true, true], emission: [1n] }
    const after = yumaReplaceUid(short, 3, 9)
    expect(after.validatorPermit).toEqual([true, true])
    expect(after.emission).toEqual([1n])
  })

  test('refuses a uid beyond the subnet', () => {
    expectDeaiErrorSync(() => yumaReplaceUid(fullSubnet(), 4, 9), 'YUMA_INPUT_INVALID')
  })
})

function bondOf(state: YumaSubnetState, i: number, j: number): number {
  const row = state.bonds[i] ?? { uids: [], values: [] }
  const k = row.uids.indexOf(j)
  return k < 0 ? 0 : (row.values[k] as number)
}

describe('yumaRegister', () => {
  const params = resolveYumaRegistrationParams({ maxAllowedUids: 4, immunityPeriod: 5, minNonImmuneUids: 0 })

  test('appends below the uid limit: a fresh uid with no weights, bonds, permit or emission', () => {
    const { state, uid, how } = yumaRegister(fullSubnet(), { ...params, maxAllowedUids: 5 }, 20, 7n)
    expect([uid, how]).toEqual([4, 'appended'])
    expect(state.stake).toEqual([3n, 1n, 0n, 0n, 7n])
    expect(state.emission).toEqual([400n, 300n, 200n, 100n, 0n])
    expect(state.lastUpdate[4]).toBe(20)
    expect(state.blockAtRegistration[4]).toBe(20)
    expect(state.validatorPermit[4]).toBe(false)
    expect(state.weights[4]?.uids).toEqual([])
    expect(yumaAppendUid(fullSubnet(), 20).stake).toHaveLength(5)
  })

  test('at the limit, replaces the lowest-emission uid outside immunity', () => {
    const { state, uid, how } = yumaRegister(fullSubnet(), params, 20)
    expect([uid, how]).toEqual([3, 'replaced'])
    expect(state.emission[3]).toBe(0n)
    // The new holder is immune and earns nothing yet; the next registration takes another uid.
    expect(yumaRegister(state, params, 21).uid).toBe(2)
  })

  test('is refused when every uid is immortal, or when no uid may be given at all', () => {
    const refused = yumaRegister(fullSubnet(), { ...params, immortalUids: [0, 1, 2, 3] }, 20)
    expect([refused.uid, refused.how]).toEqual([null, 'refused'])
    expect(refused.state).toEqual(fullSubnet())
    expect(yumaRegister(fullSubnet(), { ...params, maxAllowedUids: 0 }, 20).uid).toBeNull()
  })
})
