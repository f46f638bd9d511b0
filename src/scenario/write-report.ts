import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { toJson } from '../shared/to-json.js'
import { renderReportHtml } from './report-html.js'
import type { RunReport } from './run-report.js'

/**
 * Writes the report under `dir`, named after the scenario: `<name>.json` for machines and
 * `<name>.html` (self-contained, charts included) for people.
 */
export async function writeReport(report: RunReport, dir: string, scenarioPath: string): Promise<{ json: string; html: string }> {
  await mkdir(dir, { recursive: true })
  const name = basename(scenarioPath).replace(/\.(ya?ml|json)$/i, '')
  const json = join(dir, `${name}.json`)
  const html = join(dir, `${name}.html`)
  await writeFile(json, toJson(report) + '\n')
  await writeFile(html, renderReportHtml(report))
  return { json, html }
}
