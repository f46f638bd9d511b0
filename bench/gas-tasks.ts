/**
 * Gas of the task lifecycle's transactions on the embedded chain, with a 5-member committee:
 * stake, propose, drawCommittee, vote commit and reveal, and finalize on its three main paths.
 *
 * Run it with `npx tsx bench/gas-tasks.ts`.
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseEther } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { drawCommittee } from '../src/ledger/actions/tasks/draw-committee.js'
import { proposeTask } from '../src/ledger/actions/tasks/propose-task.js'
import { stake } from '../src/ledger/actions/staking/stake.js'
import { commitTaskVote } from '../src/ledger/actions/tasks/commit-task-vote.js'
import { revealTaskVote } from '../src/ledger/actions/tasks/reveal-task-vote.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { createGasMeter } from '../src/ledger/gas-meter.js'
import { connectProtocol } from '../src/ledger/protocol.js'
import type { Protocol } from '../src/ledger/protocol.js'
import { writeContract } from '../src/ledger/write-contract.js'

/** Gas of one kind of transaction over its samples. */
export type GasRow = { operation: string; samples: number; min: bigint; mean: bigint; max: bigint }

export type BenchTaskGasInit = {
  /** Verifiers staked in the pool the committee is drawn from. @default 7 */
  verifiers?: number
}

const COMMITTEE = 5
/** How each of the three tasks is voted on, and how its finalize is labelled. */
const TASKS: readonly { label: string; approvals: number }[] = [
  { label: 'finalize (approved 5-0)', approvals: 5 },
  { label: 'finalize (approved 4-1, 1 slashed)', approvals: 4 },
  { label: 'finalize (rejected 2-3, 2 slashed)', approvals: 2 },
]

/**
 * Runs three tasks through the lifecycle with a committee of 5 and reports the gas of each
 * transaction kind.
 *
 * @returns one row per operation, in lifecycle order.
 * @example
 * ```ts
 * import { benchTaskGas, formatGasTable } from './bench/gas-tasks.js'
 * console.log(formatGasTable(await benchTaskGas()))
 * ```
 */
export async function benchTaskGas(init: BenchTaskGasInit = {}): Promise<GasRow[]> {
  const verifierCount = init.verifiers ?? 7
  if (verifierCount < COMMITTEE + 1) throw new RangeError(`need more than ${COMMITTEE} verifiers, got ${verifierCount}`)
  const ledger = await createEmbeddedLedger({ accounts: 2 + verifierCount })
  const gasMeter = createGasMeter()
  const deployment = await deployProtocol(ledger, {
    fund: ledger.accounts.map((a) => a.address),
    params: { tasks: { committeeSize: COMMITTEE } },
  })
  const protocol = await connectProtocol(ledger, deployment, { gasMeter })
  const proposer = ledger.accounts[1]
  if (proposer === undefined) throw new RangeError('no proposer account')
  const verifiers = ledger.accounts.slice(2)

  for (const v of verifiers) await stake(protocol, v, { role: 'verifier', amount: parseEther('1000') })
  const first = gasMeter.records.filter((r) => r.label === 'stake').length
  for (const v of verifiers) await stake(protocol, v, { role: 'verifier', amount: parseEther('100') })

  const finalizeLabels: string[] = []
  for (const task of TASKS) {
    await runTask(protocol, proposer, verifiers, task)
    finalizeLabels.push(task.label)
  }
  await ledger.close()

  const stakes = gasMeter.records.filter((r) => r.label === 'stake')
  const groups = new Map<string, bigint[]>([
    ['stake (first in pool)', stakes.slice(0, first).map((r) => r.gasUsed)],
    ['stake (top-up)', stakes.slice(first).map((r) => r.gasUsed)],
  ])
  for (const label of ['approve', 'propose', 'drawCommittee', 'commitVote', 'revealVote', ...finalizeLabels]) {
    groups.set(label, gasMeter.records.filter((r) => r.label === label).map((r) => r.gasUsed))
  }
  return [...groups].map(([operation, gas]) => summarise(operation, gas))
}

async function runTask(protocol: Protocol, proposer: PrivateKeyAccount, verifiers: readonly PrivateKeyAccount[], task: { label: string; approvals: number }): Promise<void> {
  const { ledger } = protocol
  const { taskId } = await proposeTask(protocol, proposer, { specCid: 'bafkreibenchspec', budget: parseEther('500') })
  const committee = await drawCommittee(protocol, proposer, taskId)
  const keys = committee.map((member) => {
    const key = verifiers.find((v) => v.address === member)
    if (key === undefined) throw new Error(`${member} is not a bench verifier`)
    return key
  })
  const votes = keys.map((key, i) => ({ key, vote: { taskId, approve: i < task.approvals, reasonsCid: 'bafkreibenchreasons' } }))
  for (const { key, vote } of votes) await commitTaskVote(protocol, key, vote)
  const rules = await ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'params' })
  await ledger.clock.advance(rules.commitPeriod + 1n)
  for (const { key, vote } of votes) await revealTaskVote(protocol, key, vote)
  await ledger.clock.advance(rules.revealPeriod + 1n)
  await writeContract(ledger, proposer, { ...protocol.taskRegistry, functionName: 'finalize', args: [taskId] }, { gasMeter: protocol.gasMeter, label: task.label })
}

function summarise(operation: string, gas: readonly bigint[]): GasRow {
  if (gas.length === 0) return { operation, samples: 0, min: 0n, mean: 0n, max: 0n }
  const sum = gas.reduce((a, b) => a + b, 0n)
  return {
    operation,
    samples: gas.length,
    min: gas.reduce((a, b) => (b < a ? b : a)),
    mean: sum / BigInt(gas.length),
    max: gas.reduce((a, b) => (b > a ? b : a)),
  }
}

/** Formats gas rows as a fixed-width text table. */
export function formatGasTable(rows: readonly GasRow[]): string {
  const header = ['operation', 'samples', 'min', 'mean', 'max']
  const cells = rows.map((r) => [r.operation, String(r.samples), r.min.toLocaleString('en-US'), r.mean.toLocaleString('en-US'), r.max.toLocaleString('en-US')])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: readonly string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  process.stdout.write(`${formatGasTable(await benchTaskGas())}\n`)
}
