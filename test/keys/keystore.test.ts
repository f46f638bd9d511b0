import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { main } from '../../src/cli/main.js'
import { decryptKeystore, encryptKeystore, listKeystores, readKeystoreFile, writeKeystoreFile } from '../../src/keys/keystore.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const KEY = `0x${'4c'.repeat(32)}` as const

describe('keystore files', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-keys-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('encrypts to Web3 Secret Storage v3 with scrypt, and decrypts with the password only', async () => {
    const { json, address } = await encryptKeystore(KEY, 'correct horse', 'light')
    expect(address).toBe(privateKeyToAddress(KEY))
    const parsed = JSON.parse(json) as { version: number; crypto: { kdf: string; cipher: string; kdfparams: { n: number } } }
    expect(parsed.version).toBe(3)
    expect(parsed.crypto).toMatchObject({ kdf: 'scrypt', cipher: 'aes-128-ctr', kdfparams: { n: 4096 } })
    expect(json).not.toContain(KEY.slice(2))
    expect((await decryptKeystore(json, 'correct horse')).address).toBe(address)
    await expectDeaiError(decryptKeystore(json, 'wrong horse'), 'KEYSTORE_WRONG_PASSWORD')
    await expectDeaiError(decryptKeystore('{"version":3}', 'x'), 'KEYSTORE_INVALID')
    await expectDeaiError(encryptKeystore(KEY, ''), 'KEYSTORE_PASSWORD_MISSING')
  })

  test('writes geth-named files and lists them by address without a password', async () => {
    const entry = await writeKeystoreFile(join(dir, 'store'), 'pw', { privateKey: KEY, strength: 'light' })
    expect(entry.file).toMatch(new RegExp(`UTC--.*--${entry.address.slice(2).toLowerCase()}$`))
    await writeFile(join(dir, 'store', 'notes.txt'), 'not a key')
    expect(await listKeystores(join(dir, 'store'))).toEqual([entry])
    expect((await readKeystoreFile(entry.file, 'pw')).address).toBe(entry.address)
    expect(await listKeystores(join(dir, 'missing'))).toEqual([])
  })

  test('deai keys new, import and list; signing commands open a key file; keys are never printed', async () => {
    const run = async (env: Record<string, string>, ...argv: string[]) => {
      let out = ''
      let err = ''
      const exit = await main(argv, { cwd: dir, env, stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
      return { exit, out, err }
    }
    const password = { DEAI_KEYSTORE_PASSWORD: 'hunter2' }
    const created = await run(password, 'keys', 'new', '--light-kdf', '--dir', 'ks', '--json')
    expect(created.exit).toBe(0)
    const { address, file } = JSON.parse(created.out) as { address: string; file: string }
    await writeFile(join(dir, 'key.hex'), KEY)
    const imported = await run(password, 'keys', 'import', '--key-file', 'key.hex', '--light-kdf', '--dir', 'ks', '--json')
    expect(imported.exit).toBe(0)
    expect(JSON.parse(imported.out)).toMatchObject({ address: privateKeyToAddress(KEY) })
    const listed = await run({}, 'keys', 'list', '--dir', 'ks', '--json')
    expect((JSON.parse(listed.out) as { address: string }[]).map((e) => e.address).sort()).toEqual([address, privateKeyToAddress(KEY)].sort())
    for (const r of [created, imported, listed]) expect(r.out + r.err).not.toContain(KEY.slice(2))
    expect(await readFile(file, 'utf8')).not.toContain(KEY.slice(2))

    // A wrong password stops a signing command before it touches the chain.
    const wrong = await run({ DEAI_KEYSTORE_PASSWORD: 'nope' }, 'stake', '1', '--role', 'verifier', '--keystore', file, '--rpc', 'http://127.0.0.1:9')
    expect(wrong.exit).toBe(1)
    expect(wrong.err).toContain('KEYSTORE_WRONG_PASSWORD')
    // No password and no terminal: a clear error, not a hang.
    const none = await run({}, 'stake', '1', '--role', 'verifier', '--keystore', file, '--rpc', 'http://127.0.0.1:9')
    expect(none.exit).toBe(1)
    expect(none.err).toContain('KEYSTORE_PASSWORD_MISSING')
    // The right password gets as far as the chain (unreachable here).
    const right = await run(password, 'stake', '1', '--role', 'verifier', '--keystore', file, '--rpc', 'http://127.0.0.1:9')
    expect(right.err).toContain('LEDGER_RPC_UNREACHABLE')
  })
})
