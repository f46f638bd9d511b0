/**
 * Replays a Yuma test-vector file (the format of `yuma-vectors.json`, spec §12) against this
 * implementation and reports, per case, a pass or the first mismatching quantity.
 *
 * Case kinds are recognised by the shape of `inputs`, not by name: weighted-median cases,
 * weighted-median columns, sparse EMA with alpha, a single epoch from explicit state, a batch of
 * such epochs, a sequence of steps (`set_weights`, `state_change`, `epoch`), and a graph scenario
 * described in words. Checked: `expected.asserted*` (the chain tests' assertions, with
 * `asserted_<quantity>_epsilon` tolerances), `derived_exact_by_reimplementation` (bit-exact
 * regression targets) and `asserted_log_substrings` (against the rendered trace). Other keys,
 * such as `bond_targets_NOT_ASSERTED`, are informational and not checked.
 *
 * @packageDocumentation
 */
import { DeaiError, isDeaiError } from '../../../errors/base.js'
import { type YumaEpochResult, yumaEpoch } from './epoch.js'
import { ONE, fromF32, normalize, sum } from './fixed-point.js'
import { type YumaParams, type YumaParamsInit, resolveYumaParams } from './params.js'
import { type SubnetChange, interpretGraph, interpretStateChange } from './prose-steps.js'
import {
  type Checker,
  type QuantityScope,
  type YumaReplayMismatch,
  checkFixedWithin,
  checkQuantity,
  createChecker,
} from './replay-checks.js'
import { type SparseMatrix, type SparseRow, matEmaAlpha } from './sparse-matrix.js'
import {
  type YumaSubnetState,
  yumaRunEpoch,
  yumaReplaceUid,
  yumaResetBonds,
  yumaSetWeights,
  createYumaSubnetState,
} from './subnet-state.js'
import { renderYumaTrace } from './trace.js'
import {
  type VectorParams,
  epochBatchCaseSchema,
  matEmaAlphaCaseSchema,
  parseVectors,
  proseGraphCaseSchema,
  sequenceCaseSchema,
  singleEpochCaseSchema,
  vectorFileSchema,
  weightedMedianCaseSchema,
  weightedMedianColumnsCaseSchema,
} from './vectors-schema.js'
import { maxUpscaleWeights } from './weights-upscale.js'
import { yumaRowFromPairs } from './yuma-row.js'
import { weightedMedian, weightedMedianColumns } from './weighted-median.js'

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

/** Emission per epoch when a case does not give `rao_emission`. */
const DEFAULT_RAO_EMISSION = 1_000_000_000n

/**
 * Replays every case of a parsed test-vector file.
 *
 * @param json - the parsed JSON (an array of cases).
 * @returns per case: pass, the first mismatch, or why it could not be replayed.
 * @throws DeaiError `YUMA_VECTORS_INVALID` naming the bad path when the file is malformed.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * import { formatYumaReplayReport, replayYumaVectors } from 'deai'
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

interface RawCase {
  readonly name: string
  readonly inputs: Record<string, unknown>
  readonly expected: Record<string, unknown>
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
  if ('current_block' in first) return 'epoch-batch'
  return null
}

/** Replays a parsed case into the checker; returns an error message when it cannot. */
type CaseRun = (checker: Checker) => string | null
/** Parses a case (throwing on a malformed one) and returns its replay. */
type Replayer = (raw: RawCase, path: string) => CaseRun

const REPLAYERS: Readonly<Record<YumaCaseKind, Replayer>> = {
  'weighted-median': replayWeightedMedian,
  'weighted-median-columns': replayWeightedMedianColumns,
  'mat-ema-alpha': replayMatEmaAlpha,
  epoch: replaySingleEpoch,
  'epoch-batch': replayEpochBatch,
  sequence: replaySequence,
  graph: replayGraph,
}

function replayWeightedMedian(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(weightedMedianCaseSchema, raw, path)
  return (checker) => {
    if (expected.medians.length !== inputs.cases.length) return 'expected.medians and inputs.cases differ in length'
    const epsilon = typeof raw.expected['epsilon'] === 'number' ? raw.expected['epsilon'] : 0
    const minority = ONE - fromF32(inputs.majority)
    inputs.cases.forEach((c, k) => {
      let stake = c.stake.map(fromF32)
      if (c.stake_normalized_first === true) stake = normalize(stake)
      const got = weightedMedian(stake, c.score.map(fromF32), minority, 0, sum(stake))
      const site = { source: 'asserted', context: `case ${k}`, quantity: 'median' } as const
      checkFixedWithin(checker, site, '', expected.medians[k], got, epsilon)
    })
    return null
  }
}

function replayWeightedMedianColumns(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(weightedMedianColumnsCaseSchema, raw, path)
  return (checker) => {
    if (expected.medians.length !== inputs.cases.length) return 'expected.medians and inputs.cases differ in length'
    const epsilon = typeof raw.expected['epsilon'] === 'number' ? raw.expected['epsilon'] : 0
    inputs.cases.forEach((c, k) => {
      const columns = c.weights_rows[0]?.length ?? 0
      const matrix: SparseMatrix = c.weights_rows.map((row) => denseToSparse(row.map(fromF32)))
      const got = weightedMedianColumns(c.stake.map(fromF32), matrix, columns, fromF32(c.kappa))
      const want = expected.medians[k] ?? []
      const site = { source: 'asserted', context: `case ${k}`, quantity: 'median' } as const
      checker.record(want.length === got.length, {
        ...site,
        index: '(length)',
        expected: String(want.length),
        got: String(got.length),
        epsilon: 0,
      })
      got.forEach((g, j) => checkFixedWithin(checker, site, `[${j}]`, want[j], g, epsilon))
    })
    return null
  }
}

function replayMatEmaAlpha(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(matEmaAlphaCaseSchema, raw, path)
  return (checker) => {
    const shape = /(\d+)\s*rows?\s*[x×]\s*(\d+)\s*col/i.exec(inputs.shape ?? '')
    const rows = inputs.rows ?? (shape === null ? undefined : Number(shape[1]))
    const cols = inputs.cols ?? (shape === null ? undefined : Number(shape[2]))
    if (rows === undefined || cols === undefined) return 'cannot tell the matrix shape (give inputs.rows and inputs.cols)'
    if (expected.results.length !== inputs.cases.length) return 'expected.results and inputs.cases differ in length'
    inputs.cases.forEach((c, k) => {
      const epsilon = Array.isArray(expected.epsilon) ? (expected.epsilon[k] ?? 0) : expected.epsilon
      const toMatrix = (flat: readonly number[]): SparseMatrix =>
        Array.from({ length: rows }, (_, i) => denseToSparse(flat.slice(i * cols, (i + 1) * cols).map(fromF32)))
      const next = toMatrix(c.new)
      // One alpha for every cell (the case's, else the file's), or a full row-major alpha matrix.
      const alphaAll = fromF32(c.alpha ?? inputs.alpha_all ?? 0)
      const alphaGrid = c.alphas?.map(fromF32)
      const alphasOfRow = (i: number): Float64Array => {
        const row = next[i] as SparseRow
        return Float64Array.from({ length: row.cols.length }, (_, t) =>
          alphaGrid === undefined ? alphaAll : (alphaGrid[i * cols + (row.cols[t] as number)] ?? 0),
        )
      }
      const result = matEmaAlpha(next, toMatrix(c.old), alphasOfRow, cols)
      const want = expected.results[k] ?? []
      for (let i = 0; i < rows; i++) {
        const row = result[i] ?? { cols: [], vals: [] }
        const wantCols: number[] = []
        for (let j = 0; j < cols; j++) if (fromF32(want[i * cols + j] ?? 0) !== 0) wantCols.push(j)
        const site = { source: 'asserted', context: `case ${k}`, quantity: 'result' } as const
        const gotCols = Array.from(row.cols)
        checker.record(wantCols.join() === gotCols.join(), {
          ...site,
          index: `[${i}] (entries)`,
          expected: `[${wantCols.join(', ')}]`,
          got: `[${gotCols.join(', ')}]`,
          epsilon: 0,
        })
        gotCols.forEach((j, t) => checkFixedWithin(checker, site, `[${i}][${j}]`, want[i * cols + j], row.vals[t] as number, epsilon))
      }
    })
    return null
  }
}

function replaySingleEpoch(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(singleEpochCaseSchema, raw, path)
  return (checker) => {
    if (inputs.n !== undefined && inputs.n !== inputs.alpha_stake_rao.length) return 'inputs.n differs from the number of stakes'
    const params = toParams(inputs.params)
    const logs = expected.asserted_log_substrings ?? []
    const result = yumaEpoch(
      {
        currentBlock: inputs.current_block,
        stake: inputs.alpha_stake_rao,
        ...(inputs.tao_stake_rao === undefined ? {} : { taoStake: inputs.tao_stake_rao }),
        lastUpdate: inputs.last_update,
        blockAtRegistration: inputs.block_at_registration,
        validatorPermit: inputs.validator_permit_before,
        weights: inputs.weights_stored_u16.map(toPairs),
        ...(inputs.commit_blocks === undefined ? {} : { commitBlocks: inputs.commit_blocks }),
        raoEmission: inputs.params?.rao_emission ?? DEFAULT_RAO_EMISSION,
      },
      params,
      (inputs.bonds_before ?? []).map(toPairs),
      { trace: logs.length > 0 },
    )
    const context = `epoch (block ${inputs.current_block})`
    checkLogs(checker, context, logs, result)
    const derived = expected.derived_exact_by_reimplementation
    return derived === undefined ? null : checkDerived(checker, context, derived, result)
  }
}

function replayEpochBatch(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(epochBatchCaseSchema, raw, path)
  return (checker) => {
    for (let k = 0; k < inputs.cases.length; k++) {
      const c = inputs.cases[k] as (typeof inputs.cases)[number]
      const merged: VectorParams = {
        ...inputs.params,
        ...c.params,
        ...(c.activity_cutoff_blocks === undefined ? {} : { activity_cutoff_blocks: c.activity_cutoff_blocks }),
      }
      const logs = expected.asserted_log_substrings?.[k] ?? []
      const result = yumaEpoch(
        {
          currentBlock: c.current_block,
          stake: c.alpha_stake_rao,
          ...(c.tao_stake_rao === undefined ? {} : { taoStake: c.tao_stake_rao }),
          lastUpdate: c.last_update,
          blockAtRegistration: c.block_at_registration,
          validatorPermit: c.validator_permit_before,
          weights: (c.weights_stored_u16 ?? c.weights ?? []).map(toPairs),
          raoEmission: merged.rao_emission ?? DEFAULT_RAO_EMISSION,
        },
        toParams(merged),
        (c.bonds_before ?? []).map(toPairs),
        { trace: logs.length > 0 },
      )
      const context = `case ${k} (block ${c.current_block})`
      checkLogs(checker, context, logs, result)
      const derived = expected.derived_exact_by_reimplementation?.[k]
      const error = derived === undefined ? null : checkDerived(checker, context, derived, result)
      if (error !== null) return error
    }
    return null
  }
}

/** One epoch run during a sequence. */
interface EpochRun {
  readonly index: number
  readonly block: number
  readonly label: string | null
  readonly result: YumaEpochResult
}

function replaySequence(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(sequenceCaseSchema, raw, path)
  return (checker) => {
    const n = inputs.alpha_stake_rao.length
    if (inputs.n !== undefined && inputs.n !== n) return 'inputs.n differs from the number of stakes'
    const params = toParams(inputs.params)
    const rao = inputs.params?.rao_emission ?? DEFAULT_RAO_EMISSION
    let state = createYumaSubnetState({
      stake: inputs.alpha_stake_rao,
      ...(inputs.tao_stake_rao === undefined ? {} : { taoStake: inputs.tao_stake_rao }),
      blockAtRegistration: inputs.block_at_registration,
      ...(inputs.last_update_initial === undefined ? {} : { lastUpdate: inputs.last_update_initial }),
      ...(inputs.validator_permit_before === undefined ? {} : { validatorPermit: inputs.validator_permit_before }),
      ...(inputs.weights_initial === undefined ? {} : { weights: inputs.weights_initial.map(toPairs) }),
      ...(inputs.bonds_initial === undefined ? {} : { bonds: inputs.bonds_initial.map(toPairs) }),
    })
    const runs: EpochRun[] = []
    for (const [s, step] of inputs.steps.entries()) {
      if (step.action === 'set_weights') {
        const stored = step.values_stored_u16 ?? (step.values_submitted === undefined ? null : maxUpscaleWeights(step.values_submitted))
        if (stored === null || stored.length !== step.uids.length) {
          return `steps[${s}]: set_weights needs values_stored_u16 or values_submitted, one per uid`
        }
        if (step.uid >= n) return `steps[${s}]: uid ${step.uid} is not below n = ${n}`
        state = yumaSetWeights(state, step.uid, { uids: step.uids, values: stored }, step.block)
      } else if (step.action === 'state_change') {
        const change = interpretStateChange(step)
        if ('error' in change) return `steps[${s}]: ${change.error}`
        state = applyChange(state, change, n)
      } else {
        const out = yumaRunEpoch(state, params, step.block, step.rao_emission ?? rao)
        state = out.state
        runs.push({ index: step.epoch_index ?? runs.length, block: step.block, label: step.label ?? null, result: out.result })
      }
    }
    return checkRuns(checker, expected, runs, new Map())
  }
}

function replayGraph(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(proseGraphCaseSchema, raw, path)
  return (checker) => {
    const plan = interpretGraph(inputs, inputs.procedure)
    if ('error' in plan) return plan.error
    const stake = new Array<bigint>(inputs.n).fill(0n)
    for (const group of plan.groups.values()) for (const uid of group.uids) if (uid < inputs.n) stake[uid] = group.stake
    let state = createYumaSubnetState({
      stake,
      ...(inputs.block_at_registration === undefined ? {} : { blockAtRegistration: inputs.block_at_registration }),
    })
    const params = toParams(inputs.params)
    const rao = inputs.params?.rao_emission ?? DEFAULT_RAO_EMISSION
    const runs: EpochRun[] = []
    for (const step of plan.steps) {
      if (step.action === 'set_weights') {
        state = yumaSetWeights(state, step.uid, step.row, step.block)
      } else {
        const out = yumaRunEpoch(state, params, step.block, rao)
        state = out.state
        runs.push({ index: runs.length, block: step.block, label: null, result: out.result })
      }
    }
    const groups = new Map([...plan.groups].map(([name, g]) => [name, g.uids] as const))
    return checkRuns(checker, { asserted: expected.asserted }, runs, groups)
  }
}

function applyChange(state: YumaSubnetState, change: SubnetChange, n: number): YumaSubnetState {
  if (change.kind === 'none') return state
  if (change.uid >= n) throw new DeaiError('YUMA_INPUT_INVALID', `state_change names uid ${change.uid}, not below n = ${n}.`)
  if (change.kind === 'reset-bonds') return yumaResetBonds(state, change.uid)
  if (change.kind === 'set-stake') {
    const stake = state.stake.slice()
    stake[change.uid] = change.stake
    return { ...state, stake }
  }
  return yumaReplaceUid(state, change.uid, change.block, change.stake)
}

/**
 * Checks a sequence's expectations: per epoch, the asserted values keyed to it, then its derived
 * values; then asserted values not keyed to an epoch, against the last epoch.
 */
function checkRuns(
  checker: Checker,
  expected: Record<string, unknown>,
  runs: readonly EpochRun[],
  groups: ReadonlyMap<string, readonly number[]>,
): string | null {
  if (runs.length === 0) return 'the case runs no epoch'
  const last = runs[runs.length - 1] as EpochRun
  const epsilons = new Map<string, number>()
  for (const [key, value] of Object.entries(expected)) {
    const m = /^asserted_(\w+?)_epsilon$/.exec(key)
    if (m !== null && typeof value === 'number') epsilons.set(m[1] as string, value)
    if (key === 'asserted_epsilon' && typeof value === 'number') epsilons.set('*', value)
  }
  const asserted = isRecord(expected['asserted']) ? expected['asserted'] : {}
  const byRun = new Map<EpochRun, Record<string, unknown>[]>()
  const unkeyed: [string, unknown][] = []
  for (const [key, value] of Object.entries(asserted)) {
    const run = isRecord(value) && !groups.has(singular(key)) ? selectRun(key, runs) : null
    if (run === 'none') return `asserted key "${key}" matches no epoch`
    if (run !== null && isRecord(value)) byRun.set(run, [...(byRun.get(run) ?? []), value])
    else unkeyed.push([key, value])
  }
  const derived = expected['derived_exact_by_reimplementation']
  const derivedList = (Array.isArray(derived) ? derived : derived === undefined ? [] : [derived]).filter(isRecord)
  // Derived entries name their epoch by epoch_index; without it they follow the epochs in order.
  const derivedByIndex = derivedList.length > 0 && derivedList.every((d) => typeof d['epoch_index'] === 'number')
  const allUids = (r: EpochRun): number[] => Array.from({ length: r.result.n }, (_, i) => i)
  for (const [position, run] of runs.entries()) {
    const context = runContext(run)
    for (const values of byRun.get(run) ?? []) {
      const error = checkRecord(checker, 'asserted', context, values, run.result, { rows: allUids(run), groups, epsilons })
      if (error !== null) return error
    }
    const matching = derivedByIndex ? derivedList.find((d) => d['epoch_index'] === run.index) : derivedList[position]
    if (matching !== undefined) {
      const error = checkDerived(checker, context, matching, run.result)
      if (error !== null) return error
    }
  }
  for (const [key, value] of unkeyed) {
    const group = groups.get(singular(key))
    const context = runContext(last)
    const error =
      group !== undefined && isRecord(value)
        ? checkRecord(checker, 'asserted', `${context}, ${singular(key)} uids`, value, last.result, { rows: group, groups, epsilons })
        : checkQuantity(checker, { source: 'asserted', context }, key, value, last.result, { rows: allUids(last), groups, epsilons })
    if (error !== null) return error
  }
  return null
}

function checkRecord(
  checker: Checker,
  source: 'asserted' | 'derived',
  context: string,
  values: Record<string, unknown>,
  result: YumaEpochResult,
  scope: QuantityScope,
): string | null {
  for (const [name, value] of Object.entries(values)) {
    if (name === 'epoch_index' || name === 'block' || name === 'label') continue
    const error = checkQuantity(checker, { source, context }, name, value, result, scope)
    if (error !== null) return error
  }
  return null
}

function checkDerived(checker: Checker, context: string, values: Record<string, unknown>, result: YumaEpochResult): string | null {
  const rows = Array.from({ length: result.n }, (_, i) => i)
  return checkRecord(checker, 'derived', context, values, result, { rows, groups: new Map(), epsilons: new Map() })
}

/** Each expected substring must appear in one rendered log line. */
function checkLogs(checker: Checker, context: string, substrings: readonly string[], result: YumaEpochResult): void {
  if (substrings.length === 0) return
  const lines = renderYumaTrace(result.trace ?? [])
  for (const substring of substrings) {
    const found = lines.some((line) => line.includes(substring))
    const label = substring.split(': ')[0] ?? substring
    checker.record(found, {
      source: 'log',
      context,
      quantity: label,
      index: '',
      expected: substring,
      got: lines.find((line) => line.startsWith(`${label}: `)) ?? '(no such log line)',
      epsilon: 0,
    })
  }
}

/**
 * Finds the epoch an asserted key refers to: `epoch_index_N`, a label (`scenario_epoch_2`), and/or
 * `(block B)`. Returns null when the key is not an epoch selector, 'none' when it selects nothing.
 */
function selectRun(key: string, runs: readonly EpochRun[]): EpochRun | 'none' | null {
  if (/^(?:final|last|last_epoch|after_last_epoch)$/i.test(key)) return runs[runs.length - 1] ?? 'none'
  const byIndex = /^epoch_index_(\d+)\b/.exec(key)
  const block = /\(block (\d+)\)/.exec(key)
  const blockNumber = block === null ? null : Number(block[1])
  if (byIndex !== null) {
    const index = Number(byIndex[1])
    return runs.find((r) => r.index === index && (blockNumber === null || r.block === blockNumber)) ?? 'none'
  }
  const label = normalizeLabel(key.replace(/\(block \d+\)/, ''))
  const labelled = runs.filter((r) => r.label !== null && normalizeLabel(r.label) === label)
  const candidates = blockNumber === null ? labelled : labelled.filter((r) => r.block === blockNumber)
  if (candidates.length > 0) return candidates[0] as EpochRun
  if (blockNumber !== null) {
    const atBlock = runs.filter((r) => r.block === blockNumber)
    return atBlock.length === 1 ? (atBlock[0] as EpochRun) : 'none'
  }
  return null
}

function normalizeLabel(text: string): string {
  return text.toLowerCase().replace(/[\s_]+/g, ' ').trim()
}

function runContext(run: EpochRun): string {
  return `epoch ${run.index} (block ${run.block}${run.label === null ? '' : `, "${run.label}"`})`
}

function toParams(p: VectorParams | undefined): YumaParams {
  const init: YumaParamsInit = {}
  if (p === undefined) return resolveYumaParams(init)
  if (p.kappa_u16 !== undefined) init.kappa = p.kappa_u16
  if (p.bonds_penalty_u16 !== undefined) init.bondsPenalty = p.bonds_penalty_u16
  if (p.bonds_moving_average !== undefined) init.bondsMovingAverage = p.bonds_moving_average
  if (p.yuma3_enabled !== undefined) init.yuma3 = p.yuma3_enabled
  if (p.liquid_alpha_enabled !== undefined) init.liquidAlpha = p.liquid_alpha_enabled
  if (p.alpha_low_u16 !== undefined) init.alphaLow = p.alpha_low_u16
  if (p.alpha_high_u16 !== undefined) init.alphaHigh = p.alpha_high_u16
  if (p.alpha_sigmoid_steepness !== undefined) init.alphaSigmoidSteepness = p.alpha_sigmoid_steepness
  if (p.max_allowed_validators !== undefined) init.maxAllowedValidators = p.max_allowed_validators
  if (p.tempo !== undefined) init.tempo = p.tempo
  if (p.activity_cutoff_blocks !== undefined) init.activityCutoff = p.activity_cutoff_blocks
  else if (p.activity_cutoff_factor_milli !== undefined) {
    const tempo = p.tempo ?? resolveYumaParams().tempo
    init.activityCutoff = Math.max(1, Math.floor((p.activity_cutoff_factor_milli * tempo) / 1000))
  }
  if (p.stake_threshold !== undefined) init.stakeThreshold = p.stake_threshold
  if (p.tao_weight !== undefined) init.taoWeight = p.tao_weight
  if (p.subnet_owner_uid !== undefined) init.ownerUid = p.subnet_owner_uid
  if (p.commit_reveal_enabled !== undefined) init.commitReveal = p.commit_reveal_enabled
  if (p.last_mechanism_step_block !== undefined) init.lastMechanismStepBlock = p.last_mechanism_step_block
  return resolveYumaParams(init)
}

const toPairs = yumaRowFromPairs

function denseToSparse(values: readonly number[]): { cols: number[]; vals: number[] } {
  const cols: number[] = []
  const vals: number[] = []
  values.forEach((v, j) => {
    if (v !== 0) {
      cols.push(j)
      vals.push(v)
    }
  })
  return { cols, vals }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function singular(word: string): string {
  const w = word.toLowerCase()
  return w.endsWith('s') ? w.slice(0, -1) : w
}

