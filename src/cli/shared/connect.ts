import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { isHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Hex, PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { DEFAULT_DEPLOYMENT_FILE, readDeployment } from '../../ledger/deploy/deployment.js'
import { deriveDevKeys } from '../../ledger/dev-accounts.js'
import type { Ledger } from '../../ledger/ledger.js'
import { connectProtocol } from '../../ledger/protocol.js'
import type { Protocol } from '../../ledger/protocol.js'
import { createRpcLedger } from '../../ledger/rpc/create-rpc-ledger.js'
import type { CliContext } from './context.js'
import { readKeystoreKey } from '../../keys/keystore.js'
import { keystorePassword } from './read-secret.js'
import { parseCount } from './parse.js'

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545'

export type ChainOptions = { rpc?: string; deployment?: string }
export type SignerOptions = { devAccount?: number; keyFile?: string; keystore?: string }

/** --rpc and --deployment, shared by every command that talks to a chain. */
export function withChainOptions(command: Command): Command {
  return command
    .addOption(new Option('--rpc <url>', `JSON-RPC URL of the chain (env DEAI_RPC_URL; default ${DEFAULT_RPC_URL}, where \`deai chain\` listens)`))
    .addOption(new Option('--deployment <file>', `deployment file (default ${DEFAULT_DEPLOYMENT_FILE})`))
}

/** How a command finds its signing key. */
export function withSignerOptions(command: Command): Command {
  return command
    .addOption(new Option('--keystore <file>', 'encrypted key file (deai keys new); password from DEAI_KEYSTORE_PASSWORD or a prompt'))
    .addOption(new Option('--key-file <file>', 'file holding the private key (hex, or JSON with a "privateKey" field); or set DEAI_PRIVATE_KEY'))
    .addOption(new Option('--dev-account <index>', 'use dev account N of the well-known dev mnemonic (dev chains only)').argParser(parseNonNegative))
}

function parseNonNegative(value: string): number {
  return value === '0' ? 0 : parseCount(value)
}

export function rpcUrl(ctx: CliContext, options: ChainOptions): string {
  return options.rpc ?? ctx.env['DEAI_RPC_URL'] ?? DEFAULT_RPC_URL
}

/** Connects to the chain and the deployed protocol named by the options. */
export async function openProtocol(ctx: CliContext, options: ChainOptions, keys: readonly Hex[] = []): Promise<Protocol> {
  const ledger = await createRpcLedger({ url: rpcUrl(ctx, options), privateKeys: keys })
  const deployment = await readDeployment(resolve(ctx.cwd, options.deployment ?? DEFAULT_DEPLOYMENT_FILE))
  return connectProtocol(ledger, deployment)
}

function asKey(text: string, source: string): Hex {
  const trimmed = text.trim()
  let candidate: unknown = trimmed
  if (trimmed.startsWith('{')) {
    try {
      candidate = (JSON.parse(trimmed) as { privateKey?: unknown }).privateKey
    } catch {
      candidate = undefined
    }
  }
  const key = typeof candidate === 'string' && !candidate.startsWith('0x') ? `0x${candidate}` : candidate
  if (typeof key !== 'string' || !isHex(key) || key.length !== 66) {
    throw new DeaiError('KEY_INVALID', `${source} does not hold a private key`, {
      fixes: ['write the 32-byte key as 64 hex digits (with or without 0x), or JSON {"privateKey": "0x..."}'],
    })
  }
  return key
}

/** Reads the signing key named by the options, env or dev account index. */
export async function resolveKey(ctx: CliContext, options: SignerOptions): Promise<Hex> {
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- deriveDevKeys(i + 1) returns i + 1 keys
  if (options.devAccount !== undefined) return deriveDevKeys(options.devAccount + 1)[options.devAccount]!
  if (options.keystore !== undefined) {
    const file = resolve(ctx.cwd, options.keystore)
    return readKeystoreKey(file, await keystorePassword(ctx, options.keystore))
  }
  if (options.keyFile !== undefined) {
    let text: string
    try {
      text = await readFile(resolve(ctx.cwd, options.keyFile), 'utf8')
    } catch (cause) {
      throw new DeaiError('KEY_FILE_UNREADABLE', `cannot read key file ${options.keyFile}`, { cause })
    }
    return asKey(text, options.keyFile)
  }
  const fromEnv = ctx.env['DEAI_PRIVATE_KEY']
  if (fromEnv !== undefined && fromEnv !== '') return asKey(fromEnv, 'DEAI_PRIVATE_KEY')
  throw new DeaiError('KEY_MISSING', 'this command signs transactions but no key was given', {
    fixes: ['pass --keystore FILE (deai keys new) or --key-file FILE, set DEAI_PRIVATE_KEY, or on a dev chain use --dev-account N (see `deai chain`)'],
  })
}

/** Connects and returns the protocol with the signer as an account. */
export async function openWithSigner(ctx: CliContext, options: ChainOptions & SignerOptions): Promise<{ protocol: Protocol; signer: PrivateKeyAccount; ledger: Ledger }> {
  const key = await resolveKey(ctx, options)
  const protocol = await openProtocol(ctx, options, [key])
  if (options.devAccount !== undefined && protocol.ledger.chain.id !== 31337) {
    throw new DeaiError('KEY_DEV_ON_REAL_CHAIN', `--dev-account is for dev chains (id 31337); this chain is ${protocol.ledger.chain.id}`, {
      fixes: ['use --key-file or DEAI_PRIVATE_KEY with your own key'],
    })
  }
  const signer = protocol.ledger.accounts[0] ?? privateKeyToAccount(key)
  return { protocol, signer, ledger: protocol.ledger }
}
