/**
 * Conversions between the dense Yuma types of the TypeScript epoch and the structs of
 * `YumaConsensus.sol` (`Params`, `Input`, `Output`), so that the same round can be run both ways.
 *
 * @packageDocumentation
 */
import { bytesToHex, hexToBytes } from 'viem'
import type { Hex } from 'viem'
import type { YumaDenseClaim } from '../../mechanisms/consensus/yuma/dense-claim.js'
import type { YumaDenseInput, YumaDenseParams } from '../../mechanisms/consensus/yuma/dense-epoch.js'
import { packU16Matrix, unpackU16Matrix } from '../../mechanisms/consensus/yuma/packed-matrix.js'
import { YUMA_DEFAULT_PARAMS } from '../../mechanisms/consensus/yuma/params.js'

/** `YumaConsensus.Params` as viem encodes it. */
export interface YumaParamsStruct {
  kappa: number
  bondsPenalty: number
  bondsMovingAverage: bigint
  yuma3: boolean
  liquidAlpha: boolean
  alphaLow: number
  alphaHigh: number
  alphaSigmoidSteepness: number
}

/** `YumaConsensus.Input` as viem encodes it. */
export interface YumaInputStruct {
  weights: Hex
  bonds: Hex
  stakes: readonly bigint[]
  permits: readonly boolean[]
  active: readonly boolean[]
  emission: bigint
}

/** `YumaConsensus.Output` as viem decodes it. */
export interface YumaOutputStruct {
  readonly consensus: readonly number[]
  readonly incentive: readonly number[]
  readonly dividends: readonly number[]
  readonly validatorTrust: readonly number[]
  readonly validatorPermit: readonly boolean[]
  readonly bonds: Hex
  readonly minerEmission: readonly bigint[]
  readonly validatorEmission: readonly bigint[]
}

/** `YumaConsensus.Claim` as viem encodes and decodes it. */
export interface YumaClaimStruct {
  readonly consensus: readonly bigint[]
  readonly ranks: readonly bigint[]
  readonly bondSums: readonly bigint[]
  readonly deltaSums: readonly bigint[]
  readonly emaSums: readonly bigint[]
  readonly trust: readonly bigint[]
  readonly dividends: readonly bigint[]
  readonly bonds: Hex
}

/** The on-chain outputs in the dense shape of `yumaDenseEpoch` (without its `epoch`). */
export interface YumaOnChainResult {
  readonly consensus: number[]
  readonly incentive: number[]
  readonly dividends: number[]
  readonly validatorTrust: number[]
  readonly validatorPermit: boolean[]
  readonly bonds: number[][]
  readonly minerEmission: bigint[]
  readonly validatorEmission: bigint[]
}

/**
 * The `(params, input)` arguments of `YumaEpoch.epoch` for a dense round; parameters left out
 * take the subtensor defaults, as in `yumaDenseEpoch`.
 *
 * @example
 * ```ts
 * import { yumaEpochArgs } from './yuma-epoch-args.js'
 * const args = yumaEpochArgs({ weights: [[65535]], stakes: [1n], permits: [true], active: [true], emission: 1n }, { yuma3: true })
 * await client.readContract({ address, abi: yumaEpochAbi, functionName: 'epoch', args })
 * ```
 */
export function yumaEpochArgs(input: YumaDenseInput, params: YumaDenseParams = {}): [YumaParamsStruct, YumaInputStruct] {
  const d = YUMA_DEFAULT_PARAMS
  return [
    {
      kappa: params.kappa ?? d.kappa,
      bondsPenalty: params.bondsPenalty ?? d.bondsPenalty,
      bondsMovingAverage: BigInt(params.bondsMovingAverage ?? d.bondsMovingAverage),
      yuma3: params.yuma3 ?? d.yuma3,
      liquidAlpha: params.liquidAlpha ?? d.liquidAlpha,
      alphaLow: params.alphaLow ?? d.alphaLow,
      alphaHigh: params.alphaHigh ?? d.alphaHigh,
      alphaSigmoidSteepness: params.alphaSigmoidSteepness ?? d.alphaSigmoidSteepness,
    },
    {
      weights: bytesToHex(packU16Matrix(input.weights)),
      bonds: input.bonds === undefined ? '0x' : bytesToHex(packU16Matrix(input.bonds)),
      stakes: input.stakes,
      permits: input.permits,
      active: input.active,
      emission: input.emission,
    },
  ]
}

/**
 * The contract's `Output` in the dense shape.
 *
 * @param output - what `YumaEpoch.epoch` returned.
 * @returns the same values, bonds unpacked to rows.
 */
export function fromYumaOutput(output: YumaOutputStruct): YumaOnChainResult {
  const validators = output.dividends.length
  return {
    consensus: [...output.consensus],
    incentive: [...output.incentive],
    dividends: [...output.dividends],
    validatorTrust: [...output.validatorTrust],
    validatorPermit: [...output.validatorPermit],
    bonds: unpackU16Matrix(hexToBytes(output.bonds), validators),
    minerEmission: [...output.minerEmission],
    validatorEmission: [...output.validatorEmission],
  }
}

/**
 * A dense claim as the `YumaConsensus.Claim` struct.
 *
 * @param claim - from `yumaDenseClaim`.
 * @returns the struct viem encodes.
 */
export function yumaClaimStruct(claim: YumaDenseClaim): YumaClaimStruct {
  const big = (values: readonly number[]): bigint[] => values.map((x) => BigInt(x))
  return {
    consensus: big(claim.consensus),
    ranks: big(claim.ranks),
    bondSums: big(claim.bondSums),
    deltaSums: big(claim.deltaSums),
    emaSums: big(claim.emaSums),
    trust: big(claim.trust),
    dividends: big(claim.dividends),
    bonds: bytesToHex(packU16Matrix(claim.bonds)),
  }
}
