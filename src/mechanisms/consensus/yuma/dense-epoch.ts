/**
 * The Yuma epoch of a training round, on dense validators × miners matrices: the input shape of
 * the on-chain epoch (`contracts/consensus/YumaConsensus.sol`), computed by the sparse TypeScript
 * epoch ({@link yumaEpoch}) so both can be held to the same bits.
 *
 * The round is a subnet of `V + M` uids: validators are uids `0..V−1`, miners `V..V+M−1` with no
 * stake and no permit. Validator i's scores are its weight row (only non-zero cells are entries,
 * in miner order; the previous bonds likewise). Activity and permits are given directly, and no
 * other mask applies: nobody registered during the round, commit-reveal is off, there is no owner
 * uid, tao weight and stake threshold are 0, and every uid with non-zero normalised stake keeps a
 * permit (no top-k cut).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type YumaEpochInput, type YumaEpochOptions, type YumaEpochResult, yumaEpoch } from './epoch.js'
import { type YumaParamsInit, resolveYumaParams } from './params.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow } from './yuma-row.js'

/** One round's scores and stakes, dense. V is `stakes.length`, M the length of each score row. */
export interface YumaDenseInput {
  /** Scores (u16): one row per validator, one cell per miner. */
  readonly weights: readonly (readonly number[])[]
  /** The previous epoch's stored bonds (u16, same shape), or none. */
  readonly bonds?: readonly (readonly number[])[]
  /** Stake per validator in rao (u64). */
  readonly stakes: readonly bigint[]
  /** Validator permits from the previous epoch: rows without one are ignored. */
  readonly permits: readonly boolean[]
  /** Validators active this epoch: inactive ones keep their scores but carry no active stake. */
  readonly active: readonly boolean[]
  /** Rao to distribute (u64). */
  readonly emission: bigint
}

/** The hyperparameters the on-chain epoch takes (defaults as in {@link resolveYumaParams}). */
export type YumaDenseParams = Pick<
  YumaParamsInit,
  'kappa' | 'bondsPenalty' | 'bondsMovingAverage' | 'yuma3' | 'liquidAlpha' | 'alphaLow' | 'alphaHigh' | 'alphaSigmoidSteepness'
>

/** What the epoch gives a training round: u16 values as stored, and emission in rao. */
export interface YumaDenseResult {
  /** Consensus per miner (u16). */
  readonly consensus: number[]
  /** Incentive per miner (u16). */
  readonly incentive: number[]
  /** Dividends per validator (u16). */
  readonly dividends: number[]
  /** Validator trust per validator (u16). */
  readonly validatorTrust: number[]
  /** New permits: validators with non-zero normalised stake. */
  readonly validatorPermit: boolean[]
  /** New bonds (u16, V × M); rows of validators without a new permit are zero. */
  readonly bonds: number[][]
  /** Emission per miner in rao. */
  readonly minerEmission: bigint[]
  /** Emission per validator in rao. */
  readonly validatorEmission: bigint[]
  /** The underlying epoch over all `V + M` uids. */
  readonly epoch: YumaEpochResult
}

const BLOCK = 10_000
const ACTIVITY_CUTOFF = 5_000

/**
 * Runs the Yuma epoch on one round's dense matrices.
 *
 * @param input - scores, previous bonds, stakes, permits, activity and the emission.
 * @param params - hyperparameters.
 * @param options - tracing, passed on to {@link yumaEpoch}.
 * @returns the stored outputs, split into the validator and miner sides.
 * @throws DeaiError `YUMA_INPUT_INVALID` for inconsistent shapes (and whatever {@link yumaEpoch} throws).
 * @example
 * ```ts
 * import { yumaDenseEpoch } from 'deai/mechanisms'
 * const result = yumaDenseEpoch({
 *   weights: [[65535, 0], [65535, 65535]],
 *   stakes: [1_000_000_000n, 1_000_000_000n],
 *   permits: [true, true],
 *   active: [true, true],
 *   emission: 1_000_000_000n,
 * })
 * result.consensus // [65535, 32767]: with κ just under ½, half the stake carries a score
 * ```
 */
export function yumaDenseEpoch(
  input: YumaDenseInput,
  params: YumaDenseParams = {},
  options: YumaEpochOptions = {},
): YumaDenseResult {
  const v = input.stakes.length
  const m = input.weights[0]?.length ?? 0
  checkShape(input, v, m)
  const n = v + m
  const toRow = (cells: readonly number[] | undefined): YumaSparseRow => {
    if (cells === undefined) return EMPTY_YUMA_ROW
    const uids: number[] = []
    const values: number[] = []
    cells.forEach((value, j) => {
      if (value !== 0) {
        uids.push(v + j)
        values.push(value)
      }
    })
    return { uids, values }
  }
  const epochInput: YumaEpochInput = {
    currentBlock: BLOCK,
    stake: [...input.stakes, ...new Array<bigint>(m).fill(0n)],
    // Inactive validators last updated at block 1: past the cutoff, yet after every registration.
    lastUpdate: Array.from({ length: n }, (_, i) => (i < v && input.active[i] !== true ? 1 : BLOCK)),
    blockAtRegistration: new Array<number>(n).fill(0),
    validatorPermit: Array.from({ length: n }, (_, i) => i < v && input.permits[i] === true),
    weights: Array.from({ length: v }, (_, i) => toRow(input.weights[i])),
    raoEmission: input.emission,
  }
  const resolved = resolveYumaParams({
    ...params,
    maxAllowedValidators: Math.min(65_535, n + 1),
    activityCutoff: ACTIVITY_CUTOFF,
    stakeThreshold: 0n,
    taoWeight: 0n,
    ownerUid: null,
    commitReveal: false,
    lastMechanismStepBlock: 0,
  })
  const prevBonds = input.bonds === undefined ? [] : input.bonds.map(toRow)
  const epoch = yumaEpoch(epochInput, resolved, prevBonds, options)
  const { stored } = epoch
  const bonds = stored.bonds.slice(0, v).map((row) => {
    const dense = new Array<number>(m).fill(0)
    row.uids.forEach((uid, k) => {
      dense[uid - v] = row.values[k] as number
    })
    return dense
  })
  return {
    consensus: stored.consensus.slice(v),
    incentive: stored.incentive.slice(v),
    dividends: stored.dividends.slice(0, v),
    validatorTrust: stored.validatorTrust.slice(0, v),
    validatorPermit: stored.validatorPermit.slice(0, v),
    bonds,
    minerEmission: stored.emission.slice(v),
    validatorEmission: stored.emission.slice(0, v),
    epoch,
  }
}

function checkShape(input: YumaDenseInput, v: number, m: number): void {
  const fail = (what: string, fix: string): never => {
    throw new DeaiError('YUMA_INPUT_INVALID', `Invalid dense Yuma input: ${what}.`, { fixes: [fix] })
  }
  if (v === 0) fail('no validators', 'Give at least one stake.')
  if (v + m >= 65_535) fail(`${v} validators and ${m} miners`, 'Keep V + M below 65,535 uids.')
  if (input.weights.length !== v) fail(`${input.weights.length} score rows for ${v} stakes`, 'Give one score row per validator.')
  if (input.permits.length !== v || input.active.length !== v) {
    fail(`${input.permits.length} permits and ${input.active.length} activity flags for ${v} stakes`, 'Give one permit and one activity flag per validator.')
  }
  const checkRows = (rows: readonly (readonly number[])[], name: string): void => {
    rows.forEach((row, i) => {
      if (row.length !== m) fail(`${name} row ${i} has ${row.length} cells, expected ${m}`, 'Give one cell per miner in every row.')
    })
  }
  checkRows(input.weights, 'score')
  if (input.bonds !== undefined) {
    if (input.bonds.length !== v) fail(`${input.bonds.length} bond rows for ${v} validators`, 'Give one bond row per validator, or none.')
    checkRows(input.bonds, 'bond')
  }
}
