import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { DeaiError } from '../errors/base.js'

/** Reads a JSON (or YAML, by extension) file; `what` names it in errors ("report", "distribution"). */
export async function readDataFile(cwd: string, path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(resolve(cwd, path), 'utf8')
  } catch (cause) {
    throw new DeaiError('FILE_UNREADABLE', `cannot read ${what} file ${path}`, { fixes: ['check the path'], cause })
  }
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text)
  } catch (cause) {
    throw new DeaiError('FILE_NOT_PARSEABLE', `${what} file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}`, {
      details: [cause instanceof Error ? cause.message : String(cause)],
      cause,
    })
  }
}
