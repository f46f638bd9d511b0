/**
 * Gas of the on-chain Yuma epoch (`YumaEpoch.epoch`) at 16 × 64 and 64 × 256 (validators ×
 * miners, every validator scoring every miner, bonds from a previous epoch), for original Yuma,
 * Yuma 3 and Yuma 3 with liquid alpha; and of the optimistic settlement (`YumaSettlement`) at
 * 64 × 256, where a full epoch does not fit a transaction.
 *
 * How it is measured:
 * - on the embedded chain (Osaka: 16,777,216 gas per transaction, 60M per block) with
 *   `eth_estimateGas` for the epoch, and the receipts' `gasUsed` for the settlement transactions;
 * - an epoch beyond the transaction cap is sent as a transaction on a second EDR chain without
 *   the cap (hardfork prague, 2·10^9 gas blocks) and its receipt's `gasUsed` is reported.
 * Figures include the 21,000 base and the calldata. The settlement transactions carry the round's
 * inputs and claim (about 140 KiB at 64 × 256) and pay EIP-7623's calldata floor, which is larger
 * than their execution.
 *
 * Run it with `npx tsx bench/gas-yuma.ts`.
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createPublicClient, createWalletClient, custom, encodeDeployData, encodeFunctionData, hexToBytes, parseEther } from 'viem'
import type { Address, Chain, PrivateKeyAccount, PublicClient, Transport, WalletClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { yumaEpochAbi, yumaEpochBytecode } from '../src/ledger/contracts/generated/YumaEpoch.js'
import { yumaSettlementAbi, yumaSettlementBytecode } from '../src/ledger/contracts/generated/YumaSettlement.js'
import { yumaClaimStruct, yumaEpochArgs } from '../src/ledger/contracts/yuma-epoch-args.js'
import { deaiChain } from '../src/ledger/create-ledger.js'
import { DEV_MNEMONIC, deriveDevKeys } from '../src/ledger/dev-accounts.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { TRANSACTION_GAS_CAP, createEdrProvider } from '../src/ledger/embedded/edr-provider.js'
import { yumaDenseClaim } from '../src/mechanisms/consensus/yuma/dense-claim.js'
import { type YumaDenseInput, type YumaDenseParams, yumaDenseEpoch } from '../src/mechanisms/consensus/yuma/dense-epoch.js'
import { createRandom } from '../src/ml/random.js'

/** One measured operation. */
export type YumaGasRow = {
  operation: 'epoch' | 'propose' | 'challengeColumn' | 'challengeRow' | 'settle'
  validators: number
  miners: number
  variant: string
  gas: bigint
  /** How `gas` was obtained. */
  method: 'eth_estimateGas' | 'receipt gasUsed'
  /** The chain it ran on: the embedded one (with the cap) or the uncapped one. */
  chain: 'osaka' | 'prague, no cap'
  fitsTransaction: boolean
  fitsBlock: boolean
  /**
   * EIP-7623's calldata floor for the transaction (21,000 + 10 per zero byte + 40 per other
   * byte). When `gas` equals it, the execution costs less than the calldata alone.
   */
  calldataFloor: bigint
}

const SEED = 20_260_703
const BLOCK_GAS_LIMIT = 60_000_000n
const VARIANTS: readonly { name: string; params: YumaDenseParams }[] = [
  { name: 'original Yuma', params: {} },
  { name: 'Yuma 3', params: { yuma3: true } },
  { name: 'Yuma 3 + liquid alpha', params: { yuma3: true, liquidAlpha: true } },
]

/** What to measure. */
export type BenchYumaGasInit = {
  /** Sizes (validators, miners) of the full epoch. @default [[16, 64], [64, 256]] */
  sizes?: readonly (readonly [number, number])[]
  /** Size of the settlement run (propose, both challenges, settle). @default [64, 256] */
  settlement?: readonly [number, number]
}

/**
 * Measures the epoch at both sizes and the settlement path at 64 × 256.
 *
 * @param init - other sizes, for a quick run.
 * @returns one row per operation, size and variant.
 * @example
 * ```ts
 * import { benchYumaGas, formatYumaGasTable } from './bench/gas-yuma.js'
 * console.log(formatYumaGasTable(await benchYumaGas()))
 * ```
 */
export async function benchYumaGas(init: BenchYumaGasInit = {}): Promise<YumaGasRow[]> {
  const sizes = init.sizes ?? [[16, 64], [64, 256]]
  const rows: YumaGasRow[] = []
  const ledger = await createEmbeddedLedger({ accounts: 2 })
  const [proposer, challenger] = ledger.accounts as [PrivateKeyAccount, PrivateKeyAccount]
  const uncapped = await createUncappedChain()
  try {
    const epochAddress = await deploy(ledger.client, ledger.wallet(proposer), encodeDeployData({ abi: yumaEpochAbi, bytecode: yumaEpochBytecode }))
    const uncappedEpoch = await deploy(uncapped.client, uncapped.wallet, encodeDeployData({ abi: yumaEpochAbi, bytecode: yumaEpochBytecode }))
    for (const [validators, miners] of sizes) {
      const input = denseRound(validators, miners, SEED + validators)
      for (const variant of VARIANTS) {
        const data = encodeFunctionData({ abi: yumaEpochAbi, functionName: 'epoch', args: yumaEpochArgs(input, variant.params) })
        const base = { operation: 'epoch', validators, miners, variant: variant.name } as const
        try {
          const gas = await ledger.client.estimateGas({ account: proposer, to: epochAddress, data })
          rows.push({ ...base, gas, method: 'eth_estimateGas', chain: 'osaka', ...fits(gas), calldataFloor: calldataFloor(data) })
        } catch {
          // Beyond the per-transaction cap: run it where there is none.
          const hash = await uncapped.wallet.sendTransaction({ to: uncappedEpoch, data, gas: 1_500_000_000n })
          const { gasUsed } = await uncapped.client.waitForTransactionReceipt({ hash })
          rows.push({ ...base, gas: gasUsed, method: 'receipt gasUsed', chain: 'prague, no cap', ...fits(gasUsed), calldataFloor: calldataFloor(data) })
        }
      }
    }

    const settlement = await deploy(
      ledger.client,
      ledger.wallet(proposer),
      encodeDeployData({ abi: yumaSettlementAbi, bytecode: yumaSettlementBytecode, args: [3_600n, parseEther('1')] }),
    )
    const [validators, miners] = init.settlement ?? [64, 256]
    const input = denseRound(validators, miners, SEED + validators)
    for (const variant of VARIANTS) {
      const claim = yumaDenseClaim(input, variant.params)
      const send = async (operation: YumaGasRow['operation'], account: PrivateKeyAccount, data: `0x${string}`, value = 0n): Promise<void> => {
        const hash = await ledger.wallet(account).sendTransaction({ to: settlement, data, value })
        const receipt = await ledger.client.waitForTransactionReceipt({ hash })
        if (receipt.status !== 'success') throw new Error(`${operation} reverted`)
        rows.push({ operation, validators, miners, variant: variant.name, gas: receipt.gasUsed, method: 'receipt gasUsed', chain: 'osaka', ...fits(receipt.gasUsed), calldataFloor: calldataFloor(data) })
      }
      const [params, epochInput] = yumaEpochArgs(input, variant.params)
      const propose = (c: typeof claim, label: YumaGasRow['operation'] | null) => {
        const data = encodeFunctionData({ abi: yumaSettlementAbi, functionName: 'propose', args: [params, epochInput, yumaClaimStruct(c)] })
        return label === null ? ledger.wallet(proposer).sendTransaction({ to: settlement, data, value: parseEther('1') }).then((hash) => ledger.client.waitForTransactionReceipt({ hash })) : send(label, proposer, data, parseEther('1'))
      }
      // An honest proposal, settled after the period; two wrong ones, each refuted by a challenge.
      await propose(claim, 'propose')
      const honest = await proposalCount(ledger.client, settlement)
      for (const [operation, field, index] of [['challengeColumn', 'consensus', miners >> 1], ['challengeRow', 'dividends', validators >> 1]] as const) {
        const wrong = { ...claim, [field]: claim[field].map((x, k) => (k === index ? x + 1 : x)) }
        await propose(wrong, null)
        const id = await proposalCount(ledger.client, settlement)
        const data = encodeFunctionData({ abi: yumaSettlementAbi, functionName: operation, args: [id, params, epochInput, yumaClaimStruct(wrong), BigInt(index)] })
        await send(operation, challenger, data)
      }
      await ledger.clock.advance(3_601)
      await send('settle', challenger, encodeFunctionData({ abi: yumaSettlementAbi, functionName: 'settle', args: [honest, params, epochInput, yumaClaimStruct(claim)] }))
    }
  } finally {
    await ledger.close()
  }
  return rows
}

/** A round where every validator scores every miner, with bonds from one previous epoch. */
function denseRound(validators: number, miners: number, seed: number): YumaDenseInput {
  const generator = createRandom(seed)
  const random = () => generator.nextFloat()
  const scores = () => Array.from({ length: validators }, () => Array.from({ length: miners }, () => Math.floor(random() * 65_536)))
  const base = {
    stakes: Array.from({ length: validators }, () => BigInt(1 + Math.floor(random() * 1e15))),
    permits: new Array<boolean>(validators).fill(true),
    active: new Array<boolean>(validators).fill(true),
    emission: 1_000_000_000n,
  }
  const bonds = yumaDenseEpoch({ ...base, weights: scores() }).bonds
  return { ...base, weights: scores(), bonds }
}

function fits(gas: bigint): { fitsTransaction: boolean; fitsBlock: boolean } {
  return { fitsTransaction: gas <= TRANSACTION_GAS_CAP, fitsBlock: gas <= BLOCK_GAS_LIMIT }
}

function calldataFloor(data: `0x${string}`): bigint {
  const bytes = hexToBytes(data)
  let tokens = 0n
  for (const byte of bytes) tokens += byte === 0 ? 1n : 4n
  return 21_000n + 10n * tokens
}

async function proposalCount(client: PublicClient<Transport, Chain>, settlement: Address): Promise<bigint> {
  return client.readContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'proposalCount' })
}

async function deploy(client: PublicClient<Transport, Chain>, wallet: WalletClient<Transport, Chain, PrivateKeyAccount>, data: `0x${string}`): Promise<Address> {
  const hash = await wallet.sendTransaction({ data })
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.contractAddress == null) throw new Error(`deploying failed (tx ${hash})`)
  return receipt.contractAddress
}

async function createUncappedChain(): Promise<{ client: PublicClient<Transport, Chain>; wallet: WalletClient<Transport, Chain, PrivateKeyAccount> }> {
  const [key] = deriveDevKeys(1, DEV_MNEMONIC)
  if (key === undefined) throw new Error('no dev key')
  const account = privateKeyToAccount(key)
  const provider = await createEdrProvider({ hardfork: 'prague', blockGasLimit: 2_000_000_000n, balances: new Map([[account.address, 10n ** 24n]]) })
  const chain = deaiChain(31337)
  const transport = custom({ request: provider.request }, { retryCount: 0 })
  return { client: createPublicClient({ chain, transport, pollingInterval: 1 }), wallet: createWalletClient({ chain, account, transport }) }
}


/** Formats rows as a fixed-width text table. */
export function formatYumaGasTable(rows: readonly YumaGasRow[]): string {
  const header = ['operation', 'size', 'variant', 'gas', 'calldata floor', 'fits', 'measured by']
  const cells = rows.map((r) => [
    r.operation,
    `${r.validators} × ${r.miners}`,
    r.variant,
    r.gas.toLocaleString('en-US'),
    r.gas === r.calldataFloor ? `${r.calldataFloor.toLocaleString('en-US')} (paid)` : r.calldataFloor.toLocaleString('en-US'),
    r.fitsTransaction ? 'transaction' : r.fitsBlock ? 'block only' : 'neither',
    `${r.method} (${r.chain})`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (c: readonly string[]) => c.map((v, i) => (i === 3 || i === 4 ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  process.stdout.write(`${formatYumaGasTable(await benchYumaGas())}\n`)
}
