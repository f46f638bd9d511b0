/**
 * Uid recycling as subtensor does it (opentensor/subtensor @ 14bc6f9f964b,
 * `subnets/registration.rs` `get_neuron_to_prune`, `get_immune_owner_tuples`; `utils/misc.rs`
 * `get_neuron_is_immune`): which uid a registration into a full subnet takes over. Pure.
 *
 * # Rules (current: PR #2158 "Emission-based Neuron Deregistration", on main with #2308, 2025-12-19)
 *
 * Inputs: `n` uids, per uid its `Emission` (u64 rao: the combined emission stored by the last
 * epoch, 0 for a uid appended or replaced since) and `BlockAtRegistration` (u64); the current
 * block; `ImmunityPeriod` (u16); `MinNonImmuneUids` (u16); the owner's immortal uids
 * ({@link yumaImmuneOwnerUids}).
 * 1. Immune: `saturating_sub(current_block, block_at_registration) < immunity_period` (strict:
 *    a uid registered `immunity_period` blocks ago is no longer immune; a period of 0 makes
 *    nobody immune).
 * 2. Visit uids `0..n−1` in order, skipping immortal ones. Keep two bests, one among immune and
 *    one among non-immune uids, and count the non-immune ones (`free`). A candidate beats the best
 *    when its emission is lower; on equal emission, when it registered earlier; on equal block,
 *    the lower uid stays (it was seen first).
 * 3. If no candidate at all: none (registration fails with `NoNeuronIdAvailable`).
 * 4. If `free > min_non_immune_uids` (strict) and a non-immune best exists: that uid. Otherwise
 *    the immune best, or none when there is no immune candidate, even if non-immune uids exist.
 *
 * # Before
 * * From PR #726 (on main with #770, 2024-08-29) to 2025-12-19: the score was the u16
 *   `PruningScore` (the combined emission max-upscaled to 65535 by the epoch) instead of
 *   `Emission`, with the same tie-breaks (lower score, then earlier registration, then lower
 *   uid); any non-immune uid was preferred (no `MinNonImmuneUids` floor; owner-immortal hotkeys
 *   skipped in its later versions); with no candidate the uid was 0. The chosen uid's score was then set to
 *   65535 until the next epoch rewrote it.
 * * Before that the tie-breaks differed (just before #726 a score tie among non-immune uids went
 *   to the last tied uid, issue #697); not reproduced here.
 * * `PruningScore` stopped being computed and stored on 2025-10-29 (reached main with #2308).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'

const U16_MAX = 65_535

/** What the uid choice reads. */
export interface YumaPruneInput {
  /** The block of the registration. */
  readonly currentBlock: number
  /**
   * `Emission` per uid in rao (u64): the pruning score. A missing entry counts as 0, as on chain.
   */
  readonly emission: readonly bigint[]
  /** `BlockAtRegistration` per uid; its length is the number of uids n. */
  readonly blockAtRegistration: readonly number[]
  /** `ImmunityPeriod` in blocks (u16). */
  readonly immunityPeriod: number
  /** `MinNonImmuneUids` (u16): non-immune uids are taken only while more than this many exist. */
  readonly minNonImmuneUids: number
  /**
   * The owner's immortal uids ({@link yumaImmuneOwnerUids}): never chosen, not counted.
   * @default []
   */
  readonly immortalUids?: readonly number[]
}

/**
 * `get_neuron_is_immune`: `max(0, current − registered) < immunity_period`.
 *
 * @example
 * ```ts
 * import { yumaIsImmune } from 'deai/mechanisms'
 * yumaIsImmune(1_000, 901, 100) // true (99 blocks)
 * yumaIsImmune(1_000, 900, 100) // false (100 blocks: the comparison is strict)
 * ```
 */
export function yumaIsImmune(currentBlock: number, blockAtRegistration: number, immunityPeriod: number): boolean {
  return Math.max(0, currentBlock - blockAtRegistration) < immunityPeriod
}

/**
 * `get_neuron_to_prune`: the uid a registration into a full subnet replaces.
 *
 * @param input - emissions, registration blocks, immunity and the non-immune floor.
 * @returns the uid, or null when every uid is immortal, or when the floor forbids the non-immune
 *   uids and none is immune (the chain then refuses the registration).
 * @throws DeaiError `YUMA_INPUT_INVALID` for blocks or parameters out of range.
 * @example
 * ```ts
 * import { yumaNeuronToPrune } from 'deai/mechanisms'
 * yumaNeuronToPrune({
 *   currentBlock: 1_000,
 *   emission: [10n, 10n, 1n],
 *   blockAtRegistration: [850, 800, 990],
 *   immunityPeriod: 100,
 *   minNonImmuneUids: 0,
 * }) // 1: uid 2 is immune; uids 0 and 1 tie on emission and uid 1 registered earlier
 * ```
 */
export function yumaNeuronToPrune(input: YumaPruneInput): number | null {
  validatePruneInput(input)
  const n = input.blockAtRegistration.length
  if (n === 0) return null
  const immortal = new Set(input.immortalUids ?? [])
  let free = 0
  let bestNonImmune: Candidate | null = null
  let bestImmune: Candidate | null = null
  for (let uid = 0; uid < n; uid++) {
    if (immortal.has(uid)) continue
    const registered = input.blockAtRegistration[uid] as number
    const candidate: Candidate = { emission: input.emission[uid] ?? 0n, registered, uid }
    if (yumaIsImmune(input.currentBlock, registered, input.immunityPeriod)) {
      bestImmune = better(candidate, bestImmune)
    } else {
      free = Math.min(free + 1, U16_MAX)
      bestNonImmune = better(candidate, bestNonImmune)
    }
  }
  if (bestNonImmune !== null && free > input.minNonImmuneUids) return bestNonImmune.uid
  return bestImmune?.uid ?? null
}

/** What {@link yumaImmuneOwnerUids} reads. */
export interface YumaOwnerImmunityInit {
  /** Uids on this subnet of the hotkeys the subnet owner's coldkey owns (`OwnedHotkeys`). */
  readonly ownedUids: readonly number[]
  /** `BlockAtRegistration` per uid. */
  readonly blockAtRegistration: readonly number[]
  /** The uid of `SubnetOwnerHotkey` when it is set and registered, else null. */
  readonly ownerHotkeyUid: number | null
  /** `ImmuneOwnerUidsLimit` (u16; the setter allows 1..10, default 1). */
  readonly limit: number
}

/**
 * `get_immune_owner_uids`: the owner's immortal uids. The owned uids are sorted by registration
 * block, then uid, ascending (so the *earliest* registered are kept, whatever the chain's comment
 * says) and cut to `limit`; then the owner hotkey's uid, if missing, is put first and the list
 * cut to `limit` again.
 *
 * @returns the immortal uids, in the chain's order.
 * @example
 * ```ts
 * import { yumaImmuneOwnerUids } from 'deai/mechanisms'
 * yumaImmuneOwnerUids({ ownedUids: [0, 1], blockAtRegistration: [1, 1, 1], ownerHotkeyUid: 1, limit: 1 }) // [1]
 * ```
 */
export function yumaImmuneOwnerUids(init: YumaOwnerImmunityInit): number[] {
  const limit = checkInteger('limit', init.limit, 0, U16_MAX)
  const block = (uid: number): number => init.blockAtRegistration[uid] ?? 0
  const sorted = init.ownedUids.slice().sort((a, b) => block(a) - block(b) || a - b)
  const kept = sorted.slice(0, limit)
  if (init.ownerHotkeyUid !== null && !kept.includes(init.ownerHotkeyUid)) {
    kept.unshift(init.ownerHotkeyUid)
    return kept.slice(0, limit)
  }
  return kept
}

/** Registration hyperparameters, in the units the chain stores them. */
export interface YumaRegistrationParamsInit {
  /**
   * `MaxAllowedUids`: below it a registration appends a uid, at it one is replaced.
   * @default 256
   */
  maxAllowedUids?: number
  /**
   * `ImmunityPeriod` in blocks (`init_new_network` sets 5000; the runtime storage default is 4096).
   * @default 5000
   */
  immunityPeriod?: number
  /**
   * `MinNonImmuneUids`.
   * @default 10
   */
  minNonImmuneUids?: number
  /**
   * The owner's immortal uids ({@link yumaImmuneOwnerUids}).
   * @default []
   */
  immortalUids?: readonly number[]
}

/** Resolved registration hyperparameters. */
export interface YumaRegistrationParams {
  readonly maxAllowedUids: number
  readonly immunityPeriod: number
  readonly minNonImmuneUids: number
  readonly immortalUids: readonly number[]
}

/** subtensor's defaults for a new subnet. */
export const YUMA_DEFAULT_REGISTRATION_PARAMS: YumaRegistrationParams = Object.freeze({
  maxAllowedUids: 256,
  immunityPeriod: 5_000,
  minNonImmuneUids: 10,
  immortalUids: Object.freeze([]),
})

/**
 * Fills in defaults and checks ranges.
 *
 * @throws DeaiError `YUMA_PARAMS_INVALID` naming the bad field.
 */
export function resolveYumaRegistrationParams(init: YumaRegistrationParamsInit = {}): YumaRegistrationParams {
  const d = YUMA_DEFAULT_REGISTRATION_PARAMS
  const immortalUids = (init.immortalUids ?? d.immortalUids).map((uid, k) => checkInteger(`immortalUids[${k}]`, uid, 0, U16_MAX))
  return Object.freeze({
    maxAllowedUids: checkInteger('maxAllowedUids', init.maxAllowedUids ?? d.maxAllowedUids, 0, U16_MAX),
    immunityPeriod: checkInteger('immunityPeriod', init.immunityPeriod ?? d.immunityPeriod, 0, U16_MAX),
    minNonImmuneUids: checkInteger('minNonImmuneUids', init.minNonImmuneUids ?? d.minNonImmuneUids, 0, U16_MAX),
    immortalUids: Object.freeze(immortalUids),
  })
}

interface Candidate {
  readonly emission: bigint
  readonly registered: number
  readonly uid: number
}

/** The chain's comparison: lower emission, then earlier registration; the first seen wins ties. */
function better(candidate: Candidate, best: Candidate | null): Candidate {
  if (best === null) return candidate
  if (candidate.emission !== best.emission) return candidate.emission < best.emission ? candidate : best
  if (candidate.registered !== best.registered) return candidate.registered < best.registered ? candidate : best
  return candidate.uid < best.uid ? candidate : best
}

function validatePruneInput(input: YumaPruneInput): void {
  const fail = (what: string, fix: string): never => {
    throw new DeaiError('YUMA_INPUT_INVALID', `Invalid uid-pruning input: ${what}.`, { fixes: [fix] })
  }
  if (input.blockAtRegistration.length > U16_MAX + 1) fail(`${input.blockAtRegistration.length} uids`, 'A subnet has at most 65,536 uids.')
  if (!Number.isSafeInteger(input.currentBlock) || input.currentBlock < 0) fail(`currentBlock is ${input.currentBlock}`, 'Pass a block number ≥ 0.')
  input.blockAtRegistration.forEach((b, uid) => {
    if (!Number.isSafeInteger(b) || b < 0) fail(`blockAtRegistration[${uid}] is ${b}`, 'Pass block numbers ≥ 0.')
  })
  input.emission.forEach((e, uid) => {
    if (e < 0n || e >= 1n << 64n) fail(`emission[${uid}] is ${e}`, 'Emission is a u64 amount in rao.')
  })
  if (!Number.isInteger(input.immunityPeriod) || input.immunityPeriod < 0 || input.immunityPeriod > U16_MAX) {
    fail(`immunityPeriod is ${input.immunityPeriod}`, 'ImmunityPeriod is a u16 block count.')
  }
  if (!Number.isInteger(input.minNonImmuneUids) || input.minNonImmuneUids < 0 || input.minNonImmuneUids > U16_MAX) {
    fail(`minNonImmuneUids is ${input.minNonImmuneUids}`, 'MinNonImmuneUids is a u16 count.')
  }
}

function checkInteger(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DeaiError('YUMA_PARAMS_INVALID', `Registration parameter ${field} is ${String(value)}; expected an integer in [${min}, ${max}].`, {
      fixes: [`Set ${field} to an integer in [${min}, ${max}], or leave it out to use the default.`],
    })
  }
  return value
}
