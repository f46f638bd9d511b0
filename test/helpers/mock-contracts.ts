import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import solcJs from 'solc'
import type { Abi, Address, Hex, PrivateKeyAccount } from 'viem'
import { z } from 'zod'
import type { Ledger } from '../../src/ledger/ledger.js'

/** Test-only contracts under test/contracts/mocks/, compiled on demand (never shipped), with what they import from contracts/. */
export type MockName = 'HostileToken' | 'ProtocolLens' | 'SortitionTreeHarness' | 'StakeBatcher' | 'StakeLens' | 'StakerSwarm'

const problemsSchema = z.object({
  errors: z.array(z.object({ severity: z.string(), formattedMessage: z.string() })).optional(),
})
const contractsSchema = z.object({
  contracts: z.record(z.string(), z.record(z.string(), z.object({
    abi: z.array(z.unknown()),
    evm: z.object({ bytecode: z.object({ object: z.string() }) }),
  }))),
})

/** A compiled contract: `abi` and creation `bytecode`. */
export type CompiledContract = { abi: Abi; bytecode: Hex }

const compiled = new Map<MockName, Promise<CompiledContract>>()

/**
 * Compiles test/contracts/mocks/<name>.sol with solc-js (once per process).
 *
 * @example
 * ```ts
 * const token = await deployContract(ledger, account, await compileMock('HostileToken'))
 * ```
 */
export function compileMock(name: MockName): Promise<CompiledContract> {
  let result = compiled.get(name)
  if (result === undefined) {
    result = compile(name)
    compiled.set(name, result)
  }
  return result
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
// solc-js types its standard-JSON interface as `any`; this is the part used here.
const solc = solcJs as { compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string }

/**
 * Resolves a mock's imports, which solc names from the repository root (a mock imports
 * `../../../contracts/x/Y.sol`) or from a package (`@openzeppelin/...`).
 */
function resolveImport(path: string): { contents: string } | { error: string } {
  try {
    if (path.startsWith('contracts/')) return { contents: readFileSync(join(root, path), 'utf8') }
    const [scope, name, ...rest] = path.split('/')
    const pkg = path.startsWith('@') ? `${scope}/${name}` : String(scope)
    const tail = path.startsWith('@') ? rest : [String(name), ...rest]
    // solc-js calls the import callback synchronously.
    return { contents: readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), ...tail), 'utf8') }
  } catch (error) {
    return { error: `cannot resolve import "${path}": ${String(error)}` }
  }
}

async function compile(name: MockName): Promise<CompiledContract> {
  const source = `test/contracts/mocks/${name}.sol`
  const input = {
    language: 'Solidity',
    sources: { [source]: { content: await readFile(join(root, source), 'utf8') } },
    settings: { evmVersion: 'cancun', viaIR: true, optimizer: { enabled: true, runs: 200 }, outputSelection: { [source]: { [name]: ['abi', 'evm.bytecode.object'] } } },
  }
  const output: unknown = JSON.parse(String(solc.compile(JSON.stringify(input), { import: resolveImport })))
  const problems = (problemsSchema.parse(output).errors ?? []).filter((e) => e.severity === 'error')
  if (problems.length > 0) throw new Error(problems.map((e) => e.formattedMessage).join('\n'))
  const contract = contractsSchema.parse(output).contracts[source]?.[name]
  if (contract === undefined) throw new Error(`${name} missing from the compiler output`)
  // solc's ABI output is an ABI by construction.
  return { abi: contract.abi as Abi, bytecode: `0x${contract.evm.bytecode.object}` }
}

/** Deploys a contract and waits for it; returns its address. */
export async function deployContract(ledger: Ledger, account: PrivateKeyAccount, contract: CompiledContract, args: readonly unknown[] = []): Promise<Address> {
  const hash = await ledger.wallet(account).deployContract({ abi: contract.abi, bytecode: contract.bytecode, args })
  const receipt = await ledger.client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || receipt.contractAddress == null) throw new Error(`deploying failed (tx ${hash})`)
  return receipt.contractAddress
}
