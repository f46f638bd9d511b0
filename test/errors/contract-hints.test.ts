import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { HINTS } from '../../src/ledger/contracts/contract-errors.js'

const CONTRACTS = fileURLToPath(new URL('../../contracts', import.meta.url))

async function solidityFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? solidityFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.sol') ? [join(dir, e.name)] : []))))
  return nested.flat()
}

// A revert reaches the CLI as CONTRACT_REVERTED with the error's hint as its fix: every error
// deai's own contracts declare must have one.
test('every custom error the contracts declare has a fix for the CLI to print', async () => {
  const declared = new Set<string>()
  for (const file of await solidityFiles(CONTRACTS)) {
    for (const match of (await readFile(file, 'utf8')).matchAll(/^\s*error\s+(\w+)\s*\(/gm)) declared.add(match[1]!)
  }
  expect(declared.size).toBeGreaterThan(100)
  expect([...declared].filter((name) => HINTS[name] === undefined).sort()).toEqual([])
})
