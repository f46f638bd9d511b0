import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createContentStore } from '../content/create-content-store.js'
import { DeaiError } from '../errors/base.js'
import { readChainJournal } from '../ledger/embedded/chain-journal.js'
import { replayChainJournal } from '../ledger/embedded/create-embedded-ledger.js'
import type { Ledger } from '../ledger/ledger.js'
import { createRpcLedger } from '../ledger/rpc/create-rpc-ledger.js'
import { readDataFile } from '../shared/read-data-file.js'
import { auditRun } from './audit-run.js'
import type { AuditResult } from './audit-run.js'

export type AuditReportOptions = {
  /** The run's chain journal. @default `<report>.chain.json` beside the report */
  chain?: string
  /** Audit against a live chain over JSON-RPC instead of a journal (the journal is then not read). */
  rpc?: string
  /** The run's content store directory. @default `<report>.content` if it exists */
  content?: string
  /** Relative paths are resolved against it. @default process.cwd() */
  cwd?: string
  /** Progress lines (rebuilding the chain can take a while). */
  progress?: (line: string) => void
}

/** The audit's checks, and what it read them against. */
export type AuditReportReturnType = AuditResult & { chain: string; content?: string }

/**
 * Audits a report file as `deai audit` does: rebuilds the run's chain from its journal (or
 * reads a live chain), opens its content if kept, recomputes every figure with `auditRun` and
 * closes what it opened.
 *
 * @throws DeaiError `AUDIT_NO_CHAIN` when there is neither a journal nor an RPC URL.
 * @example
 * ```ts
 * import { auditReport } from 'deai'
 * const { ok, checks } = await auditReport('reports/quickstart.json')
 * ```
 */
export async function auditReport(reportPath: string, options: AuditReportOptions = {}): Promise<AuditReportReturnType> {
  const cwd = options.cwd ?? process.cwd()
  const report = await readDataFile(cwd, reportPath, 'report')
  const base = resolve(cwd, reportPath).replace(/\.json$/i, '')
  let ledger: Ledger
  let chain: string
  if (options.rpc !== undefined) {
    ledger = await createRpcLedger({ url: options.rpc })
    chain = options.rpc
  } else {
    chain = options.chain === undefined ? `${base}.chain.json` : resolve(cwd, options.chain)
    if (!existsSync(chain)) {
      throw new DeaiError('AUDIT_NO_CHAIN', `no chain journal at ${chain}`, { fixes: ['pass --chain FILE (written by `deai run` beside its report) or --rpc URL'] })
    }
    options.progress?.(`rebuilding the chain from ${chain}`)
    ledger = await replayChainJournal(await readChainJournal(chain))
  }
  try {
    const contentDir = options.content === undefined ? (existsSync(`${base}.content`) ? `${base}.content` : undefined) : resolve(cwd, options.content)
    if (contentDir === undefined) return { ...(await auditRun({ report, ledger })), chain }
    const content = await createContentStore({ kind: 'fs', path: contentDir })
    try {
      return { ...(await auditRun({ report, ledger, content })), chain, content: contentDir }
    } finally {
      await content.close()
    }
  } finally {
    await ledger.close()
  }
}
