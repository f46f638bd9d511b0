import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Abi } from 'viem'
import { expect, test } from 'vitest'
import { FIX_FORMATS } from '../../scripts/contract-error-fixes.js'
import { HINT_FORMATS, HINTS } from '../../src/ledger/contracts/contract-errors.js'
import { contractErrorFixes } from '../../src/ledger/contracts/generated/contract-error-fixes.js'
import { OPENZEPPELIN_HINTS } from '../../src/ledger/contracts/openzeppelin-hints.js'
import { declaredErrors } from '../helpers/reverts.js'

const CONTRACTS = fileURLToPath(new URL('../../contracts', import.meta.url))
const ARTIFACTS = fileURLToPath(new URL('../../artifacts', import.meta.url))

async function solidityFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? solidityFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.sol') ? [join(dir, e.name)] : []))))
  return nested.flat()
}

async function declaredInSolidity(): Promise<Set<string>> {
  const declared = new Set<string>()
  for (const file of await solidityFiles(CONTRACTS)) {
    for (const match of (await readFile(file, 'utf8')).matchAll(/^\s*error\s+(\w+)\s*\(/gm)) declared.add(match[1]!)
  }
  return declared
}

async function generatedAbis(): Promise<Map<string, Abi>> {
  const abis = new Map<string, Abi>()
  for (const name of (await readdir(ARTIFACTS)).filter((file) => file.endsWith('.json'))) {
    abis.set(name.replace(/\.json$/, ''), (JSON.parse(await readFile(join(ARTIFACTS, name), 'utf8')) as { abi: Abi }).abi)
  }
  return abis
}

// A revert reaches the CLI as CONTRACT_REVERTED with the error's hint as its fix: every error
// deai's own contracts declare must have one.
test('every custom error the contracts declare has a fix for the CLI to print', async () => {
  const declared = await declaredInSolidity()
  expect(declared.size).toBeGreaterThan(100)
  expect([...declared].filter((name) => HINTS[name] === undefined).sort()).toEqual([])
})

test('every error in every generated ABI has a fix', async () => {
  const abis = await generatedAbis()
  expect(abis.size).toBeGreaterThan(15)
  const missing = [...abis].flatMap(([contract, abi]) => declaredErrors(abi).filter((name) => HINTS[name] === undefined).map((name) => `${contract}.${name}`))
  expect(missing).toEqual([])
})

test('deai\'s errors take their fix from the @custom:fix line on their declaration, not from a table', async () => {
  const declared = await declaredInSolidity()
  expect([...declared].filter((name) => contractErrorFixes[name] === undefined).sort(), 'declared errors with no @custom:fix').toEqual([])
  expect(Object.keys(OPENZEPPELIN_HINTS).filter((name) => declared.has(name)), 'errors in both places').toEqual([])
})

test('a fix renders its arguments, with the formats the compile step accepts', () => {
  expect(Object.keys(HINT_FORMATS).sort()).toEqual([...FIX_FORMATS].sort())
  expect(HINTS.BondTooLow!([5n, 100n])).toBe('bond at least 100 wei')
  expect(HINTS.StillUnbonding!([1_700_000_000n])).toBe('wait until 2023-11-14T22:13:20.000Z (chain time) and withdraw again')
  expect(HINTS.WrongStatus!([3n, 2])).toBe('task 3 is voting, which does not allow this step')
  expect(HINTS.RoundNotOpen!([4n, 2])).toBe('round 4 is settled; it takes no more work')
  for (const [name, byArity] of Object.entries(contractErrorFixes)) {
    for (const arity of Object.keys(byArity)) {
      const rendered = HINTS[name]!(Array.from({ length: Number(arity) }, () => 1n))
      expect(rendered, name).not.toMatch(/\{\d/)
    }
  }
})
