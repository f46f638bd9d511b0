import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { toJson } from '../shared/to-json.js'
import type { RunReport } from './run-report.js'

/** Writes the report as JSON under `dir`, named after the scenario; returns the path. */
export async function writeReport(report: RunReport, dir: string, scenarioPath: string): Promise<{ json: string }> {
  await mkdir(dir, { recursive: true })
  const name = basename(scenarioPath).replace(/\.(ya?ml|json)$/i, '')
  const json = join(dir, `${name}.json`)
  await writeFile(json, toJson(report) + '\n')
  return { json }
}
