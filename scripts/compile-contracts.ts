/**
 * Compiles every contract under contracts/ with solc-js (offline, pinned version) and writes
 *  - artifacts/<Contract>.json: abi, bytecode, deployed bytecode, source name;
 *  - src/ledger/contracts/generated/<Contract>.ts: the ABI `as const` and the bytecode, so
 *    viem infers argument and return types from them;
 *  - src/ledger/contracts/generated/protocol-constants.ts: every enum the contracts declare or
 *    inherit, and their integer constants, read from solc's syntax trees, so TypeScript never
 *    restates a number the contracts define.
 *  - src/ledger/contracts/generated/contract-error-fixes.ts: the fix for each custom error, from
 *    the `@custom:fix` NatSpec on its declaration.
 * Nothing here is edited by hand. A content hash of the inputs and of the generators skips work
 * when nothing changed.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import solcJs from 'solc'
import { collectErrorFixes, errorFixesModule } from './contract-error-fixes.js'
import type { CompiledContract } from './contract-error-fixes.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const contractsDir = join(root, 'contracts')
const artifactsDir = join(root, 'artifacts')
const generatedDir = join(root, 'src', 'ledger', 'contracts', 'generated')
const constantsFile = join(generatedDir, 'protocol-constants.ts')
const require = createRequire(import.meta.url)
// solc-js types its standard-JSON interface as `any`; this is the part used here.
const solc = solcJs as { version(): string; compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string }

const settings = {
  optimizer: { enabled: true, runs: 200 },
  // cancun is supported by every EVM chain and L2 we target; nothing here needs newer opcodes.
  evmVersion: 'cancun',
  viaIR: true,
  // No source hash in the bytecode: a comment (NatSpec included) must not change the deployed
  // code, whose transactions feed the block hashes that seed committee draws.
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers', 'devdoc'], '': ['ast'] },
  },
}

type SolcOutput = {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[]
  contracts?: Record<string, Record<string, CompiledContract & {
    abi: unknown[]
    evm: { bytecode: { object: string }; deployedBytecode: { object: string } }
  }>>
  sources?: Record<string, { ast: AstNode }>
}

/** The few fields of solc's syntax tree nodes that the constants module reads. */
type AstNode = {
  nodeType: string
  id: number
  name?: string
  nodes?: AstNode[]
  members?: { name: string }[]
  constant?: boolean
  linearizedBaseContracts?: number[]
  value?: AstExpression
}

type AstExpression = {
  nodeType: string
  typeDescriptions?: { typeString?: string | null }
  memberName?: string
  expression?: AstExpression & { name?: string }
  arguments?: { typeName?: { name?: string } }[]
}

/** The value of an integer constant: folded by solc (`int_const 4096`), or `type(uintN).max`/`.min`. */
function integerValue(value: AstExpression | undefined): bigint | undefined {
  // solc elides long folded integers with "...": those are skipped.
  const folded = /^int_const (-?\d+)$/.exec(value?.typeDescriptions?.typeString ?? '')?.[1]
  if (folded !== undefined) return BigInt(folded)
  const call = value?.expression
  const typeName = call?.arguments?.[0]?.typeName?.name
  if (value?.nodeType !== 'MemberAccess' || call?.nodeType !== 'FunctionCall' || call.expression?.name !== 'type' || typeName === undefined) return undefined
  const bits = /^(u?)int(\d+)$/.exec(typeName)
  if (bits === null) return undefined
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the pattern's second group always takes part in a match
  const width = BigInt(bits[2]!)
  const unsigned = bits[1] === 'u'
  if (value.memberName === 'max') return unsigned ? (1n << width) - 1n : (1n << (width - 1n)) - 1n
  if (value.memberName === 'min') return unsigned ? 0n : -(1n << (width - 1n))
  return undefined
}

type ContractNode = { name: string; sourceName: string; node: AstNode }

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
    // A package name is one path segment, or two when scoped (@scope/name).
    const parts = importPath.split('/')
    const nameLength = importPath.startsWith('@') ? 2 : 1
    const pkg = parts.slice(0, nameLength).join('/')
    const tail = parts.slice(nameLength)
    const pkgRoot = dirname(require.resolve(`${pkg}/package.json`))
    // solc-js calls the import callback synchronously.
    return { contents: readFileSync(join(pkgRoot, ...tail), 'utf8') }
  } catch (error) {
    return { error: `cannot resolve import "${importPath}": ${String(error)}` }
  }
}


/**
 * The TypeScript module of enums and integer constants. Enums are those declared in contracts/
 * or inherited by a contract there (e.g. OpenZeppelin's `IGovernor.ProposalState`), keyed by the
 * contract that declares them; constants are the integer `constant`s declared in contracts/
 * whose value solc folds to a literal, or that are a `type(uintN).max` or `.min`.
 */
function constantsModule(sources: Record<string, { ast: AstNode }>): string {
  const contracts: ContractNode[] = []
  for (const [sourceName, { ast }] of Object.entries(sources)) {
    for (const node of ast.nodes ?? []) {
      if (node.nodeType === 'ContractDefinition' && node.name !== undefined) contracts.push({ name: node.name, sourceName, node })
    }
  }
  const byId = new Map(contracts.map((c) => [c.node.id, c]))
  const own = contracts.filter((c) => c.sourceName.startsWith('contracts/'))
  const withEnums = new Set<ContractNode>()
  for (const contract of own) {
    for (const id of contract.node.linearizedBaseContracts ?? []) {
      const base = byId.get(id)
      if (base?.node.nodes?.some((n) => n.nodeType === 'EnumDefinition')) withEnums.add(base)
    }
  }
  const ordered = [...withEnums].sort((a, b) => a.name.localeCompare(b.name))
  const enumLines: string[] = []
  const memberLines: string[] = []
  for (const contract of ordered) {
    enumLines.push(`  /** ${contract.sourceName} */`, `  ${contract.name}: {`)
    memberLines.push(`  ${contract.name}: {`)
    for (const e of contract.node.nodes ?? []) {
      if (e.nodeType !== 'EnumDefinition') continue
      const names = (e.members ?? []).map((m) => m.name)
      enumLines.push(`    ${e.name}: { ${names.map((n, i) => `${n}: ${i}`).join(', ')} },`)
      memberLines.push(`    ${e.name}: [${names.map((n) => `'${n}'`).join(', ')}],`)
    }
    enumLines.push('  },')
    memberLines.push('  },')
  }
  const constantLines: string[] = []
  for (const contract of [...own].sort((a, b) => a.name.localeCompare(b.name))) {
    const values: string[] = []
    for (const v of contract.node.nodes ?? []) {
      if (v.nodeType !== 'VariableDeclaration' || v.constant !== true) continue
      const value = integerValue(v.value)
      if (value === undefined) continue
      const safe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      values.push(`    ${v.name}: ${safe ? String(value) : `${value}n`},`)
    }
    if (values.length > 0) constantLines.push(`  /** ${contract.sourceName} */`, `  ${contract.name}: {`, ...values, '  },')
  }
  return [
    '// Generated by scripts/compile-contracts.ts from the contracts\' syntax trees. Do not edit.',
    '',
    '/** Enums the contracts declare or inherit, by declaring contract then enum: member name → value. */',
    'export const CONTRACT_ENUMS = {',
    ...enumLines,
    '} as const',
    '',
    '/** The same enums\' member names in declaration order: a member\'s value is its index. */',
    'export const CONTRACT_ENUM_MEMBERS = {',
    ...memberLines,
    '} as const',
    '',
    '/** Integer constants the contracts declare, by contract (numbers when they are safe integers, else bigints). */',
    'export const CONTRACT_CONSTANTS = {',
    ...constantLines,
    '} as const',
    '',
  ].join('\n')
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
  if (previous === hash && existsSync(constantsFile) && existsSync(fixesFile)) {
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
  await writeFile(constantsFile, constantsModule(output.sources ?? {}))
  await writeFile(fixesFile, errorFixesModule(collectErrorFixes(compiled)))
  await writeFile(stamp, hash)
  process.stderr.write(`contracts: ${seen.size} contracts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

await main()
