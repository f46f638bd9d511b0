import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { toJson } from '../shared/to-json.js'
import { renderReportHtml } from './report-html.js'
import type { RunReport } from './run-report.js'
import type { ChainJournal } from '../ledger/embedded/create-embedded-ledger.js'

/**
 * Writes the report under `dir`, named after the scenario: `<name>.json` for machines and
 * `<name>.html` (self-contained, charts included) for people, and with a journal
 * `<name>.chain.json`, from which `deai audit` rebuilds the chain.
 */
export async function writeReport(report: RunReport, dir: string, scenarioPath: string, journal?: ChainJournal): Promise<{ json: string; html: string; chain?: string }> {
  await mkdir(dir, { recursive: true })
  const name = reportName(scenarioPath)
  const json = join(dir, `${name}.json`)
  const html = join(dir, `${name}.html`)
  await writeFile(json, toJson(report) + '\n')
  await writeFile(html, renderReportHtml(report))
  if (journal === undefined) return { json, html }
  const chain = join(dir, `${name}.chain.json`)
  await writeFile(chain, JSON.stringify(journal) + '\n')
  return { json, html, chain }
}

/** The report's base name: the scenario file's name without its extension. */
export function reportName(scenarioPath: string): string {
  return basename(scenarioPath).replace(/\.(ya?ml|json)$/i, '')
}
