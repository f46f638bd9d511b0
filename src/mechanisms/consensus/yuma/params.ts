/**
 * Hyperparameters of one Yuma epoch (spec §4), in the units the chain stores them, with the
 * runtime defaults.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'

/** Hyperparameters as the caller gives them: any field may be left out. */
export interface YumaParamsInit {
  /**
   * Consensus majority as stored (u16): κ = kappa / 65535.
   * @default 32767
   */
  kappa?: number
  /**
   * Bonds penalty β as stored (u16): β = value / 65535. 65535 builds bonds from clipped weights.
   * @default 65535
   */
  bondsPenalty?: number
  /**
   * `BondsMovingAverage` (u64): the fixed EMA rate is α = 1 − value / 10^6.
   * @default 900000n
   */
  bondsMovingAverage?: bigint | number
  /**
   * `Yuma3On`: absolute bonds, stake applied only in dividends.
   * @default false
   */
  yuma3?: boolean
  /**
   * `LiquidAlphaOn`: per-cell EMA rate (Yuma 3 only).
   * @default false
   */
  liquidAlpha?: boolean
  /**
   * α_low as stored (u16).
   * @default 45875
   */
  alphaLow?: number
  /**
   * α_high as stored (u16).
   * @default 58982
   */
  alphaHigh?: number
  /**
   * `AlphaSigmoidSteepness` (i16).
   * @default 1000
   */
  alphaSigmoidSteepness?: number
  /**
   * `MaxAllowedValidators`: k of the top-k validator permits.
   * @default 128
   */
  maxAllowedValidators?: number
  /**
   * Tempo in blocks.
   * @default 360
   */
  tempo?: number
  /**
   * Activity cutoff in blocks: a uid is inactive when `last_update + cutoff < current_block`.
   * @default 5000
   */
  activityCutoff?: number
  /**
   * `StakeThreshold` in rao: lower stakes count as 0 (except the owner's).
   * @default 0n
   */
  stakeThreshold?: bigint | number
  /**
   * `TaoWeight` as stored (u64): tao stake counts `taoWeight / (2^64 − 1)` per rao.
   * @default 971718665099567868n
   */
  taoWeight?: bigint | number
  /**
   * The subnet owner's uid, or null when the owner hotkey is not registered.
   * @default null
   */
  ownerUid?: number | null
  /**
   * `CommitRevealWeightsEnabled`: apply the commit-block column mask.
   * @default true
   */
  commitReveal?: boolean
  /**
   * `LastMechansimStepBlock` (0 if none): sets `last_tempo` for the bonds mask.
   * @default 0
   */
  lastMechanismStepBlock?: number
}

/** Fully resolved hyperparameters. */
export interface YumaParams {
  readonly kappa: number
  readonly bondsPenalty: number
  readonly bondsMovingAverage: bigint
  readonly yuma3: boolean
  readonly liquidAlpha: boolean
  readonly alphaLow: number
  readonly alphaHigh: number
  readonly alphaSigmoidSteepness: number
  readonly maxAllowedValidators: number
  readonly tempo: number
  readonly activityCutoff: number
  readonly stakeThreshold: bigint
  readonly taoWeight: bigint
  readonly ownerUid: number | null
  readonly commitReveal: boolean
  readonly lastMechanismStepBlock: number
}

/** The runtime defaults of subtensor at the spec's commit. */
export const YUMA_DEFAULT_PARAMS: YumaParams = Object.freeze({
  kappa: 32_767,
  bondsPenalty: 65_535,
  bondsMovingAverage: 900_000n,
  yuma3: false,
  liquidAlpha: false,
  alphaLow: 45_875,
  alphaHigh: 58_982,
  alphaSigmoidSteepness: 1_000,
  maxAllowedValidators: 128,
  tempo: 360,
  activityCutoff: 5_000,
  stakeThreshold: 0n,
  taoWeight: 971_718_665_099_567_868n,
  ownerUid: null,
  commitReveal: true,
  lastMechanismStepBlock: 0,
})

/**
 * Fills in defaults and checks ranges.
 *
 * @throws DeaiError `YUMA_PARAMS_INVALID` naming the bad field.
 * @example
 * ```ts
 * import { resolveYumaParams } from 'deai/mechanisms'
 * const params = resolveYumaParams({ yuma3: true, liquidAlpha: true })
 * ```
 */
export function resolveYumaParams(init: YumaParamsInit = {}): YumaParams {
  const d = YUMA_DEFAULT_PARAMS
  const params: YumaParams = {
    kappa: u16('kappa', init.kappa ?? d.kappa),
    bondsPenalty: u16('bondsPenalty', init.bondsPenalty ?? d.bondsPenalty),
    bondsMovingAverage: u64('bondsMovingAverage', init.bondsMovingAverage ?? d.bondsMovingAverage),
    yuma3: init.yuma3 ?? d.yuma3,
    liquidAlpha: init.liquidAlpha ?? d.liquidAlpha,
    alphaLow: u16('alphaLow', init.alphaLow ?? d.alphaLow),
    alphaHigh: u16('alphaHigh', init.alphaHigh ?? d.alphaHigh),
    alphaSigmoidSteepness: integer('alphaSigmoidSteepness', init.alphaSigmoidSteepness ?? d.alphaSigmoidSteepness, -32_768, 32_767),
    maxAllowedValidators: u16('maxAllowedValidators', init.maxAllowedValidators ?? d.maxAllowedValidators),
    tempo: integer('tempo', init.tempo ?? d.tempo, 0, 65_535),
    activityCutoff: integer('activityCutoff', init.activityCutoff ?? d.activityCutoff, 0, Number.MAX_SAFE_INTEGER),
    stakeThreshold: u64('stakeThreshold', init.stakeThreshold ?? d.stakeThreshold),
    taoWeight: u64('taoWeight', init.taoWeight ?? d.taoWeight),
    ownerUid: init.ownerUid === undefined ? d.ownerUid : init.ownerUid === null ? null : u16('ownerUid', init.ownerUid),
    commitReveal: init.commitReveal ?? d.commitReveal,
    lastMechanismStepBlock: integer(
      'lastMechanismStepBlock',
      init.lastMechanismStepBlock ?? d.lastMechanismStepBlock,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
  }
  return Object.freeze(params)
}

function invalid(field: string, value: unknown, expected: string): DeaiError {
  return new DeaiError('YUMA_PARAMS_INVALID', `Yuma parameter ${field} is ${String(value)}; expected ${expected}.`, {
    fixes: [`Set ${field} to ${expected}, or leave it out to use the default.`],
  })
}

function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(field, value, `an integer in [${min}, ${max}]`)
  return value
}

function u16(field: string, value: number): number {
  return integer(field, value, 0, 65_535)
}

function u64(field: string, value: bigint | number): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw invalid(field, value, 'an integer in [0, 2^64)')
  const big = BigInt(value)
  if (big < 0n || big >= 1n << 64n) throw invalid(field, value, 'an integer in [0, 2^64)')
  return big
}
