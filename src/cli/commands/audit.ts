import { Option } from 'commander'
import type { Command } from 'commander'
import { auditReport } from '../../scenario/audit-report.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'

type AuditOptions = { chain?: string; rpc?: string; content?: string; json?: boolean }

export function registerAuditCommand(program: Command, ctx: CliContext): void {
  program
    .command('audit <report>')
    .description('recompute a run report\'s figures from the chain alone (and the content by CID) and say whether they match')
    .addOption(new Option('--chain <file>', 'the run\'s chain journal (default: <report>.chain.json beside the report)'))
    .addOption(new Option('--rpc <url>', 'audit against a live chain instead of a journal').conflicts('chain'))
    .addOption(new Option('--content <dir>', 'the run\'s content store (default: <report>.content if present, from `deai run --keep-content`); recomputes every model and its accuracy'))
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', '\nExits 0 when every figure matches, 1 when any does not.')
    .action(async (file: string, options: AuditOptions) => {
      const { chain, content, ...result } = await auditReport(file, { ...options, cwd: ctx.cwd, progress: (line) => ctx.stderr(`${line}\n`) })
      printResult(ctx, options.json, result, () => [
        ...result.checks.map((c) => `${c.ok ? 'ok      ' : 'MISMATCH'}  ${c.check}${c.detail === undefined ? '' : `: ${c.detail}`}`),
        result.ok ? `the report matches the chain${content === undefined ? '' : ' and the content'} (${result.checks.length} checks)` : `the report does NOT match: ${result.checks.filter((c) => !c.ok).length} of ${result.checks.length} checks failed`,
      ].join('\n'))
      if (!result.ok) ctx.setExitCode(1)
    })
}
