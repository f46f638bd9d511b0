/**
 * An optional trace of the epoch's intermediate quantities, rendered as the chain's debug log
 * lines (`Consensus: [0, 1]`, `Weights (mask+norm): [[(3, 1)], []]`, ...) so a run can be compared
 * with subtensor's logs line by line.
 *
 * @packageDocumentation
 */
import { type I32F32 } from './fixed-point.js'
import { formatI32F32, formatI64F64 } from './fixed-format.js'
import type { SparseMatrix } from './sparse-matrix.js'

/** One traced quantity, labelled as the chain's log line labels it. */
export type YumaTraceEntry =
  | { readonly label: string; readonly kind: 'fixed'; readonly values: readonly I32F32[] }
  | { readonly label: string; readonly kind: 'fixed64'; readonly values: readonly bigint[] }
  | { readonly label: string; readonly kind: 'bool'; readonly values: readonly boolean[] }
  | { readonly label: string; readonly kind: 'integer'; readonly values: readonly (number | bigint)[] }
  | { readonly label: string; readonly kind: 'balance'; readonly values: readonly bigint[] }
  | { readonly label: string; readonly kind: 'sparse'; readonly rows: SparseMatrix }
  | { readonly label: string; readonly kind: 'scalar'; readonly value: number | bigint }
  | { readonly label: string; readonly kind: 'dense'; readonly rows: readonly (readonly I32F32[])[] }
  | { readonly label: string; readonly kind: 'text' }

/** Collects trace entries during one epoch. */
export interface EpochTracer {
  readonly entries: YumaTraceEntry[]
  fixed(label: string, values: readonly I32F32[]): void
  fixed64(label: string, values: readonly bigint[]): void
  bools(label: string, values: readonly boolean[]): void
  integers(label: string, values: readonly (number | bigint)[]): void
  balances(label: string, values: readonly bigint[]): void
  sparse(label: string, rows: SparseMatrix): void
  scalar(label: string, value: number | bigint): void
  /** A dense matrix of `I32F32` values. */
  dense(label: string, rows: readonly (readonly I32F32[])[]): void
  /** A line logged as is. */
  text(line: string): void
}

/** A tracer that records every entry. */
export function createEpochTracer(): EpochTracer {
  const entries: YumaTraceEntry[] = []
  return {
    entries,
    fixed: (label, values) => entries.push({ label, kind: 'fixed', values: values.slice() }),
    fixed64: (label, values) => entries.push({ label, kind: 'fixed64', values: values.slice() }),
    bools: (label, values) => entries.push({ label, kind: 'bool', values: values.slice() }),
    integers: (label, values) => entries.push({ label, kind: 'integer', values: values.slice() }),
    balances: (label, values) => entries.push({ label, kind: 'balance', values: values.slice() }),
    sparse: (label, rows) => entries.push({ label, kind: 'sparse', rows }),
    scalar: (label, value) => entries.push({ label, kind: 'scalar', value }),
    dense: (label, rows) => entries.push({ label, kind: 'dense', rows: rows.map((r) => r.slice()) }),
    text: (line) => entries.push({ label: line, kind: 'text' }),
  }
}

/**
 * Renders trace entries as the chain's log lines (`label: {:?}` of the value).
 *
 * @returns one line per entry.
 * @example
 * ```ts
 * renderYumaTrace(result.trace ?? []) // ['Inactive: [false, false]', 'Normalised Stake: [0.5, 0.5]', ...]
 * ```
 */
export function renderYumaTrace(entries: readonly YumaTraceEntry[]): string[] {
  return entries.map((entry) => (entry.kind === 'text' ? entry.label : `${entry.label}: ${renderValue(entry)}`))
}

function renderValue(entry: YumaTraceEntry): string {
  switch (entry.kind) {
    case 'fixed':
      return list(entry.values.map(formatI32F32))
    case 'fixed64':
      return list(entry.values.map(formatI64F64))
    case 'bool':
      return list(entry.values.map(String))
    case 'integer':
      return list(entry.values.map(String))
    case 'balance':
      return list(entry.values.map((v) => `AlphaBalance(${v})`))
    case 'sparse':
      return list(
        entry.rows.map((row) => list(Array.from(row.cols, (j, k) => `(${j}, ${formatI32F32(row.vals[k] as number)})`))),
      )
    case 'scalar':
      return String(entry.value)
    case 'dense':
      return list(entry.rows.map((row) => list(row.map(formatI32F32))))
    case 'text':
      return ''
  }
}

function list(items: readonly string[]): string {
  return `[${items.join(', ')}]`
}
