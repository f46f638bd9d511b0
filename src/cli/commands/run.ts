import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { formatEther } from 'viem'
import { loadScenario } from '../../scenario/load-scenario.js'
import type { RunReport } from '../../scenario/run-report.js'
import { runSummary } from '../../scenario/run-summary.js'
import type { ReportPaths } from '../../scenario/run-summary.js'
import { runScenarioVariants } from '../../scenario/run-variants.js'
import { reportName } from '../../scenario/write-report.js'
import { toJson } from '../../shared/to-json.js'
import type { CliContext } from '../shared/context.js'

type RunOptions = { json?: boolean; quiet?: boolean; out: string; keepContent?: boolean }

function describe(report: RunReport, paths: ReportPaths): string {
  const byBehaviour = new Map<string, { rewards: bigint; slashed: bigint; n: number }>()
  for (const p of report.participants.filter((p) => p.role === 'trainer' || p.role === 'validator')) {
    const key = `${p.role} ${p.behaviour}`
    const entry = byBehaviour.get(key) ?? { rewards: 0n, slashed: 0n, n: 0 }
    entry.rewards += p.rewards
    entry.slashed += p.slashed
    entry.n++
    byBehaviour.set(key, entry)
  }
  const defeated = report.attacks.reduce((n, a) => n + a.defeated, 0)
  const attempted = report.attacks.reduce((n, a) => n + a.attempted, 0)
  return [
    `final test accuracy ${report.final.accuracy.toFixed(4)} after ${report.rounds.length} rounds (from ${report.initialAccuracy.toFixed(4)}); attacks defeated ${defeated} of ${attempted}`,
    ...[...byBehaviour].map(([key, e]) => `  ${key.padEnd(26)} x${String(e.n).padEnd(4)} rewards ${Number(formatEther(e.rewards)).toFixed(2).padStart(10)} DEAI   slashed ${Number(formatEther(e.slashed)).toFixed(2).padStart(8)} DEAI`),
    `report: ${paths.html} (JSON: ${paths.json})`,
  ].join('\n')
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run <scenario>')
    .description('play a scenario (YAML or JSON) on the embedded chain: task proposing, staking, training rounds with its adversaries, settlement; write the report')
    .addOption(new Option('--out <dir>', 'where to write the report').default('reports'))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--keep-content', 'keep every update and model by CID next to the report, so `deai audit` can recompute the models too')
    .addHelpText('after', '\nWrites <out>/<name>.json, <name>.html and <name>.chain.json (for `deai audit`). A scenario with\n`variants` is played once per variant, and <name>.comparison.html compares them.')
    .action(async (file: string, options: RunOptions) => {
      const scenario = await loadScenario(resolve(ctx.cwd, file))
      const { runs, comparison } = await runScenarioVariants(scenario, {
        out: resolve(ctx.cwd, options.out),
        name: reportName(file),
        ...(options.quiet === true ? {} : { progress: (line: string) => ctx.stderr(`${line}\n`) }),
        ...(options.keepContent === true ? { keepContent: true } : {}),
      })
      if (comparison === undefined) {
        const [{ report, paths }] = runs as [(typeof runs)[number]]
        ctx.stdout(options.json === true ? toJson(runSummary(report, paths)) + '\n' : describe(report, paths) + '\n')
        return
      }
      const variants = comparison.variants
      if (options.json === true) {
        ctx.stdout(toJson({ variants: runs.map((r) => ({ name: r.name, ...runSummary(r.report, r.paths) })), comparison: comparison.html }) + '\n')
        return
      }
      ctx.stdout([
        `${'variant'.padEnd(18)}${'aggregation'.padEnd(14)}${'consensus'.padEnd(14)}${'final acc'.padStart(10)}${'defeated'.padStart(10)}${'adv. share'.padStart(12)}`,
        ...variants.map((v) => `${v.variant.padEnd(18)}${`${v.aggregation}${v.aggregateOver === 'all' ? '*' : ''}`.padEnd(14)}${v.consensus.padEnd(14)}${v.finalAccuracy.toFixed(4).padStart(10)}${`${v.attacksCaught}/${v.attacksAttempted}`.padStart(10)}${`${(v.adversaryRewardShare * 100).toFixed(2)}%`.padStart(12)}`),
        variants.some((v) => v.aggregateOver === 'all') ? '(* aggregates every submission, not only those consensus accepted)' : '',
        `comparison: ${comparison.html}`,
        '',
      ].filter((l) => l !== '').join('\n') + '\n')
    })
}
