import { readByName } from '../helpers/call-by-name.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { decodeFunctionResult, encodeFunctionData } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { yumaEpochAbi, yumaEpochBytecode } from '../../src/ledger/contracts/generated/YumaEpoch.js'
import { fromYumaOutput, yumaClaimStruct, yumaEpochArgs } from '../../src/ledger/contracts/yuma-epoch-args.js'
import type { YumaOnChainResult } from '../../src/ledger/contracts/yuma-epoch-args.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { yumaDenseClaim } from '../../src/mechanisms/consensus/yuma/dense-claim.js'
import { type YumaDenseInput, type YumaDenseParams, type YumaDenseResult, yumaDenseEpoch } from '../../src/mechanisms/consensus/yuma/dense-epoch.js'
import { HALF, ONE, div, mul, normalize, propToU16, saturatingDiv, u16ToProp } from '../../src/mechanisms/consensus/yuma/fixed-point.js'
import { expSafe, sigmoidOfExp } from '../../src/mechanisms/consensus/yuma/liquid-alpha.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { createRevertLog } from '../helpers/reverts.js'
import { compileYumaMock, createUncappedChain, deployWith, randomYumaCase, show } from '../helpers/yuma-onchain.js'
import type { UncappedChain, YumaCaseShape } from '../helpers/yuma-onchain.js'

const SEED = 20_260_701
const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)

const log = createRevertLog()
let ledger: EmbeddedLedger
let deployer: PrivateKeyAccount
let epochAddress: Address
let uncapped: UncappedChain
let uncappedAddress: Address

beforeAll(async () => {
  ledger = await createEmbeddedLedger({ accounts: 1 })
  deployer = ledger.accounts[0] as PrivateKeyAccount
  epochAddress = await deployWith(ledger.client, ledger.wallet(deployer), { abi: yumaEpochAbi, bytecode: yumaEpochBytecode })
  uncapped = await createUncappedChain()
  uncappedAddress = await deployWith(uncapped.client, uncapped.wallet, { abi: yumaEpochAbi, bytecode: yumaEpochBytecode })
})

afterAll(async () => {
  await ledger.close()
})

/** Runs the on-chain epoch with eth_call on the embedded chain (or the uncapped one). */
async function onChain(input: YumaDenseInput, params: YumaDenseParams, big = false): Promise<YumaOnChainResult> {
  const args = yumaEpochArgs(input, params)
  if (!big) return fromYumaOutput(await ledger.client.readContract({ address: epochAddress, abi: yumaEpochAbi, functionName: 'epoch', args }))
  const data = encodeFunctionData({ abi: yumaEpochAbi, functionName: 'epoch', args })
  const reply = await uncapped.client.call({ to: uncappedAddress, data, gas: uncapped.gas })
  if (reply.data === undefined) throw new Error('the epoch call returned nothing')
  return fromYumaOutput(decodeFunctionResult({ abi: yumaEpochAbi, functionName: 'epoch', data: reply.data }))
}

/** Every output the TypeScript epoch gives a round, in the on-chain shape. */
function expected(ts: YumaDenseResult): YumaOnChainResult {
  const { epoch: _epoch, ...outputs } = ts
  return outputs
}

type Variant = 'original' | 'yuma3' | 'liquid'
function variantOf(params: YumaDenseParams): Variant {
  return params.yuma3 !== true ? 'original' : params.liquidAlpha === true ? 'liquid' : 'yuma3'
}

/** Runs `count` random cases of the given shapes and returns the mismatches (empty when all agree). */
async function compareCases(random: Prng, count: number, shape: () => YumaCaseShape, big: boolean, variants: Map<Variant, number>): Promise<string[]> {
  const mismatches: string[] = []
  for (let k = 0; k < count; k++) {
    const { input, params } = randomYumaCase(random, shape())
    const ts = yumaDenseEpoch(input, params)
    const sol = await onChain(input, params, big)
    variants.set(variantOf(params), (variants.get(variantOf(params)) ?? 0) + 1)
    const v = input.stakes.length
    const want = expected(ts)
    // The rao split also equals the epoch's server and validator emission on each side.
    const split = { miners: ts.epoch.serverEmission.slice(v), validators: ts.epoch.validatorEmission.slice(0, v) }
    if (show(sol) !== show(want) || show(split) !== show({ miners: sol.minerEmission, validators: sol.validatorEmission })) {
      mismatches.push(`case ${k} (${v}×${input.weights[0]?.length ?? 0}, ${show(params)}): ts ${show(want).slice(0, 400)} sol ${show(sol).slice(0, 400)}`)
    }
  }
  return mismatches
}

describe('YumaConsensus on chain gives the TypeScript epoch bit for bit', () => {
  test('500 random rounds of 1..32 validators × 1..48 miners agree in every u16, bond and rao value', async () => {
    const random = createPrng(SEED)
    const variants = new Map<Variant, number>()
    const small = () => ({ validators: 1 + random.nextInt(8), miners: 1 + random.nextInt(16) })
    const medium = () => ({ validators: 1 + random.nextInt(32), miners: 1 + random.nextInt(48) })
    const mismatches = [
      ...(await compareCases(random, 440, small, false, variants)),
      ...(await compareCases(random, 60, medium, false, variants)),
    ]
    expect(mismatches).toEqual([])
    // The generator reaches every variant often.
    expect(Math.min(...['original', 'yuma3', 'liquid'].map((name) => variants.get(name as Variant) ?? 0))).toBeGreaterThan(60)
  })

  test('rounds of 64 validators × 256 miners agree too (run on a chain without the per-transaction cap)', async () => {
    const random = createPrng(SEED + 1)
    const variants = new Map<Variant, number>()
    const shapes: YumaCaseShape[] = [
      // Liquid alpha costs ~10^8 gas at this size, so only one round uses it.
      { validators: 64, miners: 256, liquidAlpha: false },
      { validators: 64, miners: 256, liquidAlpha: false },
      { validators: 64, miners: 256, liquidAlpha: true },
      { validators: 64, miners: 256, liquidAlpha: false },
      { validators: 63, miners: 255, liquidAlpha: false },
    ]
    let next = 0
    const mismatches = await compareCases(random, shapes.length, () => shapes[next++] as YumaCaseShape, true, variants)
    expect(mismatches).toEqual([])
  })

  test('YumaEpoch.claim posts the aggregates the TypeScript claim builder computes', async () => {
    const random = createPrng(SEED + 2)
    const mismatches: string[] = []
    for (let k = 0; k < 60; k++) {
      const { input, params } = randomYumaCase(random, { validators: 1 + random.nextInt(12), miners: 1 + random.nextInt(20) })
      const want = yumaClaimStruct(yumaDenseClaim(input, params))
      const got = await ledger.client.readContract({ address: epochAddress, abi: yumaEpochAbi, functionName: 'claim', args: yumaEpochArgs(input, params) })
      if (show(got) !== show(want)) mismatches.push(`case ${k}: ${show(params)}`)
    }
    expect(mismatches).toEqual([])
  })

  test('a hand-checked round: with κ just under ½, half the stake is enough to carry a score', async () => {
    const input: YumaDenseInput = {
      weights: [
        [65_535, 0],
        [65_535, 65_535],
      ],
      stakes: [1_000_000_000n, 1_000_000_000n],
      permits: [true, true],
      active: [true, true],
      emission: 1_000_000_000n,
    }
    const sol = await onChain(input, {})
    // Normalised rows: [1, 0] and [½, ½]. Miner 0's median is 1 (both validators are at least ½,
    // and the one at 1 holds half the stake); miner 1's is ½. Ranks: ½·1 + ½·½ = ¾ and ½·½ = ¼.
    expect(sol.consensus).toEqual([65_535, 32_767])
    expect(sol.validatorTrust).toEqual([65_535, 65_535])
    expect(sol.incentive).toEqual([49_151, 16_383])
    expect(sol).toEqual(expected(yumaDenseEpoch(input, {})))
  })

  test('rejects inconsistent shapes and a moving average above 10^6', async () => {
    const good: YumaDenseInput = { weights: [[1, 2]], stakes: [1n], permits: [true], active: [true], emission: 1n }
    const call = (args: ReturnType<typeof yumaEpochArgs>) => ledger.client.readContract({ address: epochAddress, abi: yumaEpochAbi, functionName: 'epoch', args })
    const [params, input] = yumaEpochArgs(good)
    await log.expectRevert(call([params, { ...input, weights: '0x000100' }]), 'YumaShapeInvalid')
    await log.expectRevert(call([params, { ...input, bonds: '0x00' }]), 'YumaShapeInvalid')
    await log.expectRevert(call([params, { ...input, permits: [] }]), 'YumaShapeInvalid')
    await log.expectRevert(call([params, { ...input, stakes: [], permits: [], active: [], weights: '0x' }]), 'YumaShapeInvalid')
    await log.expectRevert(call([{ ...params, bondsMovingAverage: 1_000_001n }, input]), 'YumaMovingAverageTooLarge')
    await call([{ ...params, bondsMovingAverage: 1_000_000n }, input])
  })

  test('every error of YumaEpoch is raised by a test here or is unreachable', () => {
    assertErrorChecklist(yumaEpochAbi, log, {
      covered: {
        YumaShapeInvalid: 'rejects inconsistent shapes and a moving average above 10^6',
        YumaMovingAverageTooLarge: 'rejects inconsistent shapes and a moving average above 10^6',
      },
    })
  })
})

describe('YumaConsensus fixed-point helpers equal the TypeScript ones', () => {
  let lens: { address: Address; abi: Awaited<ReturnType<typeof compileYumaMock>>['abi'] }

  beforeAll(async () => {
    const compiled = await compileYumaMock('YumaMathLens')
    lens = { address: await deployWith(ledger.client, ledger.wallet(deployer), compiled), abi: compiled.abi }
  })

  const read = async (functionName: string, args: readonly unknown[]): Promise<unknown> =>
    readByName(ledger, lens, functionName, args)
  const random = createPrng(SEED + 3)
  /** A signed integer of up to `bits` bits, biased towards small and round values. */
  const signed = (bits: number): number => {
    const magnitude = random.pick([0, 1, ONE, HALF, Math.floor(random.nextFloat() * 2 ** random.nextInt(bits + 1))])
    return random.nextFloat() < 0.5 ? -magnitude : magnitude
  }

  /** A pair whose quotient a·2^32 / b either fits a double (|a/b| < 2^20) or overflows I32F32 (b = 1, large a). */
  const ratioPair = (): [number, number] => {
    let b = signed(44)
    if (b === 0) b = random.pick([1, -1, 0])
    if (b === 0) return [signed(40), 0]
    const a = Math.floor((random.nextFloat() - 0.5) * 2 * Math.min(2 ** 52, Math.abs(b) * 2 ** 20))
    return [a, b]
  }

  test('mul floors toward −∞ and saturates to I32F32', async () => {
    const edges: [number, number][] = [[0, 0], [0, -ONE], [-1, 1], [1, -1], [-1, -1], [ONE, ONE], [-ONE, HALF], [2 ** 40, 2 ** 40], [-(2 ** 40), 2 ** 40 + 1], [2 ** 52 - 1, 1], [2 ** 53 - 1, 2 ** 31]]
    const pairs = [...edges, ...Array.from({ length: 120 }, (): [number, number] => [signed(42), signed(42)])]
    for (const [a, b] of pairs) expect(await read('mul', [BigInt(a), BigInt(b)]), `mul(${a}, ${b})`).toBe(BigInt(mul(a, b)))
    // Beyond what a double holds exactly the TypeScript helper throws; the chain saturates.
    expect(await read('mul', [I64_MAX, BigInt(2 * ONE)])).toBe(I64_MAX)
    expect(await read('mul', [I64_MIN, BigInt(2 * ONE)])).toBe(I64_MIN)
  })

  test('div truncates toward zero and gives 0 on division by zero or overflow', async () => {
    const edges: [number, number][] = [[0, 0], [ONE, 0], [-ONE, 0], [0, ONE], [ONE, 10 * ONE], [-ONE, 10 * ONE], [1, -3], [-7, 2], [2 ** 52, 1], [-(2 ** 52), 1], [2 ** 31, 1], [2 ** 20, 3], [-(2 ** 20), 3], [2 ** 53 - 1, 2 ** 53 - 1]]
    const pairs = [...edges, ...Array.from({ length: 120 }, (): [number, number] => ratioPair())]
    for (const [a, b] of pairs) expect(await read('div', [BigInt(a), BigInt(b)]), `div(${a}, ${b})`).toBe(BigInt(div(a, b)))
    // Quotients between 2^53 and the I32F32 bound are beyond the TypeScript helper's doubles.
    expect(await read('div', [-(2n ** 31n), 1n])).toBe(I64_MIN)
    expect(await read('div', [2n ** 31n - 1n, 1n])).toBe(I64_MAX - (2n ** 32n - 1n))
  })

  test('saturatingDiv truncates and clamps to I32F32', async () => {
    const pairs: [number, number][] = [[ONE, -100 * ONE], [1_000 * ONE, -100 * ONE], [-32_768 * ONE, -100 * ONE], [1, 3], [-1, 3], ...Array.from({ length: 60 }, (): [number, number] => ratioPair()).filter(([, b]) => b !== 0)]
    // A zero divisor is never passed (the chain only divides by 1 + e^t), and both sides reject it.
    for (const [a, b] of pairs) expect(await read('saturatingDiv', [BigInt(a), BigInt(b)]), `saturatingDiv(${a}, ${b})`).toBe(BigInt(saturatingDiv(a, b)))
    expect(await read('saturatingDiv', [BigInt(2 ** 40), 1n])).toBe(I64_MAX)
    expect(await read('saturatingDiv', [-BigInt(2 ** 40), 1n])).toBe(I64_MIN)
  })

  test('prop_u16 and u16_prop round as the chain does', async () => {
    const xs = [0, -1, -ONE, 1, 65_535, 65_536, HALF, ONE - 1, ONE, ONE + 1, 2 * ONE, 2 ** 53 - 1, ...Array.from({ length: 80 }, () => signed(34))]
    for (const x of xs) expect(await read('propToU16', [BigInt(x)]), `propToU16(${x})`).toBe(propToU16(x))
    const vs = [0, 1, 2, 32_767, 32_768, 45_875, 58_982, 65_534, 65_535, ...Array.from({ length: 60 }, () => random.nextInt(65_536))]
    for (const v of vs) expect(await read('u16ToProp', [v]), `u16ToProp(${v})`).toBe(BigInt(u16ToProp(v)))
  })

  test('normalize divides by the sum and leaves an all-zero vector as it is', async () => {
    const vectors: number[][] = [[], [0], [0, 0, 0], [5], [1, 1, 1], [ONE, ONE], [1, 0, 2 ** 40]]
    for (let k = 0; k < 40; k++) vectors.push(Array.from({ length: 1 + random.nextInt(20) }, () => Math.abs(signed(36))))
    for (const values of vectors) {
      const got = (await read('normalize', [values.map(BigInt)])) as readonly bigint[]
      expect(got, `normalize(${values.join(', ')})`).toEqual(normalize(values).map(BigInt))
    }
  })

  test('exp_safe and the liquid-alpha sigmoid match substrate-fixed, clamps and overflows included', async () => {
    const edges = [0, 1, -1, ONE, -ONE, HALF, -HALF, 20 * ONE, -20 * ONE, 20 * ONE + 1, -20 * ONE - 1, 64 * ONE, -64 * ONE, 2 ** 52, -(2 ** 52)]
    const ts = [...edges, ...Array.from({ length: 100 }, () => Math.round((random.nextFloat() - 0.5) * 50 * ONE))]
    for (const t of ts) {
      expect(await read('expSafe', [BigInt(t)]), `expSafe(${t})`).toBe(expSafe(BigInt(t)))
      expect(await read('sigmoid', [BigInt(t)]), `sigmoid(${t})`).toBe(BigInt(sigmoidOfExp(t)))
    }
    // exp's checked arithmetic fails beyond I64: exp_safe clamps first, so only a raw huge input shows it.
    expect(await read('expSafe', [I64_MAX])).toBe(expSafe(I64_MAX))
  })
})
