/**
 * Gas of committee sortition, two ways:
 * - the snapshot sortition tree (`contracts/sortition/SortitionTree.sol`, through the test
 *   harness) at 100, 2,000, 10,000 and 100,000 keys: a draw of 5, a `set` on an existing key
 *   and a `set` on a new key. A draw of 1 is measured too: its reads are all cold, so the step
 *   between sizes is the cost of one level;
 * - the protocol itself, with verifier pools of 100, 10,000 and 100,000 stakers: a task's
 *   `TaskRegistry.drawCommittee` of 5 (the seed revealed, the committee drawn from the snapshot,
 *   each member's stake locked), `StakeManager.drawByStake` alone, and a stake change in the
 *   pool (a top-up, and a new staker) with every checkpoint and the tree kept.
 *
 * How it is measured, on the embedded chain (Osaka, 16,777,216 gas per transaction):
 * - each tree is built in epoch 1 with the harness's `setMany`, batches as large as a
 *   transaction allows; values are 100 to 2,000 DEAI (seeded);
 * - draws run in epoch 2 (so they read the snapshot of epoch 1's values), `eth_estimateGas` of
 *   a transaction calling the view; the sets are mined in epoch 2 and their receipts' `gasUsed`
 *   is reported, on keys spread over the tree and on keys never seen;
 * - the StakeManager pool is filled by a test-only contract that stakes for many owners
 *   (`stakeFor`) in each transaction; the committee is drawn in the epoch after.
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
import { drawCommittee } from '../src/ledger/actions/tasks/draw-committee.js'
import { proposeTask } from '../src/ledger/actions/tasks/propose-task.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { connectProtocol } from '../src/ledger/protocol.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
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

/** The protocol with one pool size. */
export type ProtocolDrawRow = {
  stakers: number
  /** `StakeManager.drawByStake` of 5, alone. */
  drawByStake: GasStats
  /** `TaskRegistry.drawCommittee` of 5, one per task. */
  drawCommittee: GasStats
  /** `StakeManager.stake` by an owner already in the pool, and by a new one. */
  stakeTopUp: GasStats
  stakeNew: GasStats
}

export type SortitionGasReport = { trees: SortitionTreeRow[]; protocol: ProtocolDrawRow[] }

/** What to measure. */
export type BenchSortitionGasInit = {
  /** Tree sizes (keys). @default [100, 2_000, 10_000, 100_000] */
  sizes?: readonly number[]
  /** Verifier pool sizes of the protocol's draw; empty to skip it. @default [100, 10_000, 100_000] */
  stakers?: readonly number[]
  /** Seeds per draw, and keys per kind of `set`. @default 8 */
  samples?: number
}

const SEED = 20_261_201
const COMMITTEE = 5n
const VERIFIER = roleId('verifier')
/** Stakers a StakerSwarm transaction creates (about 250,000 gas each, within a transaction's cap). */
const SWARM_BATCH = 50

/**
 * Builds each tree and measures it, then fills the protocol's verifier pool and measures its draws.
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
  const stakers = init.stakers ?? [100, 10_000, 100_000]
  const samples = init.samples ?? 8
  const ledger = await createEmbeddedLedger({ accounts: 1 + samples })
  const [account, ...proposers] = ledger.accounts
  if (account === undefined) throw new RangeError('no account')
  try {
    const trees: SortitionTreeRow[] = []
    for (const size of sizes) trees.push(await measureTree(ledger, account, size, samples))
    const protocol = stakers.length === 0 ? [] : await measureProtocolDraw(ledger, account, proposers, stakers, samples)
    return { trees, protocol }
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

async function measureProtocolDraw(ledger: EmbeddedLedger, account: PrivateKeyAccount, proposers: readonly PrivateKeyAccount[], sizes: readonly number[], samples: number): Promise<ProtocolDrawRow[]> {
  const deployment = await deployProtocol(ledger, { deployer: account, fund: proposers.map((p) => p.address), params: { tasks: { committeeSize: Number(COMMITTEE) } } })
  const protocol = await connectProtocol(ledger, deployment)
  const { token, stakeManager } = deployment.contracts
  const swarm = await deployContract(ledger, account, await compileMock('StakerSwarm'))
  const swarmAbi = (await compileMock('StakerSwarm')).abi
  await writeContract(ledger, account, { address: token, abi: deaiTokenAbi, functionName: 'approve', args: [swarm, maxUint256] })
  await writeContract(ledger, account, { address: token, abi: deaiTokenAbi, functionName: 'approve', args: [stakeManager, maxUint256] })
  const epochBlocks = await ledger.client.readContract({ address: stakeManager, abi: stakeManagerAbi, functionName: 'epochBlocks' })
  const random = createRandom(SEED)
  const amount = () => parseEther(String(100 + random.nextInt(1_901)))
  const rows: ProtocolDrawRow[] = []
  let pool = 0
  for (const size of [...sizes].sort((a, b) => a - b)) {
    while (pool < size) {
      const batch = Math.min(SWARM_BATCH, size - pool)
      const amounts = Array.from({ length: batch }, amount)
      await writeContract(ledger, account, { address: swarm, abi: swarmAbi, functionName: 'spawn', args: [token, stakeManager, VERIFIER, BigInt(pool), amounts] })
      pool += batch
    }
    // Draws read stake as of the start of an epoch: let the pool's epoch end.
    await ledger.clock.mine(Number(epochBlocks))
    const epoch = await ledger.client.readContract({ address: stakeManager, abi: stakeManagerAbi, functionName: 'currentEpoch' })
    const byStake: bigint[] = []
    for (const seed of seeds(samples)) {
      const data = encodeFunctionData({ abi: stakeManagerAbi, functionName: 'drawByStake', args: [0n, VERIFIER, seed, COMMITTEE, zeroAddress, 0n, epoch] })
      byStake.push(await ledger.client.estimateGas({ account, to: stakeManager, data }))
    }
    const committees: bigint[] = []
    for (const proposer of proposers) {
      const { taskId } = await proposeTask(protocol, proposer, { specCid: `bafkreisortitionbench${size}`, budget: parseEther('100') })
      await drawCommittee(protocol, proposer, taskId)
      const logs = await ledger.client.getContractEvents({ ...protocol.taskRegistry, eventName: 'CommitteeDrawn', args: { taskId }, fromBlock: 0n })
      const receipt = await ledger.client.getTransactionReceipt({ hash: logs[0]!.transactionHash })
      committees.push(receipt.gasUsed)
    }
    const topUps: bigint[] = []
    const fresh: bigint[] = []
    for (let i = 0; i < samples; i++) {
      const swarmOwner = await ledger.client.readContract({ address: swarm, abi: swarmAbi, functionName: 'ownerAt', args: [BigInt(Math.floor(((i + 0.5) * size) / samples))] }) as `0x${string}`
      topUps.push((await writeContract(ledger, account, { address: stakeManager, abi: stakeManagerAbi, functionName: 'stakeFor', args: [0n, VERIFIER, swarmOwner, parseEther('1')] })).gasUsed)
      const newcomer = await ledger.client.readContract({ address: swarm, abi: swarmAbi, functionName: 'ownerAt', args: [BigInt(10_000_000 + pool + i)] }) as `0x${string}`
      fresh.push((await writeContract(ledger, account, { address: stakeManager, abi: stakeManagerAbi, functionName: 'stakeFor', args: [0n, VERIFIER, newcomer, amount()] })).gasUsed)
    }
    pool += samples
    rows.push({ stakers: size, drawByStake: stats(byStake), drawCommittee: stats(committees), stakeTopUp: stats(topUps), stakeNew: stats(fresh) })
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

/** Formats the report: the trees, then the protocol's draws and stake changes. */
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
  if (report.protocol.length > 0) {
    parts.push(
      '',
      'The protocol: committee of 5 from the verifier pool, and a stake change (transaction gas, min / mean / max)',
      table(
        ['stakers', 'drawCommittee', 'drawByStake alone', 'stake (top-up)', 'stake (new staker)'],
        report.protocol.map((p) => [number(p.stakers), range(p.drawCommittee), range(p.drawByStake), range(p.stakeTopUp), range(p.stakeNew)]),
      ),
    )
  }
  return parts.join('\n')
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  process.stdout.write(`${formatSortitionGas(await benchSortitionGas())}\n`)
}
