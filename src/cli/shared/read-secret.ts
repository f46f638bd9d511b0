import { DeaiError } from '../../errors/base.js'
import { KEYSTORE_PASSWORD_ENV } from '../../keys/keystore.js'
import type { CliContext } from './context.js'

/**
 * Reads a line from the terminal without echoing it (raw mode). Ctrl-C aborts.
 *
 * @throws DeaiError `KEYSTORE_PASSWORD_MISSING` when standard input is not a terminal
 */
export function readSecretFromTerminal(prompt: string): Promise<string> {
  const input = process.stdin
  if (!input.isTTY) {
    return Promise.reject(new DeaiError('KEYSTORE_PASSWORD_MISSING', 'A password is needed but there is no terminal to ask on.', {
      fixes: [`Set ${KEYSTORE_PASSWORD_ENV}, or run the command in a terminal.`],
    }))
  }
  process.stderr.write(prompt)
  return new Promise((resolve, reject) => {
    let text = ''
    const done = (error?: DeaiError) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      if (error === undefined) resolve(text)
      else reject(error)
    }
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done()
        if (char === '\u0003') return done(new DeaiError('KEYSTORE_PASSWORD_MISSING', 'Cancelled at the password prompt.'))
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1)
        else text += char
      }
    }
    input.setRawMode(true)
    input.resume()
    input.on('data', onData)
  })
}

/**
 * The keystore password: `DEAI_KEYSTORE_PASSWORD`, else a prompt (twice when `confirm`).
 *
 * @throws DeaiError `KEYSTORE_PASSWORD_MISSING`, `KEYSTORE_PASSWORD_MISMATCH`
 */
export async function keystorePassword(ctx: CliContext, what: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = ctx.env[KEYSTORE_PASSWORD_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  const read = ctx.readSecret ?? readSecretFromTerminal
  const password = await read(`Password for ${what}: `)
  if (options.confirm === true && (await read('Repeat it: ')) !== password) {
    throw new DeaiError('KEYSTORE_PASSWORD_MISMATCH', 'The two passwords differ.', { fixes: ['Run the command again and type the same password twice.'] })
  }
  return password
}
