/**
 * Replays a Yuma test-vector file (the format of `yuma-vectors.json`, spec §12) against this
 * implementation and reports, per case, a pass or the first mismatching quantity.
 *
 * Case kinds are recognised by the shape of `inputs`, not by name: weighted-median cases,
 * weighted-median columns, sparse EMA with alpha, a single epoch from explicit state, a batch of
 * such epochs, a sequence of steps (`set_weights`, `state_change`, `epoch`), a graph scenario
 * described in words, and the uid a registration into a full subnet replaces
 * (`get_neuron_to_prune`, told by `emission_rao`). Checked: `expected.asserted*` (the chain
 * tests' assertions, with `asserted_<quantity>_epsilon` tolerances; in sequences also
 * `asserted_state` after labelled steps and `asserted_relations` between epochs),
 * `derived_exact_by_reimplementation` and `derived_state` (bit-exact regression targets),
 * `asserted_log_substrings` and `derived_log_substrings` (against the rendered trace). Other
 * keys, such as `bond_targets_NOT_ASSERTED`, are informational and not checked.
 *
 * @packageDocumentation
 */
import { isDeaiError } from '../../../errors/base.js'
import { type CaseRun, type RawCase, type Replayer, type YumaReplayMismatch, createChecker } from './replay-checks.js'
import { replayEpochBatch, replayGraph, replaySequence, replaySingleEpoch } from './replay-epoch-cases.js'
import { replayMatEmaAlpha, replayWeightedMedian, replayWeightedMedianColumns } from './replay-math-cases.js'
import { replayNeuronToPrune } from './replay-registration-cases.js'
import { parseVectors, vectorFileSchema } from './vectors-schema.js'

export type { YumaReplayMismatch } from './replay-checks.js'

/** The kinds of case the replayer understands. */
export type YumaCaseKind =
  | 'weighted-median'
  | 'weighted-median-columns'
  | 'mat-ema-alpha'
  | 'epoch'
  | 'epoch-batch'
  | 'sequence'
  | 'graph'
  | 'neuron-to-prune'

/** The outcome of one case. */
export type YumaReplayCaseResult =
  | { readonly name: string; readonly kind: YumaCaseKind; readonly status: 'pass'; readonly checks: number }
  | {
      readonly name: string
      readonly kind: YumaCaseKind
      readonly status: 'mismatch'
      readonly checks: number
      readonly mismatch: YumaReplayMismatch
    }
  | {
      readonly name: string
      readonly kind: YumaCaseKind | 'unknown'
      readonly status: 'error'
      readonly checks: number
      /** Why the case could not be replayed (an unknown kind, an uninterpretable step, ...). */
      readonly error: string
    }

/** The outcome of a whole file. */
export interface YumaReplayReport {
  readonly cases: readonly YumaReplayCaseResult[]
  readonly total: number
  readonly passed: number
  /** Cases with a mismatch or an error. */
  readonly failed: number
  /** True when every case passed. */
  readonly ok: boolean
}

/**
 * Replays every case of a parsed test-vector file.
 *
 * @param json - the parsed JSON (an array of cases).
 * @returns per case: pass, the first mismatch, or why it could not be replayed.
 * @throws DeaiError `YUMA_VECTORS_INVALID` naming the bad path when the file is malformed.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { formatYumaReplayReport, replayYumaVectors } from 'deai/mechanisms'
 * const report = replayYumaVectors(JSON.parse(readFileSync('yuma-vectors.json', 'utf8')))
 * console.log(formatYumaReplayReport(report))
 * process.exitCode = report.ok ? 0 : 1
 * ```
 */
export function replayYumaVectors(json: unknown): YumaReplayReport {
  const file = parseVectors(vectorFileSchema, json, '')
  // Validate every case before replaying any, so a malformed file fails fast.
  const prepared = file.map((raw, index) => prepareCase(raw, `[${index}]`))
  const cases = prepared.map(replayCase)
  const passed = cases.filter((c) => c.status === 'pass').length
  return { cases, total: cases.length, passed, failed: cases.length - passed, ok: passed === cases.length }
}

/**
 * Renders a report as text: one line per case, then a summary line.
 *
 * @example
 * ```ts
 * formatYumaReplayReport(report)
 * // PASS  yuma1_bonds_ema_sequence [sequence, 1424 checks]
 * // ...
 * // 14 cases: 14 passed, 0 failed
 * ```
 */
export function formatYumaReplayReport(report: YumaReplayReport): string {
  const lines = report.cases.map((c) => {
    if (c.status === 'pass') return `PASS  ${c.name} [${c.kind}, ${c.checks} checks]`
    if (c.status === 'error') return `ERROR ${c.name} [${c.kind}]: ${c.error}`
    const m = c.mismatch
    const tolerance = m.epsilon === 0 ? 'exact' : `epsilon ${m.epsilon}`
    return (
      `FAIL  ${c.name} [${c.kind}]: ${m.context}: ${m.quantity}${m.index} expected ${m.expected}, ` +
      `got ${m.got} (${tolerance}, ${m.source})`
    )
  })
  lines.push(`${report.total} cases: ${report.passed} passed, ${report.failed} failed`)
  return lines.join('\n')
}

/** A case whose inputs have been recognised and validated, ready to replay. */
interface PreparedCase {
  readonly name: string
  readonly kind: YumaCaseKind | null
  readonly run: CaseRun | null
}

function prepareCase(raw: RawCase, path: string): PreparedCase {
  const kind = detectKind(raw.inputs)
  return { name: raw.name, kind, run: kind === null ? null : REPLAYERS[kind](raw, path) }
}

function replayCase(prepared: PreparedCase): YumaReplayCaseResult {
  const { name, kind, run } = prepared
  if (kind === null || run === null) {
    return { name, kind: 'unknown', status: 'error', checks: 0, error: 'unrecognised case kind (no known shape of inputs)' }
  }
  const checker = createChecker()
  let error: string | null
  try {
    error = run(checker)
  } catch (e) {
    if (!isDeaiError(e)) throw e
    error = `${e.code}: ${e.shortMessage}`
  }
  if (error !== null) return { name, kind, status: 'error', checks: checker.count, error }
  const mismatch = checker.mismatch
  if (mismatch !== null) return { name, kind, status: 'mismatch', checks: checker.count, mismatch }
  if (checker.count === 0) return { name, kind, status: 'error', checks: 0, error: 'the case has nothing to check' }
  return { name, kind, status: 'pass', checks: checker.count }
}

function detectKind(inputs: Record<string, unknown>): YumaCaseKind | null {
  if ('procedure' in inputs) return 'graph'
  if ('steps' in inputs) return 'sequence'
  if ('emission_rao' in inputs) return 'neuron-to-prune'
  if ('alpha_all' in inputs) return 'mat-ema-alpha'
  if ('current_block' in inputs) return 'epoch'
  const cases = inputs['cases']
  if (!Array.isArray(cases)) return null
  if ('majority' in inputs) return 'weighted-median'
  const first: unknown = cases[0]
  if (typeof first !== 'object' || first === null) return null
  if ('score' in first) return 'weighted-median'
  if ('weights_rows' in first) return 'weighted-median-columns'
  if ('old' in first && 'new' in first) return 'mat-ema-alpha'
  if ('emission_rao' in first) return 'neuron-to-prune'
  if ('current_block' in first) return 'epoch-batch'
  return null
}

const REPLAYERS: Readonly<Record<YumaCaseKind, Replayer>> = {
  'weighted-median': replayWeightedMedian,
  'weighted-median-columns': replayWeightedMedianColumns,
  'mat-ema-alpha': replayMatEmaAlpha,
  epoch: replaySingleEpoch,
  'epoch-batch': replayEpochBatch,
  sequence: replaySequence,
  graph: replayGraph,
  'neuron-to-prune': replayNeuronToPrune,
}
