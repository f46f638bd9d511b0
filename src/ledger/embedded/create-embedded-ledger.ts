import { custom, parseEther } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { createLedger } from '../create-ledger.js'
import { deriveDevKeys, DEV_MNEMONIC } from '../dev-accounts.js'
import type { Ledger } from '../ledger.js'
import { createEdrProvider } from './edr-provider.js'
import type { EdrProvider } from './edr-provider.js'
import type { EIP1193RequestFn } from 'viem'
import { DeaiError } from '../../errors/base.js'

/** Genesis time of a virtual-time chain: 2026-01-01T00:00:00Z. */
const VIRTUAL_GENESIS = 1_767_225_600n

const BLOCK_PRODUCING = new Set(['eth_sendRawTransaction', 'eth_sendTransaction', 'evm_mine'])
// What changes a virtual-time chain; replaying these in order rebuilds it block for block.
const JOURNALED = new Set(['eth_sendRawTransaction', 'evm_mine'])

/** One state-changing request, as the journal keeps it. */
export type JournalEntry = { method: string; params: unknown[] }

/**
 * Everything needed to rebuild an embedded chain exactly: its genesis, the signed transactions
 * and time steps in order, and the head it reached (to check the rebuild against).
 */
export type ChainJournal = {
  format: 'deai-chain-journal/1'
  chainId: number
  genesisTime: string
  /** Funded addresses and their genesis balance (wei, decimal). */
  balances: { address: `0x${string}`; balance: string }[]
  entries: JournalEntry[]
  head: { number: string; hash: `0x${string}` }
}

/**
 * Pins every new block's timestamp to the previous one plus one second (plus any
 * `evm_increaseTime`), so that block hashes, and anything seeded from them, repeat run to run.
 * The pin is set right after each block, so calls and gas estimates on the pending block see
 * the same time as the block that will be mined.
 */
async function withVirtualTime(raw: EIP1193RequestFn, journal: JournalEntry[]): Promise<EIP1193RequestFn> {
  let pending = 0n
  const call = (method: string, params: unknown[] = []) => raw({ method, params })
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
      journal.push({ method: 'evm_increaseTime', params: [`0x${BigInt(seconds).toString(16)}`] })
      await pin()
      return `0x${pending.toString(16)}`
    }
    if (!JOURNALED.has(args.method)) return raw(args)
    // A transaction that fails may still be mined (and must then be replayed): keep the entry
    // unless the chain did not move.
    const before = (await call('eth_blockNumber')) as string
    journal.push({ method: args.method, params: (args.params ?? []) as unknown[] })
    let result: unknown
    try {
      result = await raw(args)
    } catch (error) {
      if ((await call('eth_blockNumber')) === before) journal.pop()
      throw error
    }
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
export type EmbeddedLedger = Ledger & {
  readonly kind: 'embedded'
  readonly provider: EdrProvider
  /**
   * The chain's journal, from which `replayChainJournal` rebuilds it block for block (virtual
   * time only: a wall-clock chain cannot be replayed).
   */
  journal(): Promise<ChainJournal>
}

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
  const balances = new Map(keys.map((key) => [privateKeyToAddress(key), balance]))
  const chainId = init.chainId ?? 31337
  // Virtual time starts at a fixed instant; wall time starts now, as anvil does.
  const genesisTime = init.genesisTime ?? (init.time === 'wall' ? BigInt(Math.floor(Date.now() / 1000)) : VIRTUAL_GENESIS)
  const provider = await createEdrProvider({
    chainId,
    balances,
    genesisTime,
    ...(init.blockTimeMs === undefined ? {} : { blockTimeMs: init.blockTimeMs }),
    // On wall-clock time, blocks of one second share its timestamp, so chain time keeps to the clock.
    ...(init.time === 'wall' ? { allowBlocksWithSameTimestamp: true } : {}),
  })
  const entries: JournalEntry[] = []
  const request = init.time === 'wall' ? provider.request : await withVirtualTime(provider.request, entries)
  const ledger = createLedger({
    kind: 'embedded',
    chainId: init.chainId ?? 31337,
    transport: custom({ request }, { retryCount: 0 }),
    request,
    privateKeys: keys,
    pollingInterval: 1,
  })
  return {
    ...ledger,
    kind: 'embedded',
    provider,
    async journal() {
      if (init.time === 'wall') {
        throw new DeaiError('LEDGER_NOT_REPLAYABLE', 'a wall-clock chain has no journal', { fixes: ['create the embedded ledger with virtual time (the default)'] })
      }
      const head = await ledger.client.getBlock({ blockTag: 'latest' })
      return {
        format: 'deai-chain-journal/1',
        chainId,
        genesisTime: genesisTime.toString(),
        balances: [...balances].map(([address, wei]) => ({ address, balance: wei.toString() })),
        entries: [...entries],
        head: { number: head.number.toString(), hash: head.hash },
      }
    },
  }
}

/**
 * Rebuilds an embedded chain from its journal and checks that it reaches the same head block
 * hash, which proves every block, transaction, receipt and state root the same.
 *
 * @throws DeaiError `LEDGER_REPLAY_MISMATCH` if the rebuilt chain differs.
 */
export async function replayChainJournal(journal: ChainJournal): Promise<EmbeddedLedger> {
  const provider = await createEdrProvider({
    chainId: journal.chainId,
    balances: new Map(journal.balances.map((b) => [b.address, BigInt(b.balance)])),
    genesisTime: BigInt(journal.genesisTime),
  })
  const entries: JournalEntry[] = []
  const request = await withVirtualTime(provider.request, entries)
  for (const entry of journal.entries) await request({ method: entry.method, params: entry.params })
  const ledger = createLedger({
    kind: 'embedded',
    chainId: journal.chainId,
    transport: custom({ request }, { retryCount: 0 }),
    request,
    privateKeys: [],
    pollingInterval: 1,
  })
  const head = await ledger.client.getBlock({ blockTag: 'latest' })
  if (head.hash !== journal.head.hash || head.number.toString() !== journal.head.number) {
    throw new DeaiError('LEDGER_REPLAY_MISMATCH', `the replayed chain reached block ${head.number} ${head.hash}, the journal says ${journal.head.number} ${journal.head.hash}`, {
      fixes: ['the journal was altered, or it was written by another version of the EVM'],
    })
  }
  return { ...ledger, kind: 'embedded', provider, journal: async () => ({ ...journal, entries: [...entries] }) }
}
