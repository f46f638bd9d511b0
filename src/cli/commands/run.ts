import { join, resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { formatEther } from 'viem'
import { loadScenario } from '../../scenario/load-scenario.js'
import { runScenario } from '../../scenario/run-scenario.js'
import { reportName, writeReport } from '../../scenario/write-report.js'
import type { ChainJournal } from '../../ledger/embedded/create-embedded-ledger.js'
import type { CliContext } from '../shared/context.js'
import { toJson } from '../../shared/to-json.js'

type RunOptions = { json?: boolean; quiet?: boolean; out: string; keepContent?: boolean }

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run <scenario>')
    .description('play a scenario (YAML or JSON) on the embedded chain: task proposing, staking, training rounds with its adversaries, settlement; write the report')
    .addOption(new Option('--out <dir>', 'where to write the report').default('reports'))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--keep-content', 'keep every update and model by CID next to the report, so `deai audit` can recompute the models too')
    .action(async (file: string, options: RunOptions) => {
      const scenario = await loadScenario(resolve(ctx.cwd, file))
      const out = resolve(ctx.cwd, options.out)
      const name = reportName(file)
      let journal: ChainJournal | undefined
      const report = await runScenario(scenario, {
        ...(options.quiet === true ? {} : { progress: (line: string) => ctx.stderr(`${line}\n`) }),
        ...(options.keepContent === true ? { contentDir: join(out, `${name}.content`) } : {}),
        recordChain: (j) => void (journal = j),
      })
      const paths = await writeReport(report, out, file, journal)
      const summary = {
        rounds: report.rounds.map((r) => ({ round: r.round, accuracy: r.accuracy, accepted: r.accepted, rejected: r.rejected })),
        final: report.final,
        participants: report.participants.map(({ id, role, behaviour, rewards, slashed }) => ({ id, role, behaviour, rewards, slashed })),
        gas: report.gas,
        report: paths.html,
        json: paths.json,
      }
      if (options.json === true) {
        ctx.stdout(toJson(summary) + '\n')
        return
      }
      const byBehaviour = new Map<string, { rewards: bigint; slashed: bigint; n: number }>()
      for (const p of report.participants.filter((p) => p.role === 'trainer' || p.role === 'validator')) {
        const key = `${p.role} ${p.behaviour}`
        const entry = byBehaviour.get(key) ?? { rewards: 0n, slashed: 0n, n: 0 }
        entry.rewards += p.rewards
        entry.slashed += p.slashed
        entry.n++
        byBehaviour.set(key, entry)
      }
      ctx.stdout([
        `final test accuracy ${report.final.accuracy.toFixed(4)} after ${report.rounds.length} rounds (from ${report.initialAccuracy.toFixed(4)})`,
        ...[...byBehaviour].map(([key, e]) => `  ${key.padEnd(26)} x${String(e.n).padEnd(4)} rewards ${Number(formatEther(e.rewards)).toFixed(2).padStart(10)} DEAI   slashed ${Number(formatEther(e.slashed)).toFixed(2).padStart(8)} DEAI`),
        `report: ${paths.html} (JSON: ${paths.json})`,
        '',
      ].join('\n'))
    })
}
