/**
 * Gas of the snapshot sortition tree (`contracts/sortition/SortitionTree.sol`, through the
 * test harness) at 100, 2,000, 10,000 and 100,000 keys: a draw of 5, a `set` on an existing key
 * and a `set` on a new key; and, for comparison, the O(n) `StakeManager.drawByStake` it replaces,
 * at 100 and 2,000 stakers. A draw of 1 is measured too: its reads are all cold, so the step
 * between sizes is the cost of one level.
 *
 * How it is measured, on the embedded chain (Osaka, 16,777,216 gas per transaction):
 * - each tree is built in epoch 1 with the harness's `setMany`, batches as large as a
 *   transaction allows; values are 100 to 2,000 DEAI (seeded);
 * - draws run in epoch 2 (so they read the snapshot of epoch 1's values), `eth_estimateGas` of
 *   a transaction calling the view; the sets are mined in epoch 2 and their receipts' `gasUsed`
 *   is reported, on keys spread over the tree and on keys never seen;
 * - the StakeManager pool is filled by a test-only contract that clones one staker per stake.
 * Every figure is a whole transaction's gas: the 21,000 base and the calldata are included.
 *
 * Run it with `npm run bench -- sortition` (or `npx tsx bench/gas-sortition.ts`).
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encodeFunctionData, keccak256, maxUint256, parseEther, toHex, zeroAddress } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { stakeManagerAbi } from '../src/ledger/contracts/generated/StakeManager.js'
import { deaiTokenAbi } from '../src/ledger/contracts/generated/DeaiToken.js'
import { roleId } from '../src/ledger/contracts/roles.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { TRANSACTION_GAS_CAP } from '../src/ledger/embedded/edr-provider.js'
import { writeContract } from '../src/ledger/write-contract.js'
import { createRandom } from '../src/ml/random.js'
import { compileMock, deployContract } from '../test/helpers/mock-contracts.js'
import { buildTree, deploySortitionHarness } from '../test/helpers/sortition-harness.js'
import { sortitionKey } from '../test/helpers/sortition-model.js'

/** Gas over a few samples of one operation. */
export type GasStats = { samples: number; min: bigint; mean: bigint; max: bigint }

/** One tree size. */
export type SortitionTreeRow = {
  keys: number
  /** Levels below the root (the smallest d with 2^d ≥ keys). */
  depth: number
  /** `setMany` transactions the build took, and its wall time. */
  buildTransactions: number
  buildSeconds: number
  /** A draw of one key: every level's read is cold, so it shows the cost per level. */
  draw1: GasStats
  draw5: GasStats
  setExisting: GasStats
  setNew: GasStats
}

/** The O(n) draw at one pool size. */
export type LinearDrawRow = { stakers: number; draw5: GasStats }

export type SortitionGasReport = { trees: SortitionTreeRow[]; linear: LinearDrawRow[] }

/** What to measure. */
export type BenchSortitionGasInit = {
  /** Tree sizes (keys). @default [100, 2_000, 10_000, 100_000] */
  sizes?: readonly number[]
  /** Pool sizes of the O(n) StakeManager draw; empty to skip it. @default [100, 2_000] */
  stakers?: readonly number[]
  /** Seeds per draw, and keys per kind of `set`. @default 8 */
  samples?: number
}

const SEED = 20_261_201
const COMMITTEE = 5n
const VERIFIER = roleId('verifier')
/** Stakers a StakerSwarm transaction creates (about 270,000 gas each). */
const SWARM_BATCH = 50

/**
 * Builds each tree and measures it, then fills a StakeManager pool and measures its draw.
 *
 * @param init - other sizes, for a quick run.
 * @example
 * ```ts
 * import { benchSortitionGas, formatSortitionGas } from './bench/gas-sortition.js'
 * console.log(formatSortitionGas(await benchSortitionGas({ sizes: [100, 2_000] })))
 * ```
 */
export async function benchSortitionGas(init: BenchSortitionGasInit = {}): Promise<SortitionGasReport> {
  const sizes = init.sizes ?? [100, 2_000, 10_000, 100_000]
  const stakers = init.stakers ?? [100, 2_000]
  const samples = init.samples ?? 8
  const ledger = await createEmbeddedLedger({ accounts: 1 })
  const [account] = ledger.accounts
  if (account === undefined) throw new RangeError('no account')
  try {
    const trees: SortitionTreeRow[] = []
    for (const size of sizes) trees.push(await measureTree(ledger, account, size, samples))
    const linear = stakers.length === 0 ? [] : await measureLinearDraw(ledger, account, stakers, samples)
    return { trees, linear }
  } finally {
    await ledger.close()
  }
}

async function measureTree(ledger: EmbeddedLedger, account: PrivateKeyAccount, size: number, samples: number): Promise<SortitionTreeRow> {
  const random = createRandom(SEED + size)
  const stake = () => parseEther(String(100 + random.nextInt(1_901)))
  const tree = await deploySortitionHarness(ledger, account)
  const keys = Array.from({ length: size }, (_, i) => sortitionKey(i))
  const started = Date.now()
  const build = await buildTree(ledger, account, tree, keys, keys.map(stake), 1n)
  const buildSeconds = (Date.now() - started) / 1000

  const draws: bigint[] = []
  const singles: bigint[] = []
  for (const seed of seeds(samples)) {
    draws.push(await tree.drawGas({ seed, count: COMMITTEE, epoch: 2n }))
    singles.push(await tree.drawGas({ seed, count: 1n, epoch: 2n }))
  }
  const existing: bigint[] = []
  for (let i = 0; i < samples; i++) {
    const key = keys[Math.floor(((i + 0.5) * size) / samples)]
    if (key === undefined) throw new RangeError(`no key in a tree of ${size}`)
    existing.push((await tree.set(key, stake(), 2n)).gasUsed)
  }
  const fresh: bigint[] = []
  for (let i = 0; i < samples; i++) fresh.push((await tree.set(sortitionKey(size + i), stake(), 2n)).gasUsed)
  return {
    keys: size,
    depth: depthOf(size),
    buildTransactions: build.transactions,
    buildSeconds,
    draw1: stats(singles),
    draw5: stats(draws),
    setExisting: stats(existing),
    setNew: stats(fresh),
  }
}

async function measureLinearDraw(ledger: EmbeddedLedger, account: PrivateKeyAccount, sizes: readonly number[], samples: number): Promise<LinearDrawRow[]> {
  const deployment = await deployProtocol(ledger, { deployer: account })
  const { token, stakeManager } = deployment.contracts
  const swarm = await deployContract(ledger, account, await compileMock('StakerSwarm'))
  const swarmAbi = (await compileMock('StakerSwarm')).abi
  await writeContract(ledger, account, { address: token, abi: deaiTokenAbi, functionName: 'approve', args: [swarm, maxUint256] })
  const random = createRandom(SEED)
  const rows: LinearDrawRow[] = []
  let pool = 0
  for (const size of [...sizes].sort((a, b) => a - b)) {
    while (pool < size) {
      const batch = Math.min(SWARM_BATCH, size - pool)
      const amounts = Array.from({ length: batch }, () => parseEther(String(100 + random.nextInt(1_901))))
      await writeContract(ledger, account, { address: swarm, abi: swarmAbi, functionName: 'spawn', args: [token, stakeManager, VERIFIER, amounts] })
      pool += batch
    }
    const draws: bigint[] = []
    for (const seed of seeds(samples)) {
      const data = encodeFunctionData({ abi: stakeManagerAbi, functionName: 'drawByStake', args: [0n, VERIFIER, seed, COMMITTEE, zeroAddress, 0n] })
      draws.push(await ledger.client.estimateGas({ account, to: stakeManager, data }))
    }
    rows.push({ stakers: size, draw5: stats(draws) })
  }
  return rows
}

function seeds(samples: number): Hex[] {
  return Array.from({ length: samples }, (_, i) => keccak256(toHex(`sortition bench seed ${i}`)))
}

/** The smallest d with 2^d ≥ keys, as SortitionTree computes it. */
export function depthOf(keys: number): number {
  return keys <= 1 ? 0 : Math.ceil(Math.log2(keys))
}

function stats(gas: readonly bigint[]): GasStats {
  if (gas.length === 0) return { samples: 0, min: 0n, mean: 0n, max: 0n }
  return {
    samples: gas.length,
    min: gas.reduce((a, b) => (b < a ? b : a)),
    mean: gas.reduce((a, b) => a + b, 0n) / BigInt(gas.length),
    max: gas.reduce((a, b) => (b > a ? b : a)),
  }
}

const number = (n: bigint | number): string => n.toLocaleString('en-US')
const range = (s: GasStats): string => `${number(s.min)} / ${number(s.mean)} / ${number(s.max)}`

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** Formats the report: the trees, then the O(n) draw beside the tree's at the same sizes. */
export function formatSortitionGas(report: SortitionGasReport): string {
  const parts = [
    'SortitionTree (transaction gas, min / mean / max)',
    table(
      ['keys', 'depth', 'build', 'draw 1', 'draw 5', 'set existing key', 'set new key'],
      report.trees.map((t) => [
        number(t.keys),
        String(t.depth),
        `${t.buildTransactions} tx, ${t.buildSeconds.toFixed(1)} s`,
        range(t.draw1),
        range(t.draw5),
        range(t.setExisting),
        range(t.setNew),
      ]),
    ),
  ]
  if (report.linear.length > 0) {
    const treeAt = (n: number) => report.trees.find((t) => t.keys === n)
    parts.push(
      '',
      'StakeManager.drawByStake, O(n), against the tree (draw of 5, mean gas)',
      table(
        ['stakers', 'drawByStake', 'tree', 'ratio'],
        report.linear.map((l) => {
          const tree = treeAt(l.stakers)
          return [
            number(l.stakers),
            number(l.draw5.mean),
            tree === undefined ? '-' : number(tree.draw5.mean),
            tree === undefined ? '-' : `${(Number(l.draw5.mean) / Number(tree.draw5.mean)).toFixed(1)}×`,
          ]
        }),
      ),
    )
    const [first, last] = [report.linear[0], report.linear.at(-1)]
    if (first !== undefined && last !== undefined && last.stakers > first.stakers) {
      const perStaker = Number(last.draw5.mean - first.draw5.mean) / (last.stakers - first.stakers)
      const limit = first.stakers + Number(TRANSACTION_GAS_CAP - first.draw5.mean) / perStaker
      parts.push(`drawByStake: ${number(Math.round(perStaker))} gas per staker; over the ${number(TRANSACTION_GAS_CAP)}-gas transaction cap from about ${number(Math.round(limit / 10) * 10)} stakers`)
    }
  }
  return parts.join('\n')
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  process.stdout.write(`${formatSortitionGas(await benchSortitionGas())}\n`)
}
