import type { Chain, EIP1193RequestFn, PrivateKeyAccount, PublicClient, Transport, WalletClient } from 'viem'

/** Chain time and block control. */
export interface LedgerClock {
  /** Timestamp (seconds) of the latest block. */
  now(): Promise<bigint>
  /**
   * Lets `seconds` of chain time pass. On the embedded chain (and `deai chain`) time jumps at
   * once; on a chain that has no `evm_increaseTime` it waits for real blocks.
   */
  advance(seconds: number | bigint): Promise<void>
  /** Mines `blocks` empty blocks where the chain allows it, or waits for them. @default 1 */
  mine(blocks?: number): Promise<void>
}

/**
 * The ledger layer: one EVM chain and the keys that can sign on it. Implemented by the
 * embedded chain (Hardhat's EDR in-process) and by any JSON-RPC endpoint.
 */
export interface Ledger {
  readonly kind: 'embedded' | 'rpc'
  readonly chain: Chain
  /** Reads, logs, receipts. */
  readonly client: PublicClient<Transport, Chain>
  /** Raw EIP-1193 requests. */
  readonly request: EIP1193RequestFn
  /** Accounts this ledger can sign for: funded dev accounts (embedded) or the given keys (rpc). */
  readonly accounts: readonly PrivateKeyAccount[]
  /** A signing client for one of `accounts` (or any other local account). */
  wallet(account: PrivateKeyAccount): WalletClient<Transport, Chain, PrivateKeyAccount>
  readonly clock: LedgerClock
  /** The chain's JSON-RPC URL, when it has one. */
  readonly rpcUrl?: string
  close(): Promise<void>
}
