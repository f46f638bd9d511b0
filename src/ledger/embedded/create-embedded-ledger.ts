import { custom, parseEther } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { createLedger } from '../create-ledger.js'
import { deriveDevKeys, DEV_MNEMONIC } from '../dev-accounts.js'
import type { Ledger } from '../ledger.js'
import { createEdrProvider } from './edr-provider.js'
import type { EdrProvider } from './edr-provider.js'
import type { EIP1193RequestFn } from 'viem'

const BLOCK_PRODUCING = new Set(['eth_sendRawTransaction', 'eth_sendTransaction', 'evm_mine'])

/**
 * Pins every new block's timestamp to the previous one plus one second (plus any
 * `evm_increaseTime`), so that block hashes, and anything seeded from them, repeat run to run.
 * The pin is set right after each block, so calls and gas estimates on the pending block see
 * the same time as the block that will be mined.
 */
async function withVirtualTime(raw: EIP1193RequestFn): Promise<EIP1193RequestFn> {
  let pending = 0n
  const call = (method: string, params: unknown[] = []) => raw({ method, params } as never) as Promise<unknown>
  const pin = async () => {
    const latest = (await call('eth_getBlockByNumber', ['latest', false])) as { timestamp: string }
    const step = pending > 1n ? pending : 1n
    await call('evm_setNextBlockTimestamp', [`0x${(BigInt(latest.timestamp) + step).toString(16)}`])
  }
  await pin()
  return (async (args: { method: string; params?: unknown }) => {
    if (args.method === 'evm_increaseTime') {
      const [seconds] = (args.params ?? []) as [string | number]
      pending += BigInt(seconds)
      await pin()
      return `0x${pending.toString(16)}`
    }
    const result = await raw(args as never)
    if (BLOCK_PRODUCING.has(args.method)) {
      pending = 0n
      await pin()
    }
    return result
  }) as EIP1193RequestFn
}

export type EmbeddedLedgerInit = {
  /** Number of funded dev accounts. @default 20 */
  accounts?: number
  /** Mnemonic the dev accounts derive from. @default DEV_MNEMONIC (anvil's and hardhat's) */
  mnemonic?: string
  /** Ether given to each dev account at genesis, in wei. @default 10_000 ether */
  balance?: bigint
  /** @default 31337 */
  chainId?: number
  /** Genesis timestamp (seconds); fixed by default so runs are reproducible. */
  genesisTime?: bigint
  /** Also mine a block every so many ms (for a long-running dev chain). @default off */
  blockTimeMs?: number
  /**
   * `virtual`: each block is one second after the last, and time moves only by
   * `clock.advance`, so the same transactions give the same blocks and hashes on every run.
   * `wall`: block times follow the wall clock (for a chain that other processes use).
   * @default 'virtual'
   */
  time?: 'virtual' | 'wall'
}

/** An embedded ledger also exposes its raw provider, for serving it over HTTP. */
export type EmbeddedLedger = Ledger & { readonly kind: 'embedded'; readonly provider: EdrProvider }

/**
 * Starts an in-process EVM chain (Hardhat's EDR) with funded dev accounts.
 *
 * @example
 * ```ts
 * import { createEmbeddedLedger } from 'deai'
 * const ledger = await createEmbeddedLedger({ accounts: 5 })
 * console.log(await ledger.client.getBlockNumber()) // 0n
 * ```
 */
export async function createEmbeddedLedger(init: EmbeddedLedgerInit = {}): Promise<EmbeddedLedger> {
  const keys = deriveDevKeys(init.accounts ?? 20, init.mnemonic ?? DEV_MNEMONIC)
  const balance = init.balance ?? parseEther('10000')
  const provider = await createEdrProvider({
    chainId: init.chainId ?? 31337,
    balances: new Map(keys.map((key) => [privateKeyToAddress(key), balance])),
    // Virtual time starts at a fixed instant; wall time starts now, as anvil does.
    ...(init.genesisTime !== undefined
      ? { genesisTime: init.genesisTime }
      : init.time === 'wall' ? { genesisTime: BigInt(Math.floor(Date.now() / 1000)) } : {}),
    ...(init.blockTimeMs === undefined ? {} : { blockTimeMs: init.blockTimeMs }),
    // On wall-clock time, blocks of one second share its timestamp, so chain time keeps to the clock.
    ...(init.time === 'wall' ? { allowBlocksWithSameTimestamp: true } : {}),
  })
  const request = init.time === 'wall' ? provider.request : await withVirtualTime(provider.request)
  const ledger = createLedger({
    kind: 'embedded',
    chainId: init.chainId ?? 31337,
    transport: custom({ request }, { retryCount: 0 }),
    request,
    privateKeys: keys,
    pollingInterval: 1,
  })
  return { ...ledger, kind: 'embedded', provider }
}
