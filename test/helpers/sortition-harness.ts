import { isAddress, zeroAddress } from 'viem'
import type { Abi, Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { z } from 'zod'
import { toContractError } from '../../src/ledger/contracts/contract-errors.js'
import { TRANSACTION_GAS_CAP } from '../../src/ledger/embedded/edr-provider.js'
import type { Ledger } from '../../src/ledger/ledger.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { compileMock, deployContract } from './mock-contracts.js'

/** What `draw` is asked for. */
export type HarnessDrawInit = {
  seed: Hex
  count: bigint
  epoch: bigint
  /** @default zeroAddress (exclude nobody) */
  exclude?: Address
  /** @default 0n */
  minimum?: bigint
}

/** A deployed SortitionTreeHarness (test/contracts/mocks/), with typed calls. */
export type SortitionHarness = {
  readonly address: Address
  readonly abi: Abi
  set(key: Address, value: bigint, epoch: bigint): Promise<TransactionReceipt>
  setMany(keys: readonly Address[], values: readonly bigint[], epoch: bigint): Promise<TransactionReceipt>
  valueOf(key: Address): Promise<bigint>
  valueAt(key: Address, epoch: bigint): Promise<bigint>
  total(): Promise<bigint>
  totalAt(epoch: bigint): Promise<bigint>
  leafCount(): Promise<bigint>
  draw(init: HarnessDrawInit): Promise<Address[]>
  /** The gas a transaction calling `draw` needs (`eth_estimateGas`, 21,000 and calldata included). */
  drawGas(init: HarnessDrawInit): Promise<bigint>
}

const uint = z.bigint()
const addresses = z.array(z.custom<Address>((value) => typeof value === 'string' && isAddress(value, { strict: false })))

/**
 * Deploys a fresh SortitionTreeHarness from `account`.
 *
 * @example
 * ```ts
 * const tree = await deploySortitionHarness(ledger, ledger.accounts[0]!)
 * await tree.set(sortitionKey(0), 10n, 1n)
 * ```
 */
export async function deploySortitionHarness(ledger: Ledger, account: PrivateKeyAccount): Promise<SortitionHarness> {
  const compiled = await compileMock('SortitionTreeHarness')
  const address = await deployContract(ledger, account, compiled)
  const { abi } = compiled
  const read = async (functionName: string, args: readonly unknown[]): Promise<unknown> => {
    try {
      return await ledger.client.readContract({ address, abi, functionName, args })
    } catch (error) {
      throw toContractError(error, functionName)
    }
  }
  const drawArgs = (init: HarnessDrawInit) => [init.seed, init.count, init.epoch, init.exclude ?? zeroAddress, init.minimum ?? 0n] as const
  return {
    address,
    abi,
    set: (key, value, epoch) => writeContract(ledger, account, { address, abi, functionName: 'set', args: [key, value, epoch] }),
    setMany: (keys, values, epoch) => writeContract(ledger, account, { address, abi, functionName: 'setMany', args: [keys, values, epoch] }),
    valueOf: async (key) => uint.parse(await read('valueOf', [key])),
    valueAt: async (key, epoch) => uint.parse(await read('valueAt', [key, epoch])),
    total: async () => uint.parse(await read('total', [])),
    totalAt: async (epoch) => uint.parse(await read('totalAt', [epoch])),
    leafCount: async () => uint.parse(await read('leafCount', [])),
    draw: async (init) => addresses.parse(await read('draw', drawArgs(init))),
    async drawGas(init) {
      try {
        return await ledger.client.estimateContractGas({ address, abi, functionName: 'draw', args: drawArgs(init), account })
      } catch (error) {
        throw toContractError(error, 'draw')
      }
    },
  }
}

/** How a tree was built by `buildTree`. */
export type TreeBuild = {
  /** `setMany` transactions sent. */
  transactions: number
  /** The most gas one of them used. */
  maxGas: bigint
}

/** The batch of the first `setMany`; later ones are sized from the gas per key it used. */
const FIRST_BATCH = 100
/** Share of the transaction gas cap a batch aims at, leaving room for costlier keys. */
const BATCH_FILL = 0.94

/**
 * Sets `keys[i]` to `values[i]` in `epoch` with `setMany`, each batch as large as the
 * per-transaction gas cap allows (sized from the most gas per key seen so far). Sends with a
 * fixed gas limit rather than an estimate, which would run every batch twice.
 *
 * @example
 * ```ts
 * await buildTree(ledger, account, tree, keys, values, 1n)
 * ```
 */
export async function buildTree(
  ledger: Ledger,
  account: PrivateKeyAccount,
  tree: SortitionHarness,
  keys: readonly Address[],
  values: readonly bigint[],
  epoch: bigint,
): Promise<TreeBuild> {
  if (keys.length !== values.length) throw new RangeError(`${keys.length} keys but ${values.length} values`)
  let perKey = 0
  let transactions = 0
  let maxGas = 0n
  for (let from = 0; from < keys.length; ) {
    const batch = transactions === 0 ? FIRST_BATCH : Math.floor((Number(TRANSACTION_GAS_CAP) * BATCH_FILL) / perKey)
    const to = Math.min(from + batch, keys.length)
    const hash = await ledger.wallet(account).writeContract({
      address: tree.address,
      abi: tree.abi,
      functionName: 'setMany',
      args: [keys.slice(from, to), values.slice(from, to), epoch],
      gas: TRANSACTION_GAS_CAP,
    })
    const receipt = await ledger.client.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`setMany of keys ${from}..${to - 1} reverted (tx ${hash})`)
    transactions++
    maxGas = receipt.gasUsed > maxGas ? receipt.gasUsed : maxGas
    perKey = Math.max(perKey, Number(receipt.gasUsed) / (to - from))
    from = to
  }
  return { transactions, maxGas }
}
