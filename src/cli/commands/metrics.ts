import { Option } from 'commander'
import type { Command } from 'commander'
import { z } from 'zod'
import { DeaiError } from '../../errors/base.js'
import { getTaskDistributions } from '../../ledger/actions/tasks/task-distributions.js'
import { decentralization } from '../../mechanisms/metrics/decentralization.js'
import type { DecentralizationMetrics } from '../../mechanisms/metrics/decentralization.js'
import type { Distribution } from '../../mechanisms/metrics/distribution.js'
import { openProtocol, withChainOptions } from '../shared/connect.js'
import type { ChainOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { parseTaskId } from '../shared/parse.js'
import { readDataFile } from '../../shared/read-data-file.js'

type MetricsOptions = ChainOptions & { values?: Distribution; file?: string; task?: bigint; json?: boolean }

/** One row of the table: a named distribution and its metrics. */
type Row = { name: string; metrics: DecentralizationMetrics }

const amount = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal')])
/** A distribution file: a list of amounts, an object of owner → amount, or either under "values". */
const distributionFile = z.union([
  z.array(amount),
  z.record(z.string(), amount),
  z.strictObject({ values: z.union([z.array(amount), z.record(z.string(), amount)]) }),
])

/** "5,3,2" → amounts: bigints when every amount is whole (exact for wei), numbers otherwise. */
export function parseValues(value: string): Distribution {
  const parts = value.split(',').map((p) => p.trim())
  if (parts.length === 0 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new DeaiError('CLI_BAD_ARGUMENT', `"${value}" is not a list of amounts; write non-negative numbers separated by commas, e.g. 5,3,2`)
  }
  return toDistribution(parts)
}

function toDistribution(amounts: readonly (number | string)[]): Distribution {
  const texts = amounts.map(String)
  return texts.every((t) => /^\d+$/.test(t)) ? texts.map(BigInt) : texts.map(Number)
}

async function readDistributionFile(ctx: CliContext, path: string): Promise<Distribution> {
  const parsed = distributionFile.safeParse(await readDataFile(ctx.cwd, path, 'distribution'))
  if (!parsed.success) {
    throw new DeaiError('CLI_BAD_ARGUMENT', `${path} is not a distribution`, {
      details: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
      fixes: ['write a JSON list of amounts ([5, 3, 2]), an object of owner to amount ({"alice": 5, "bob": 3}), or either under "values"'],
    })
  }
  const data = parsed.data
  const values = Array.isArray(data) ? data : 'values' in data && typeof data['values'] === 'object' ? data['values'] : data
  return toDistribution(Array.isArray(values) ? values : Object.values(values as Record<string, number | string>))
}

function fixed(x: number): string {
  return x.toFixed(4)
}

/** The metrics as a plain-text table, one line per distribution. */
export function formatMetricsTable(rows: readonly Row[]): string {
  const header = ['distribution', 'entities', 'holders', 'nakamoto 1/3', 'nakamoto 1/2', 'gini', 'hhi', 'entropy', 'top-1', 'top-5']
  const lines = rows.map(({ name, metrics: m }) => [
    name,
    String(m.entities),
    String(m.holders),
    String(m.nakamotoOneThird),
    String(m.nakamotoOneHalf),
    fixed(m.gini),
    fixed(m.hhi),
    fixed(m.entropy),
    fixed(m.top1Share),
    fixed(m.top5Share),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const render = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n')
}

export function registerMetricsCommand(program: Command, ctx: CliContext): void {
  withChainOptions(program.command('metrics')
    .description('decentralization metrics (Nakamoto coefficients, Gini, HHI, entropy, top shares) of a distribution given with --values or --file, or of a task\'s stake, rewards and validation power read from the chain with --task')
    .addOption(new Option('--values <list>', 'amounts separated by commas, e.g. 5,3,2').argParser(parseValues))
    .option('--file <file>', 'JSON or YAML file: a list of amounts, or an object of owner to amount')
    .addOption(new Option('--task <id>', 'read the task\'s distributions from the chain (--rpc, --deployment)').argParser(parseTaskId))
    .option('--json', 'print the result as JSON'),
  ).action(async (options: MetricsOptions) => {
    const sources = [options.values, options.file, options.task].filter((s) => s !== undefined).length
    if (sources !== 1) {
      throw new DeaiError('CLI_USAGE', 'give exactly one of --values LIST, --file FILE or --task ID', {
        fixes: ['deai metrics --values 5,3,2', 'deai metrics --task 1 --rpc http://127.0.0.1:8545'],
      })
    }
    if (options.task === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- exactly one source was given, and it is not --task: without --values it is --file
      const values = options.values ?? (await readDistributionFile(ctx, options.file!))
      const metrics = decentralization(values)
      printResult(ctx, options.json, { values, metrics }, () => formatMetricsTable([{ name: options.file ?? 'values', metrics }]))
      return
    }
    const protocol = await openProtocol(ctx, options)
    const result = await getTaskDistributions(protocol, options.task)
    const rows = result.distributions.map((d) => ({ ...d, name: `${d.kind}: ${d.of}`, metrics: decentralization(d.entries.map((e) => e.amount)) }))
    printResult(ctx, options.json, { taskId: result.taskId, training: result.training ?? null, distributions: rows }, () =>
      [`task ${result.taskId}${result.training === undefined ? ' (no training yet)' : `, training ${result.training}`}`, formatMetricsTable(rows)].join('\n'))
  })
}
