import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { createContentStore } from '../../content/create-content-store.js'
import { DeaiError } from '../../errors/base.js'
import { replayChainJournal } from '../../ledger/embedded/create-embedded-ledger.js'
import type { ChainJournal } from '../../ledger/embedded/create-embedded-ledger.js'
import { createRpcLedger } from '../../ledger/rpc/create-rpc-ledger.js'
import { auditRun } from '../../scenario/audit-run.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { readDataFile } from '../shared/read-json-file.js'

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
      const reportPath = resolve(ctx.cwd, file)
      const report = await readDataFile(ctx.cwd, file, 'report')
      const base = reportPath.replace(/\.json$/i, '')
      let ledger
      if (options.rpc !== undefined) {
        ledger = await createRpcLedger({ url: options.rpc })
      } else {
        const chainFile = options.chain === undefined ? `${base}.chain.json` : resolve(ctx.cwd, options.chain)
        if (!existsSync(chainFile)) {
          throw new DeaiError('AUDIT_NO_CHAIN', `no chain journal at ${chainFile}`, { fixes: ['pass --chain FILE (written by `deai run` beside its report) or --rpc URL'] })
        }
        ctx.stderr(`rebuilding the chain from ${chainFile}\n`)
        ledger = await replayChainJournal(JSON.parse(await readFile(chainFile, 'utf8')) as ChainJournal)
      }
      const contentDir = options.content === undefined ? (existsSync(`${base}.content`) ? `${base}.content` : undefined) : resolve(ctx.cwd, options.content)
      const content = contentDir === undefined ? undefined : await createContentStore({ kind: 'fs', path: contentDir })
      try {
        const result = await auditRun({ report, ledger, ...(content === undefined ? {} : { content }) })
        printResult(ctx, options.json, result, () => [
          ...result.checks.map((c) => `${c.ok ? 'ok      ' : 'MISMATCH'}  ${c.check}${c.detail === undefined ? '' : `: ${c.detail}`}`),
          result.ok ? `the report matches the chain${content === undefined ? '' : ' and the content'} (${result.checks.length} checks)` : `the report does NOT match: ${result.checks.filter((c) => !c.ok).length} of ${result.checks.length} checks failed`,
        ].join('\n'))
        if (!result.ok) ctx.setExitCode(1)
      } finally {
        await content?.close()
        await ledger.close()
      }
    })
}
