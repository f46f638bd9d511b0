/**
 * Encrypted key files in the Ethereum keystore format (Web3 Secret Storage v3: scrypt key
 * derivation, AES-128-CTR, keccak MAC), readable by geth, Foundry's `cast wallet`, ethers and
 * MetaMask imports.
 *
 * Library: `@ethereumjs/wallet`, maintained in the ethereumjs monorepo on the audited noble
 * primitives (`ethereum-cryptography`). It does this one job; `ethers` would also do it but
 * brings a second full chain client next to viem for two functions.
 *
 * Keys never leave these functions as text: they return viem accounts, and errors name only
 * the file and the address.
 *
 * @packageDocumentation
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Wallet } from '@ethereumjs/wallet'
import { bytesToHex, hexToBytes, getAddress } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { z } from 'zod'
import { DeaiError } from '../errors/base.js'

/** Where `deai keys` keeps key files unless told otherwise. */
export const DEFAULT_KEYSTORE_DIR = '.deai/keystore'

/** The environment variable a password can come from. */
export const KEYSTORE_PASSWORD_ENV = 'DEAI_KEYSTORE_PASSWORD'

/** scrypt cost of new key files: geth's standard (n = 2^18, p = 1) or its light setting (n = 2^12, p = 6). */
export type KdfStrength = 'standard' | 'light'

const KDF = { standard: { n: 262_144, p: 1 }, light: { n: 4096, p: 6 } } as const

const keystoreSchema = z.object({
  version: z.literal(3),
  address: z.string().regex(/^(0x)?[0-9a-fA-F]{40}$/).optional(),
  crypto: z.object({
    cipher: z.string(),
    kdf: z.string(),
    kdfparams: z.record(z.string(), z.unknown()),
    ciphertext: z.string(),
    mac: z.string(),
  }).loose(),
}).loose()

/** A key file as listed: its path and the address it holds. */
export type KeystoreEntry = { file: string; address: Address }

/**
 * Encrypts a private key into keystore JSON.
 *
 * @param privateKey - the key
 * @param password - the password (non-empty)
 * @param strength - scrypt cost; `light` for tests and throwaway keys
 * @returns the keystore as JSON text, and the address
 */
export async function encryptKeystore(privateKey: Hex, password: string, strength: KdfStrength = 'standard'): Promise<{ json: string; address: Address }> {
  assertPassword(password)
  const wallet = Wallet.fromPrivateKey(hexToBytes(privateKey))
  const json = await wallet.toV3String(password, { kdf: 'scrypt', ...KDF[strength] })
  return { json, address: getAddress(wallet.getAddressString()) }
}

/**
 * Decrypts keystore JSON.
 *
 * @param json - the keystore text
 * @param password - its password
 * @param source - the file name, for messages
 * @returns the account
 * @throws DeaiError `KEYSTORE_INVALID` (not a v3 keystore), `KEYSTORE_WRONG_PASSWORD`
 */
export async function decryptKeystore(json: string, password: string, source = 'keystore'): Promise<PrivateKeyAccount> {
  return privateKeyToAccount(await decryptKeystoreKey(json, password, source))
}

/**
 * Decrypts keystore JSON to the raw key, for code that builds its own signer (a ledger client).
 * Keep the result in memory only.
 * @throws DeaiError `KEYSTORE_INVALID`, `KEYSTORE_WRONG_PASSWORD`
 */
export async function decryptKeystoreKey(json: string, password: string, source = 'keystore'): Promise<Hex> {
  // Checked here for a clear error; the library then reads the same text.
  parseKeystore(json, source)
  let wallet: Wallet
  try {
    wallet = await Wallet.fromV3(json, password)
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    if (/pass|mac/i.test(message)) {
      throw new DeaiError('KEYSTORE_WRONG_PASSWORD', `The password does not open ${source}.`, {
        fixes: [`Type the password again, or check ${KEYSTORE_PASSWORD_ENV}.`],
      })
    }
    throw new DeaiError('KEYSTORE_INVALID', `${source} cannot be decrypted: ${message}`, { cause })
  }
  return bytesToHex(wallet.getPrivateKey())
}

/**
 * Reads and decrypts a key file.
 * @throws DeaiError `KEYSTORE_UNREADABLE`, `KEYSTORE_INVALID`, `KEYSTORE_WRONG_PASSWORD`
 */
export async function readKeystoreFile(path: string, password: string): Promise<PrivateKeyAccount> {
  return decryptKeystore(await readText(path), password, path)
}

/** Reads and decrypts a key file to the raw key (see {@link decryptKeystoreKey}). */
export async function readKeystoreKey(path: string, password: string): Promise<Hex> {
  return decryptKeystoreKey(await readText(path), password, path)
}

/**
 * Writes a key into a new file in `dir`, named as geth names them (`UTC--<time>--<address>`).
 *
 * @param dir - the keystore directory (created if missing)
 * @param privateKey - the key; a fresh random one if absent
 * @returns the file and address
 */
export async function writeKeystoreFile(dir: string, password: string, options: { privateKey?: Hex; strength?: KdfStrength } = {}): Promise<KeystoreEntry> {
  const { json, address } = await encryptKeystore(options.privateKey ?? generatePrivateKey(), password, options.strength)
  const stamp = new Date().toISOString().replace(/:/g, '-')
  const file = join(resolve(dir), `UTC--${stamp}--${address.slice(2).toLowerCase()}`)
  try {
    await mkdir(resolve(dir), { recursive: true, mode: 0o700 })
    await writeFile(file, json, { mode: 0o600, flag: 'wx' })
  } catch (cause) {
    throw new DeaiError('KEYSTORE_UNWRITABLE', `Cannot write the key file in ${dir}.`, {
      details: [cause instanceof Error ? cause.message : String(cause)],
      fixes: ['Check that the directory is writable.'],
      cause,
    })
  }
  return { file, address }
}

/** Lists the key files in `dir` by the address each names (no password needed). */
export async function listKeystores(dir: string): Promise<KeystoreEntry[]> {
  let names: string[]
  try {
    names = (await readdir(resolve(dir))).sort()
  } catch {
    return []
  }
  const entries: KeystoreEntry[] = []
  for (const name of names) {
    const file = join(resolve(dir), name)
    try {
      const parsed = parseKeystore(await readText(file), file)
      if (parsed.address !== undefined) entries.push({ file, address: getAddress(parsed.address.startsWith('0x') ? parsed.address : `0x${parsed.address}`) })
    } catch {
      // Not a key file: skip it.
    }
  }
  return entries
}

function parseKeystore(json: string, source: string) {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    value = undefined
  }
  const result = keystoreSchema.safeParse(value)
  if (!result.success) {
    throw new DeaiError('KEYSTORE_INVALID', `${source} is not an Ethereum keystore (Web3 Secret Storage v3) file.`, {
      fixes: ['Create one with `deai keys new` or `deai keys import`.'],
    })
  }
  return result.data
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (cause) {
    throw new DeaiError('KEYSTORE_UNREADABLE', `Cannot read the key file ${path}.`, { fixes: ['Check the path (see `deai keys list`).'], cause })
  }
}

function assertPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new DeaiError('KEYSTORE_PASSWORD_MISSING', 'A key file needs a non-empty password.', {
      fixes: [`Type one at the prompt, or set ${KEYSTORE_PASSWORD_ENV}.`],
    })
  }
}
