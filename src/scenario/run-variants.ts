import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ChainJournal } from '../ledger/embedded/create-embedded-ledger.js'
import { toJson } from '../shared/to-json.js'
import { compareVariants } from './comparison.js'
import type { VariantSummary } from './comparison.js'
import { expandVariants } from './load-scenario.js'
import { renderComparisonHtml } from './report-html.js'
import type { RunReport } from './run-report.js'
import { runScenario } from './run-scenario.js'
import type { RunScenarioOptions } from './run-scenario.js'
import type { ReportPaths } from './run-summary.js'
import type { Scenario } from './scenario-schema.js'
import { writeReport } from './write-report.js'

export type RunScenarioVariantsOptions = {
  /** The directory the reports go to. */
  out: string
  /** Base name of the report files: `<name>.json`, or `<name>-<variant>.json` per variant. */
  name: string
  /** Progress lines, each variant announced before its run's own lines. */
  progress?: (line: string) => void
  /** Keep each run's content beside its report (`<name>.content`), so an audit can recompute the models. */
  keepContent?: boolean
  components?: RunScenarioOptions['components']
}

/** One played run: its variant name (the base name when there are no variants), report and files. */
export type VariantRun = { name: string; report: RunReport; paths: ReportPaths }

export type RunScenarioVariantsReturnType = {
  runs: VariantRun[]
  /** Present when the scenario has variants: their side-by-side summary and where it was written. */
  comparison?: { variants: VariantSummary[]; html: string; json: string }
}

/**
 * Plays a scenario, once per variant if it has `variants`, writing each run's report, HTML and
 * chain journal under `out`, and with variants the comparison (`<name>.comparison.html` and
 * `.json`). This is `deai run`.
 *
 * @example
 * ```ts
 * import { loadScenario, runScenarioVariants, runSummary } from 'deai'
 * const { runs, comparison } = await runScenarioVariants(await loadScenario('examples/aggregators.yaml'), { out: 'reports', name: 'aggregators' })
 * console.log(runs.map((r) => runSummary(r.report, r.paths).final), comparison?.html)
 * ```
 */
export async function runScenarioVariants(scenario: Scenario, options: RunScenarioVariantsOptions): Promise<RunScenarioVariantsReturnType> {
  const { out, name: base, progress } = options
  const variants = expandVariants(scenario)
  const runs: VariantRun[] = []
  for (const [i, variant] of variants.entries()) {
    const name = variant.name === undefined ? base : `${base}-${variant.name}`
    if (variant.name !== undefined) progress?.(`variant ${i + 1}/${variants.length}: ${variant.name}`)
    let journal: ChainJournal | undefined
    const report = await runScenario(variant.scenario, {
      ...(progress === undefined ? {} : { progress }),
      ...(options.keepContent === true ? { contentDir: join(out, `${name}.content`) } : {}),
      ...(options.components === undefined ? {} : { components: options.components }),
      recordChain: (j) => void (journal = j),
    })
    runs.push({ name: variant.name ?? name, report, paths: await writeReport(report, out, name, journal) })
  }
  if (runs.length === 1) return { runs }
  const compared = compareVariants(runs.map((r) => ({ name: r.name, report: r.report, path: r.paths.html })))
  const html = join(out, `${base}.comparison.html`)
  const json = join(out, `${base}.comparison.json`)
  await writeFile(html, renderComparisonHtml(`deai run: ${scenario.name ?? base}, ${compared.length} variants`, compared))
  await writeFile(json, toJson(compared) + '\n')
  return { runs, comparison: { variants: compared, html, json } }
}
