import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import solcJs from 'solc'
import { createPublicClient, createWalletClient, custom } from 'viem'
import type { Abi, Address, Chain, Hex, PrivateKeyAccount, PublicClient, Transport, WalletClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { z } from 'zod'
import { deaiChain } from '../../src/ledger/create-ledger.js'
import { DEV_MNEMONIC, deriveDevKeys } from '../../src/ledger/dev-accounts.js'
import { createEdrProvider } from '../../src/ledger/embedded/edr-provider.js'
import { type YumaDenseInput, type YumaDenseParams, yumaDenseEpoch } from '../../src/mechanisms/consensus/yuma/dense-epoch.js'
import type { Prng } from './prng.js'

/**
 * A chain without Osaka's per-transaction gas cap (hardfork prague, a 2·10^9 block gas limit), for
 * running epochs larger than one transaction may be, to check their bits; never for gas claims.
 */
export type UncappedChain = {
  client: PublicClient<Transport, Chain>
  wallet: WalletClient<Transport, Chain, PrivateKeyAccount>
  /** The gas every call and transaction is given. */
  gas: bigint
}

export async function createUncappedChain(): Promise<UncappedChain> {
  const [key] = deriveDevKeys(1, DEV_MNEMONIC)
  if (key === undefined) throw new Error('no dev key')
  const account = privateKeyToAccount(key)
  const provider = await createEdrProvider({
    hardfork: 'prague',
    blockGasLimit: 2_000_000_000n,
    balances: new Map([[account.address, 10n ** 24n]]),
  })
  const chain = deaiChain(31337)
  const transport = custom({ request: provider.request }, { retryCount: 0 })
  return {
    client: createPublicClient({ chain, transport, pollingInterval: 1 }),
    wallet: createWalletClient({ chain, account, transport }),
    gas: 1_500_000_000n,
  }
}

/** Deploys a contract with `wallet` and returns its address. */
export async function deployWith(
  client: PublicClient<Transport, Chain>,
  wallet: WalletClient<Transport, Chain, PrivateKeyAccount>,
  contract: { abi: Abi; bytecode: Hex },
  gas?: bigint,
): Promise<Address> {
  const hash = await wallet.deployContract({ abi: contract.abi, bytecode: contract.bytecode, ...(gas === undefined ? {} : { gas }) })
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || receipt.contractAddress == null) throw new Error(`deploying failed (tx ${hash})`)
  return receipt.contractAddress
}

// solc-js types its standard-JSON interface as `any`; this is the part used here.
const solc = solcJs as { compile(input: string): string }

const outputSchema = z.object({
  errors: z.array(z.object({ severity: z.string(), formattedMessage: z.string() })).optional(),
  contracts: z.record(z.string(), z.record(z.string(), z.object({ abi: z.array(z.unknown()), evm: z.object({ bytecode: z.object({ object: z.string() }) }) }))).optional(),
})

/** Test-only contracts under test/contracts/mocks/ that the Yuma tests use. */
export type YumaMockName = 'YumaMathLens' | 'EtherRefuser'

const mocks = new Map<YumaMockName, Promise<{ abi: Abi; bytecode: Hex }>>()

/** Compiles test/contracts/mocks/<name>.sol, with the YumaConsensus library it may import, once per process. */
export function compileYumaMock(name: YumaMockName): Promise<{ abi: Abi; bytecode: Hex }> {
  let compiled = mocks.get(name)
  if (compiled === undefined) {
    compiled = compileMockWithLibrary(name)
    mocks.set(name, compiled)
  }
  return compiled
}

async function compileMockWithLibrary(name: YumaMockName): Promise<{ abi: Abi; bytecode: Hex }> {
  const read = (path: string) => readFile(fileURLToPath(new URL(path, import.meta.url)), 'utf8')
  const source = `test/contracts/mocks/${name}.sol`
  const input = {
    language: 'Solidity',
    sources: {
      'contracts/consensus/YumaConsensus.sol': { content: await read('../../contracts/consensus/YumaConsensus.sol') },
      [source]: { content: await read(`../contracts/mocks/${name}.sol`) },
    },
    settings: { evmVersion: 'cancun', viaIR: true, optimizer: { enabled: true, runs: 200 }, outputSelection: { [source]: { '*': ['abi', 'evm.bytecode.object'] } } },
  }
  const output = outputSchema.parse(JSON.parse(String(solc.compile(JSON.stringify(input)))))
  const problems = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (problems.length > 0) throw new Error(problems.map((e) => e.formattedMessage).join('\n'))
  const contract = output.contracts?.[source]?.[name]
  if (contract === undefined) throw new Error(`${name} missing from the compiler output`)
  // solc's ABI output is an ABI by construction.
  return { abi: contract.abi as Abi, bytecode: `0x${contract.evm.bytecode.object}` }
}

/** Shape and flavour of one random case. */
export type YumaCaseShape = { validators: number; miners: number; liquidAlpha?: boolean }

/**
 * A random dense round: stakes (some zero; of one magnitude, or from 1 rao to near 2^64), sparse to dense
 * scores with zero rows and columns, mostly set permits and activity, and previous bonds that a
 * prior random epoch produced (or none, or arbitrary u16). Parameters vary around the defaults.
 */
export function randomYumaCase(random: Prng, shape: YumaCaseShape): { input: YumaDenseInput; params: YumaDenseParams } {
  const { validators: v, miners: m } = shape
  const matrix = (density: number): number[][] => {
    const rows = Array.from({ length: v }, () => Array.from({ length: m }, () => (random.nextFloat() < density ? randomU16(random) : 0)))
    const zeroRows = random.nextFloat() < 0.3
    const zeroCols = random.nextFloat() < 0.3
    for (let i = 0; i < v; i++) if (zeroRows && random.nextFloat() < 0.15) rows[i]!.fill(0)
    for (let j = 0; j < m; j++) if (zeroCols && random.nextFloat() < 0.2) for (const row of rows) row[j] = 0
    return rows
  }
  const density = () => random.pick([0.1, 0.3, 0.6, 0.9, 1, 1, random.nextFloat()])
  const allZeroStake = random.nextFloat() < 0.02
  // Half the rounds have stakes of one magnitude, half of any (then one validator usually dominates).
  const similar = random.nextFloat() < 0.5
  const stakes = Array.from({ length: v }, () => {
    if (allZeroStake || random.nextFloat() < 0.1) return 0n
    if (similar) return 10n ** 12n + random.nextBigInt(10n ** 15n)
    const bits = 1 + random.nextInt(64)
    return 1n + random.nextBigInt((1n << BigInt(bits)) - 1n)
  })
  const flags = (p: number) => Array.from({ length: v }, () => random.nextFloat() < p)
  const yuma3 = shape.liquidAlpha === true || random.nextFloat() < 0.5
  const params: YumaDenseParams = {
    yuma3,
    liquidAlpha: shape.liquidAlpha ?? (yuma3 && random.nextFloat() < 0.4),
    kappa: random.pick([32_767, 32_767, 32_767, 32_767, randomU16(random), 0, 65_535]),
    bondsPenalty: random.pick([65_535, 0, randomU16(random)]),
    bondsMovingAverage: BigInt(random.pick([900_000, 975_000, random.nextInt(1_000_001), 0, 1_000_000])),
    alphaLow: random.pick([45_875, randomU16(random)]),
    alphaHigh: random.pick([58_982, randomU16(random)]),
    alphaSigmoidSteepness: random.pick([1_000, random.nextInt(65_536) - 32_768, 10]),
  }
  const base = { stakes, permits: flags(0.9), active: flags(0.85), emission: random.pick([1_000_000_000n, random.nextBigInt(1n << 64n)]) }
  const bondsKind = random.nextInt(4)
  let bonds: number[][] | undefined
  if (bondsKind === 1) bonds = matrix(density())
  if (bondsKind >= 2) {
    // Bonds as a previous epoch left them, from other random scores.
    const prior = yumaDenseEpoch({ ...base, weights: matrix(density()), permits: flags(0.9), active: flags(0.9) }, params)
    bonds = prior.bonds
  }
  const input: YumaDenseInput = { ...base, weights: matrix(density()), ...(bonds === undefined ? {} : { bonds }) }
  return { input, params }
}

function randomU16(random: Prng): number {
  return random.pick([65_535, 1, random.nextInt(65_536), random.nextInt(65_536)])
}

/** JSON with bigints as strings, for compact mismatch messages. */
export function show(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}
