import { Option } from 'commander'
import type { Command } from 'commander'
import { DEFAULT_KEYSTORE_DIR, KEYSTORE_PASSWORD_ENV, listKeystores, writeKeystoreFile } from '../../keys/keystore.js'
import { resolveKey } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { keystorePassword, readSecretFromTerminal } from '../shared/read-secret.js'
import { resolve } from 'node:path'

type KeysOptions = { dir: string; lightKdf?: boolean; json?: boolean; keyFile?: string }

const PASSWORD_HELP = `\nThe password is read from ${KEYSTORE_PASSWORD_ENV}, or else asked for at the terminal (not echoed).\nKey files are Ethereum keystores (Web3 Secret Storage v3, scrypt): geth, Foundry and ethers read them.\nPrivate keys are never printed.`

export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('encrypted key files (Ethereum keystore v3): create, import, list')
  const dirOption = () => new Option('--dir <dir>', 'keystore directory').default(DEFAULT_KEYSTORE_DIR)
  const lightOption = () => new Option('--light-kdf', 'cheaper scrypt (n=4096, p=6, as geth --lightkdf): for tests and throwaway keys')

  keys.command('new')
    .description('create a random key and write it, encrypted, to a new key file')
    .addOption(dirOption())
    .addOption(lightOption())
    .option('--json', 'print the result as JSON')
    .addHelpText('after', PASSWORD_HELP)
    .action(async (options: KeysOptions) => {
      const password = await keystorePassword(ctx, 'the new key file', { confirm: true })
      const entry = await writeKeystoreFile(resolve(ctx.cwd, options.dir), password, { strength: options.lightKdf === true ? 'light' : 'standard' })
      printResult(ctx, options.json, entry, () => `${entry.address}\n  ${entry.file}`)
    })

  keys.command('import')
    .description('encrypt an existing private key into a new key file')
    .addOption(dirOption())
    .addOption(lightOption())
    .addOption(new Option('--key-file <file>', 'file holding the private key (hex, or JSON with "privateKey"); else DEAI_PRIVATE_KEY, else a prompt'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', PASSWORD_HELP)
    .action(async (options: KeysOptions) => {
      const fromFileOrEnv = options.keyFile !== undefined || (ctx.env['DEAI_PRIVATE_KEY'] ?? '') !== ''
      const privateKey = fromFileOrEnv
        ? await resolveKey(ctx, options.keyFile === undefined ? {} : { keyFile: options.keyFile })
        : await resolveKey({ ...ctx, env: { ...ctx.env, DEAI_PRIVATE_KEY: await (ctx.readSecret ?? readSecretFromTerminal)('Private key (hex): ') } }, {})
      const password = await keystorePassword(ctx, 'the new key file', { confirm: true })
      const entry = await writeKeystoreFile(resolve(ctx.cwd, options.dir), password, { privateKey, strength: options.lightKdf === true ? 'light' : 'standard' })
      printResult(ctx, options.json, entry, () => `${entry.address}\n  ${entry.file}`)
    })

  keys.command('list')
    .description('list the key files and the address each holds (no password needed)')
    .addOption(dirOption())
    .option('--json', 'print the list as JSON')
    .action(async (options: KeysOptions) => {
      const entries = await listKeystores(resolve(ctx.cwd, options.dir))
      printResult(ctx, options.json, entries, () =>
        entries.length === 0 ? `no key files in ${options.dir} (create one with \`deai keys new\`)` : entries.map((e) => `${e.address}  ${e.file}`).join('\n'))
    })
}
