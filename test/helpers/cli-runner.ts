/** Runs `deai` commands in-process and hands back what they printed. */
import { main } from '../../src/cli/main.js'
import type { CliContext } from '../../src/cli/shared/context.js'

/** One command's exit code and everything it printed. */
export type CliRun = { code: number; out: string; err: string }

/**
 * A runner of commands in `cwd` with only `env` set. Standard output (text and raw bytes, the
 * latter as latin1) and standard error are collected rather than printed; `extra` replaces any
 * other part of the context (a secret prompt, say).
 */
export function cli(cwd: string, env: Record<string, string> = {}, extra: Partial<CliContext> = {}) {
  return async (...argv: string[]): Promise<CliRun> => {
    let out = ''
    let err = ''
    const code = await main(argv, {
      cwd,
      env,
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      stdoutBytes: (b) => void (out += Buffer.from(b).toString('latin1')),
      ...extra,
    })
    return { code, out, err }
  }
}
