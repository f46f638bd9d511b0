/**
 * Compiles every contract under contracts/ with solc-js (offline, pinned version) and writes
 *  - artifacts/<Contract>.json: abi, bytecode, deployed bytecode, source name;
 *  - src/ledger/contracts/generated/<Contract>.ts: the ABI `as const` and the bytecode, so
 *    viem infers argument and return types from them;
 *  - src/ledger/contracts/generated/contract-error-fixes.ts: the fix for each custom error, from
 *    the `@custom:fix` NatSpec on its declaration.
 * Nothing here is edited by hand. A content hash of the inputs skips work when nothing changed.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import solc from 'solc'
import { collectErrorFixes, errorFixesModule } from './contract-error-fixes.js'
import type { CompiledContract } from './contract-error-fixes.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const contractsDir = join(root, 'contracts')
const artifactsDir = join(root, 'artifacts')
const generatedDir = join(root, 'src', 'ledger', 'contracts', 'generated')
const require = createRequire(import.meta.url)

const settings = {
  optimizer: { enabled: true, runs: 200 },
  // cancun is supported by every EVM chain and L2 we target; nothing here needs newer opcodes.
  evmVersion: 'cancun',
  viaIR: true,
  // No source hash in the bytecode: a comment (NatSpec included) must not change the deployed
  // code, whose transactions feed the block hashes that seed committee draws.
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers', 'devdoc'] },
  },
}

type SolcOutput = {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[]
  contracts?: Record<string, Record<string, CompiledContract & {
    abi: unknown[]
    evm: { bytecode: { object: string }; deployedBytecode: { object: string } }
  }>>
}

async function listSolidity(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const files = await Promise.all(entries.map(async (entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return listSolidity(path)
    return entry.name.endsWith('.sol') ? [path] : []
  }))
  return files.flat().sort()
}

/** Resolves `@openzeppelin/...` and other package imports from node_modules. */
function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    const [scope, name, ...rest] = importPath.split('/')
    const pkg = importPath.startsWith('@') ? `${scope}/${name}` : scope!
    const tail = importPath.startsWith('@') ? rest : [name!, ...rest]
    const pkgRoot = dirname(require.resolve(`${pkg}/package.json`))
    // solc-js calls the import callback synchronously.
    return { contents: readFileSync(join(pkgRoot, ...tail), 'utf8') }
  } catch (error) {
    return { error: `cannot resolve import "${importPath}": ${String(error)}` }
  }
}


function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

async function main(): Promise<void> {
  const files = await listSolidity(contractsDir)
  const sources: Record<string, { content: string }> = {}
  for (const file of files) {
    sources[relative(root, file).split(sep).join('/')] = { content: await readFile(file, 'utf8') }
  }
  const input = { language: 'Solidity', sources, settings }
  const inputJson = JSON.stringify(input)

  const ozVersion = (require('@openzeppelin/contracts/package.json') as { version: string }).version
  // The generators are inputs too: a change to what they write must rebuild the outputs.
  const generators = await Promise.all(['compile-contracts.ts', 'contract-error-fixes.ts'].map((name) => readFile(join(root, 'scripts', name), 'utf8')))
  const hash = createHash('sha256').update(solc.version()).update(ozVersion).update(inputJson).update(generators.join('\0')).digest('hex')
  const stamp = join(artifactsDir, '.inputs-hash')
  const previous = await readFile(stamp, 'utf8').catch(() => '')
  const fixesFile = join(generatedDir, 'contract-error-fixes.ts')
  const outputsThere = await readFile(fixesFile, 'utf8').then(() => true, () => false)
  if (previous === hash && outputsThere) {
    process.stderr.write(`contracts: up to date (${files.length} files)\n`)
    return
  }

  process.stderr.write(`contracts: compiling ${files.length} files with solc ${solc.version()}...\n`)
  const started = Date.now()
  const output = JSON.parse(solc.compile(inputJson, { import: resolveImport })) as SolcOutput
  const problems = output.errors ?? []
  for (const problem of problems) {
    if (problem.severity !== 'info') process.stderr.write(problem.formattedMessage + '\n')
  }
  if (problems.some((problem) => problem.severity === 'error')) {
    process.stderr.write('contracts: compilation failed\n')
    process.exitCode = 1
    return
  }

  await rm(artifactsDir, { recursive: true, force: true })
  await rm(generatedDir, { recursive: true, force: true })
  await mkdir(artifactsDir, { recursive: true })
  await mkdir(generatedDir, { recursive: true })

  const seen = new Map<string, string>()
  const compiled: [string, CompiledContract][] = []
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    if (!sourceName.startsWith('contracts/')) continue
    for (const [contractName, contract] of Object.entries(contracts)) {
      const other = seen.get(contractName)
      if (other !== undefined) {
        throw new Error(`contract name ${contractName} is defined in both ${other} and ${sourceName}; names must be unique`)
      }
      seen.set(contractName, sourceName)
      compiled.push([contractName, contract])
      const bytecode = `0x${contract.evm.bytecode.object}`
      const artifact = {
        contractName,
        sourceName,
        abi: contract.abi,
        bytecode,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
      }
      await writeFile(join(artifactsDir, `${contractName}.json`), JSON.stringify(artifact, null, 2) + '\n')
      const ts = [
        `// Generated by scripts/compile-contracts.ts from ${sourceName}. Do not edit.`,
        `export const ${camel(contractName)}Abi = ${JSON.stringify(contract.abi, null, 2)} as const`,
        '',
        `export const ${camel(contractName)}Bytecode: \`0x\${string}\` = '${bytecode}'`,
        '',
      ].join('\n')
      await writeFile(join(generatedDir, `${contractName}.ts`), ts)
    }
  }
  await writeFile(fixesFile, errorFixesModule(collectErrorFixes(compiled)))
  await writeFile(stamp, hash)
  process.stderr.write(`contracts: ${seen.size} contracts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

await main()
