import {
  ContractDecoder,
  EdrContext,
  L1_CHAIN_TYPE,
  l1GenesisState,
  l1HardforkFromString,
  l1HardforkToString,
  l1ProviderFactory,
  MineOrdering,
} from '@nomicfoundation/edr'
import type { EIP1193RequestFn } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { TRANSACTION_GAS_CAP } from '../gas-limits.js'

/** What the embedded chain is configured with. */
export type EdrProviderInit = {
  /** Chain id. @default 31337 */
  chainId?: number
  /** Hardfork name as EDR spells it. @default 'osaka' */
  hardfork?: string
  /** Accounts funded at genesis (address → wei). */
  balances: ReadonlyMap<`0x${string}`, bigint>
  /** Block gas limit. @default 60_000_000 */
  blockGasLimit?: bigint
  /** Genesis timestamp in seconds; fixed so that runs are reproducible. @default 1_767_225_600 (2026-01-01) */
  genesisTime?: bigint
  /** Mine a block every so many milliseconds as well as on every transaction. @default off */
  blockTimeMs?: number
  /**
   * Let a block have its parent's timestamp. A wall-clock chain needs it: otherwise each block
   * of a burst of transactions is a second after the last, and chain time runs ahead of the
   * wall clock by a second per transaction, shortening every deadline for the nodes.
   * @default false
   */
  allowBlocksWithSameTimestamp?: boolean
}

export type EdrRequest = { method: string; params?: readonly unknown[] | undefined }

/** An EIP-1193 style request function over an in-process EDR chain. */
export type EdrProvider = {
  request: EIP1193RequestFn
  /** Raw JSON-RPC: takes and returns JSON-RPC envelopes, for the HTTP server. */
  handle: (body: unknown) => Promise<unknown>
}

let context: Promise<EdrContext> | undefined

// EDR allows one context per process; every embedded chain shares it.
function edrContext(): Promise<EdrContext> {
  context ??= (async () => {
    const ctx = new EdrContext()
    await ctx.registerProviderFactory(L1_CHAIN_TYPE, l1ProviderFactory())
    return ctx
  })()
  return context
}

export { TRANSACTION_GAS_CAP } from '../gas-limits.js'

type RpcError = { code: number; message: string; data?: unknown }

/**
 * Revert data comes back from EDR inside `data.data`; clients (viem, ethers) expect it as the
 * hex `data` of an error with code 3, the way geth reports `execution reverted`.
 */
function normaliseError(error: RpcError): RpcError {
  const inner = error.data
  if (typeof inner === 'object' && inner !== null && 'data' in inner && typeof inner.data === 'string') {
    return { code: 3, message: error.message, data: inner.data }
  }
  return error
}

class ProviderRpcError extends Error {
  override name = 'ProviderRpcError'
  readonly code: number
  readonly data: unknown
  constructor(error: RpcError) {
    super(error.message)
    this.code = error.code
    this.data = error.data
  }
}

/**
 * Starts an in-process EVM (Hardhat's EDR) with the given funded accounts.
 *
 * @param init - chain id, funded balances, genesis time.
 * @returns request functions over the chain.
 */
export async function createEdrProvider(init: EdrProviderInit): Promise<EdrProvider> {
  const ctx = await edrContext()
  const hardfork = init.hardfork ?? 'osaka'
  let spec
  try {
    // EDR spells hardforks capitalised ("Osaka"); accept any case.
    spec = l1HardforkFromString(hardfork.charAt(0).toUpperCase() + hardfork.slice(1).toLowerCase())
  } catch (cause) {
    throw new DeaiError('LEDGER_BAD_HARDFORK', `unknown hardfork "${hardfork}"`, {
      fixes: ['use a hardfork name such as "cancun", "prague" or "osaka"'],
      cause,
    })
  }
  const genesisState = l1GenesisState(spec)
  for (const [address, balance] of init.balances) {
    genesisState.push({ address: Buffer.from(address.slice(2), 'hex'), balance })
  }
  const chainId = BigInt(init.chainId ?? 31337)
  const provider = await ctx.createProvider(
    L1_CHAIN_TYPE,
    {
      allowBlocksWithSameTimestamp: init.allowBlocksWithSameTimestamp ?? false,
      allowUnlimitedContractSize: false,
      bailOnCallFailure: true,
      bailOnTransactionFailure: true,
      chainId,
      coinbase: Buffer.alloc(20),
      defaultTransactionGasLimit: TRANSACTION_GAS_CAP,
      genesisState,
      hardfork: l1HardforkToString(spec),
      initialBaseFeePerGas: 1_000_000_000n,
      minGasPrice: 0n,
      mining: {
        autoMine: true,
        ...(init.blockTimeMs === undefined ? {} : { interval: BigInt(init.blockTimeMs) }),
        memPool: { order: MineOrdering.Priority },
      },
      network: {
        genesisBlockGasLimit: init.blockGasLimit ?? 60_000_000n,
        genesisBlockTime: init.genesisTime ?? 1_767_225_600n,
      },
      networkId: chainId,
      observability: {},
      ownedAccounts: [],
      precompileOverrides: [],
    },
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} },
    { subscriptionCallback: () => {} },
    new ContractDecoder(),
  )

  async function handleOne(message: unknown): Promise<unknown> {
    const envelope = typeof message === 'object' && message !== null ? message : {}
    const id = 'id' in envelope ? envelope.id : null
    // JSON-RPC 2.0 lets a request omit `params`; EDR insists on it.
    const request = 'params' in envelope ? envelope : { ...envelope, params: [] }
    const response = await provider.handleRequest(JSON.stringify(request))
    const parsed: unknown = typeof response.data === 'string' ? JSON.parse(response.data) : response.data
    const body = typeof parsed === 'object' && parsed !== null ? parsed : {}
    if ('error' in body && typeof body.error === 'object' && body.error !== null) {
      return { jsonrpc: '2.0', id, error: normaliseError(body.error as RpcError) }
    }
    return { jsonrpc: '2.0', id, result: 'result' in body ? body.result : null }
  }

  let nextId = 1
  const request = (async ({ method, params }: EdrRequest) => {
    const reply = (await handleOne({ jsonrpc: '2.0', id: nextId++, method, params: params ?? [] })) as {
      result?: unknown
      error?: RpcError
    }
    if (reply.error !== undefined) throw new ProviderRpcError(reply.error)
    return reply.result
  }) as EIP1193RequestFn

  return {
    request,
    handle: async (body) => (Array.isArray(body) ? Promise.all(body.map(handleOne)) : handleOne(body)),
  }
}
