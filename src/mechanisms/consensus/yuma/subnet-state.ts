/**
 * A subnet's per-uid state carried across epochs, and the state changes that happen between
 * them (weight sets, registration by appending or replacing a uid, bonds reset, the epoch
 * itself). Pure: every operation returns a new state.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type YumaEpochOptions, type YumaEpochResult, yumaEpoch } from './epoch.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow } from './yuma-row.js'
import type { YumaParams } from './params.js'
import { type YumaRegistrationParams, yumaNeuronToPrune } from './registration.js'

/** Per-uid state of one subnet mechanism between epochs. */
export interface YumaSubnetState {
  /** Alpha stake per uid (rao). Its length is the number of uids. */
  readonly stake: readonly bigint[]
  /** Tao stake per uid (rao). */
  readonly taoStake: readonly bigint[]
  readonly lastUpdate: readonly number[]
  readonly blockAtRegistration: readonly number[]
  readonly validatorPermit: readonly boolean[]
  readonly weights: readonly YumaSparseRow[]
  readonly bonds: readonly YumaSparseRow[]
  /**
   * `Emission` per uid (rao): the combined emission of the last epoch, 0 for a uid appended or
   * replaced since. The pruning score of a registration into a full subnet.
   */
  readonly emission: readonly bigint[]
}

/**
 * A fresh state: no weights, no bonds.
 *
 * @param init - stakes (their length is n) and optional per-uid vectors (default 0 / false).
 */
export function createYumaSubnetState(init: {
  stake: readonly bigint[]
  taoStake?: readonly bigint[]
  lastUpdate?: readonly number[]
  blockAtRegistration?: readonly number[]
  validatorPermit?: readonly boolean[]
  weights?: readonly YumaSparseRow[]
  bonds?: readonly YumaSparseRow[]
  emission?: readonly bigint[]
}): YumaSubnetState {
  const n = init.stake.length
  return {
    stake: init.stake.slice(),
    taoStake: init.taoStake?.slice() ?? new Array<bigint>(n).fill(0n),
    lastUpdate: init.lastUpdate?.slice() ?? new Array<number>(n).fill(0),
    blockAtRegistration: init.blockAtRegistration?.slice() ?? new Array<number>(n).fill(0),
    validatorPermit: init.validatorPermit?.slice() ?? new Array<boolean>(n).fill(false),
    weights: init.weights?.slice() ?? new Array<YumaSparseRow>(n).fill(EMPTY_YUMA_ROW),
    bonds: init.bonds?.slice() ?? new Array<YumaSparseRow>(n).fill(EMPTY_YUMA_ROW),
    emission: init.emission?.slice() ?? new Array<bigint>(n).fill(0n),
  }
}

/**
 * `set_weights` with commit-reveal off: stores the row (already max-upscaled) and sets
 * `last_update` to the block.
 */
export function yumaSetWeights(
  state: YumaSubnetState,
  uid: number,
  row: YumaSparseRow,
  block: number,
): YumaSubnetState {
  const n = state.stake.length
  checkUid(uid, n, 'set weights for')
  return {
    ...state,
    weights: replaceAt(padTo(state.weights, n, EMPTY_YUMA_ROW), uid, row),
    lastUpdate: replaceAt(padTo(state.lastUpdate, n, 0), uid, block),
  }
}

/**
 * `replace_neuron`: a new hotkey takes over `uid` at `block` (`clear_neuron`, then the new
 * registration block and last update).
 *
 * Cleared: the uid's own weight row and bond row (removed), every other row's weight on it (set
 * to 0; the entry stays, which matters for sparse Yuma 3 bonds), its `Emission` (so its pruning
 * score is 0) and its permit. Set: `block_at_registration = last_update = block`. The bonds other
 * validators hold on the uid are *not* touched here: the next epoch drops them while
 * `last_tempo ≤ block_at_registration` (the recently-registered mask). Emission and permit are
 * written only where the stored vector has an entry (`set_element_at`); `last_update` is padded
 * to n first. The uid's stake becomes `stake` (the new hotkey's, usually 0).
 *
 * @throws DeaiError `YUMA_INPUT_INVALID` when `uid` is not below n.
 */
export function yumaReplaceUid(state: YumaSubnetState, uid: number, block: number, stake = 0n): YumaSubnetState {
  const n = state.stake.length
  checkUid(uid, n, 'replace')
  return {
    ...state,
    stake: replaceAt(state.stake, uid, stake),
    taoStake: setExisting(state.taoStake, uid, 0n),
    weights: state.weights.map((row, i) =>
      i === uid ? EMPTY_YUMA_ROW : { uids: row.uids, values: row.values.map((v, k) => (row.uids[k] === uid ? 0 : v)) },
    ),
    bonds: setExisting(state.bonds, uid, EMPTY_YUMA_ROW),
    validatorPermit: setExisting(state.validatorPermit, uid, false),
    lastUpdate: replaceAt(padTo(state.lastUpdate, n, 0), uid, block),
    blockAtRegistration: replaceAt(padTo(state.blockAtRegistration, n, 0), uid, block),
    emission: setExisting(state.emission, uid, 0n),
  }
}

/**
 * `append_neuron`: a new hotkey takes the next uid (n) at `block`: no weights, no bonds, no
 * permit, `Emission` 0, `block_at_registration = last_update = block`. The permit and emission
 * vectors grow by one entry each, as the chain pushes onto them.
 */
export function yumaAppendUid(state: YumaSubnetState, block: number, stake = 0n): YumaSubnetState {
  const n = state.stake.length
  if (n > 65_535) throw new DeaiError('YUMA_INPUT_INVALID', `Cannot append a uid to ${n} uids.`, { fixes: ['A subnet has at most 65,536 uids.'] })
  return {
    stake: [...state.stake, stake],
    taoStake: [...padTo(state.taoStake, n, 0n), 0n],
    lastUpdate: [...padTo(state.lastUpdate, n, 0), block],
    blockAtRegistration: [...padTo(state.blockAtRegistration, n, 0), block],
    validatorPermit: [...state.validatorPermit, false],
    weights: [...padTo(state.weights, n, EMPTY_YUMA_ROW), EMPTY_YUMA_ROW],
    bonds: [...padTo(state.bonds, n, EMPTY_YUMA_ROW), EMPTY_YUMA_ROW],
    emission: [...state.emission, 0n],
  }
}

/** The outcome of {@link yumaRegister}. */
export interface YumaRegistration {
  readonly state: YumaSubnetState
  /** The uid the new hotkey holds, or null when the subnet had none to give (`NoNeuronIdAvailable`). */
  readonly uid: number | null
  /** Whether the uid was appended or taken over from a previous holder. */
  readonly how: 'appended' | 'replaced' | 'refused'
}

/**
 * `register_neuron`: below `maxAllowedUids` the new hotkey appends a uid; at it, it replaces the
 * uid {@link yumaNeuronToPrune} chooses (lowest emission outside immunity, see there), or is
 * refused when there is none. `maxAllowedUids = 0` refuses every registration.
 *
 * @param stake - the new hotkey's stake on the subnet (rao).
 * @example
 * ```ts
 * import { createYumaSubnetState, resolveYumaRegistrationParams, yumaRegister } from 'deai/mechanisms'
 * const state = createYumaSubnetState({ stake: [1n, 1n], emission: [5n, 3n] })
 * const params = resolveYumaRegistrationParams({ maxAllowedUids: 2, immunityPeriod: 0, minNonImmuneUids: 0 })
 * yumaRegister(state, params, 100).uid // 1: the lower emission
 * ```
 */
export function yumaRegister(state: YumaSubnetState, params: YumaRegistrationParams, block: number, stake = 0n): YumaRegistration {
  const n = state.stake.length
  if (params.maxAllowedUids === 0) return { state, uid: null, how: 'refused' }
  if (n < params.maxAllowedUids) return { state: yumaAppendUid(state, block, stake), uid: n, how: 'appended' }
  const uid = yumaNeuronToPrune({
    currentBlock: block,
    emission: state.emission,
    blockAtRegistration: padTo(state.blockAtRegistration, n, 0),
    immunityPeriod: params.immunityPeriod,
    minNonImmuneUids: params.minNonImmuneUids,
    immortalUids: params.immortalUids,
  })
  if (uid === null) return { state, uid: null, how: 'refused' }
  return { state: yumaReplaceUid(state, uid, block, stake), uid, how: 'replaced' }
}

/** `do_reset_bonds` (with `BondsResetOn`): removes column `uid` from every bond row. */
export function yumaResetBonds(state: YumaSubnetState, uid: number): YumaSubnetState {
  return {
    ...state,
    bonds: state.bonds.map((row) => ({
      uids: row.uids.filter((j) => j !== uid),
      values: row.values.filter((_, k) => row.uids[k] !== uid),
    })),
  }
}

/**
 * Runs an epoch at `block` and writes its outputs back: the new permits, bonds and `Emission`.
 * `last_update` is not changed by the epoch.
 */
export function yumaRunEpoch(
  state: YumaSubnetState,
  params: YumaParams,
  block: number,
  raoEmission: bigint,
  options: YumaEpochOptions = {},
): { state: YumaSubnetState; result: YumaEpochResult } {
  const result = yumaEpoch(
    {
      currentBlock: block,
      stake: state.stake,
      taoStake: state.taoStake,
      lastUpdate: state.lastUpdate,
      blockAtRegistration: state.blockAtRegistration,
      validatorPermit: state.validatorPermit,
      weights: state.weights,
      raoEmission,
    },
    params,
    state.bonds,
    options,
  )
  return {
    state: {
      ...state,
      validatorPermit: result.stored.validatorPermit,
      bonds: result.stored.bonds,
      emission: result.stored.emission,
    },
    result,
  }
}

function replaceAt<T>(values: readonly T[], index: number, value: T): T[] {
  const out = values.slice()
  out[index] = value
  return out
}

/** `set_element_at`: writes only where an entry exists; a shorter vector stays as it is. */
function setExisting<T>(values: readonly T[], index: number, value: T): readonly T[] {
  return index < values.length ? replaceAt(values, index, value) : values
}

function padTo<T>(values: readonly T[], n: number, fill: T): T[] {
  const out = values.slice()
  while (out.length < n) out.push(fill)
  return out
}

function checkUid(uid: number, n: number, what: string): void {
  if (!Number.isInteger(uid) || uid < 0 || uid >= n) {
    throw new DeaiError('YUMA_INPUT_INVALID', `Cannot ${what} uid ${uid}: the subnet has ${n} uids.`, {
      fixes: [`Name a uid in [0, ${n - 1}].`],
    })
  }
}
