import { createNonceManager, createPublicClient, createWalletClient, defineChain } from 'viem'
import { jsonRpc } from 'viem/nonce'
import { privateKeyToAccount } from 'viem/accounts'
import type { Chain, EIP1193RequestFn, Hex, PrivateKeyAccount, Transport, WalletClient } from 'viem'
import type { Ledger, LedgerClock } from './ledger.js'

export type CreateLedgerInit = {
  kind: Ledger['kind']
  chainId: number
  transport: Transport
  request: EIP1193RequestFn
  privateKeys: readonly Hex[]
  /** How often to poll for receipts and blocks, in ms. */
  pollingInterval: number
  rpcUrl?: string
  close?: () => Promise<void>
}

/** Builds the chain description viem needs for a chain id. */
export function deaiChain(chainId: number, rpcUrl = 'http://127.0.0.1:8545'): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? 'deai dev chain' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
}

function isMethodMissing(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  const text = error instanceof Error ? error.message : String(error)
  return code === -32601 || /method .*not (found|supported)|does not exist|unsupported/i.test(text)
}

/** Shared construction for both ledger kinds. */
export function createLedger(init: CreateLedgerInit): Ledger {
  const chain = deaiChain(init.chainId, init.rpcUrl)
  const client = createPublicClient({ chain, transport: init.transport, pollingInterval: init.pollingInterval })
  // One nonce manager per ledger: viem's shared one would carry nonces across chains.
  const nonceManager = createNonceManager({ source: jsonRpc() })
  const accounts = init.privateKeys.map((key) => privateKeyToAccount(key, { nonceManager }))
  const wallets = new Map<string, WalletClient<Transport, Chain, PrivateKeyAccount>>()
  const request = init.request

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  const clock: LedgerClock = {
    async now() {
      const block = await client.getBlock({ blockTag: 'latest' })
      return block.timestamp
    },
    async advance(seconds) {
      const delta = BigInt(seconds)
      if (delta <= 0n) return
      try {
        await request({ method: 'evm_increaseTime', params: [`0x${delta.toString(16)}`] })
        await request({ method: 'evm_mine', params: [] })
      } catch (error) {
        if (!isMethodMissing(error)) throw error
        // A real chain: wait until a block carries a timestamp past the target.
        const target = (await clock.now()) + delta
        while ((await clock.now()) < target) await sleep(init.pollingInterval)
      }
    },
    async mine(blocks = 1) {
      try {
        for (let i = 0; i < blocks; i++) await request({ method: 'evm_mine', params: [] })
      } catch (error) {
        if (!isMethodMissing(error)) throw error
        const target = (await client.getBlockNumber({ cacheTime: 0 })) + BigInt(blocks)
        while ((await client.getBlockNumber({ cacheTime: 0 })) < target) await sleep(init.pollingInterval)
      }
    },
  }

  return {
    kind: init.kind,
    chain,
    client,
    request,
    accounts,
    clock,
    ...(init.rpcUrl === undefined ? {} : { rpcUrl: init.rpcUrl }),
    wallet(account) {
      let wallet = wallets.get(account.address)
      if (wallet === undefined) {
        wallet = createWalletClient({ account, chain, transport: init.transport, pollingInterval: init.pollingInterval })
        wallets.set(account.address, wallet)
      }
      return wallet
    },
    close: init.close ?? (async () => {}),
  }
}
