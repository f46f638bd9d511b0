import { http } from 'viem'
import type { EIP1193RequestFn, Hex } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { createLedger } from '../create-ledger.js'
import type { Ledger } from '../ledger.js'

export type RpcLedgerInit = {
  /** JSON-RPC endpoint, e.g. `http://127.0.0.1:8545`. */
  url: string
  /** Keys to sign with. Reading needs none. */
  privateKeys?: readonly Hex[]
  /** How often to poll for receipts and blocks, in ms. @default 250 */
  pollingInterval?: number
  /** Request timeout in ms. @default 30_000 */
  timeout?: number
}

/**
 * Connects to any EVM chain over JSON-RPC (a `deai chain`, anvil, a testnet, an L2).
 * Fails fast with a clear error when the endpoint does not answer.
 *
 * @example
 * ```ts
 * import { createRpcLedger } from 'deai'
 * const ledger = await createRpcLedger({ url: 'http://127.0.0.1:8545' })
 * ```
 */
export async function createRpcLedger(init: RpcLedgerInit): Promise<Ledger> {
  let url: URL
  try {
    url = new URL(init.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`protocol ${url.protocol}`)
  } catch (cause) {
    throw new DeaiError('LEDGER_BAD_RPC_URL', `"${init.url}" is not an http(s) JSON-RPC URL`, {
      fixes: ['pass a URL such as http://127.0.0.1:8545 (the address `deai chain` prints)'],
      cause,
    })
  }
  const transport = http(url.toString(), { timeout: init.timeout ?? 30_000, retryCount: 1 })
  const request = transport({ retryCount: 1 }).request as EIP1193RequestFn
  let chainId: number
  try {
    chainId = Number.parseInt((await request({ method: 'eth_chainId' })) as string, 16)
  } catch (cause) {
    throw new DeaiError('LEDGER_RPC_UNREACHABLE', `no JSON-RPC answer from ${url.toString()}`, {
      fixes: [
        'check the URL and that the node is running (for a local chain: `deai chain` in another shell)',
      ],
      cause,
    })
  }
  return createLedger({
    kind: 'rpc',
    chainId,
    transport,
    request,
    privateKeys: init.privateKeys ?? [],
    pollingInterval: init.pollingInterval ?? 250,
    rpcUrl: url.toString(),
  })
}
