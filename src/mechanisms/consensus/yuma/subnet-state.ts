/**
 * A subnet's per-uid state carried across epochs, and the state changes that happen between
 * them (weight sets, uid replacement, bonds reset, the epoch itself). Pure: every operation
 * returns a new state.
 *
 * @packageDocumentation
 */
import { type YumaEpochOptions, type YumaEpochResult, yumaEpoch } from './epoch.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow } from './yuma-row.js'
import type { YumaParams } from './params.js'

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
  return {
    ...state,
    weights: replaceAt(state.weights, uid, row),
    lastUpdate: replaceAt(state.lastUpdate, uid, block),
  }
}

/**
 * A new hotkey takes over `uid` at `block` (spec §6, pruning): its weights, bonds and permit are
 * cleared, every other row's weight on it becomes 0 (the entry stays), and its `last_update` and
 * `block_at_registration` become `block`.
 *
 * @param stake - the new hotkey's stake (rao).
 */
export function yumaReplaceUid(state: YumaSubnetState, uid: number, block: number, stake = 0n): YumaSubnetState {
  return {
    ...state,
    stake: replaceAt(state.stake, uid, stake),
    taoStake: replaceAt(state.taoStake, uid, 0n),
    weights: state.weights.map((row, i) =>
      i === uid ? EMPTY_YUMA_ROW : { uids: row.uids, values: row.values.map((v, k) => (row.uids[k] === uid ? 0 : v)) },
    ),
    bonds: replaceAt(state.bonds, uid, EMPTY_YUMA_ROW),
    validatorPermit: replaceAt(state.validatorPermit, uid, false),
    lastUpdate: replaceAt(state.lastUpdate, uid, block),
    blockAtRegistration: replaceAt(state.blockAtRegistration, uid, block),
  }
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
 * Runs an epoch at `block` and writes its outputs back: the new permits and bonds.
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
    state: { ...state, validatorPermit: result.stored.validatorPermit, bonds: result.stored.bonds },
    result,
  }
}

function replaceAt<T>(values: readonly T[], index: number, value: T): T[] {
  const out = values.slice()
  out[index] = value
  return out
}
