/**
 * Comparisons for the test-vector replayer: one check per expected number, the first failure
 * kept, and the mapping from the vectors' quantity names (`dividends_u16`, `bonds[0][4]`,
 * `emission_per_uid`, `stake_fixed`, ...) to an epoch's outputs.
 *
 * @packageDocumentation
 */
import { type I32F32, fromF32, fromF64, propToU16, toReal, u16ToProp } from './fixed-point.js'
import { maxUpscaleToU16 } from './weights-upscale.js'
import type { YumaEpochResult } from './epoch.js'

/** One case of a vector file, as the envelope schema reads it. */
export interface RawCase {
  readonly name: string
  readonly inputs: Record<string, unknown>
  readonly expected: Record<string, unknown>
}

/** Replays a parsed case into the checker; returns an error message when it cannot. */
export type CaseRun = (checker: Checker) => string | null

/** Parses a case (throwing `YUMA_VECTORS_INVALID` on a malformed one) and returns its replay. */
export type Replayer = (raw: RawCase, path: string) => CaseRun

/** Tolerance for decimals rendered with 10 fractional digits (`*_fixed` quantities). */
export const DECIMAL_RENDERING_EPSILON = 1e-10

/** Where an expectation comes from. */
export type YumaCheckSource = 'asserted' | 'derived' | 'log'

/** The first expectation a case failed. */
export interface YumaReplayMismatch {
  /** Which expectation set: chain-asserted, re-implementation-derived, or a log line. */
  readonly source: YumaCheckSource
  /** Where in the case, e.g. `epoch 3 (block 5, "scenario epoch 2")` or `case 4`. */
  readonly context: string
  /** The quantity, as the vectors name it. */
  readonly quantity: string
  /** Position within the quantity, e.g. `[2]` or `[1][4]`; empty for scalars. */
  readonly index: string
  readonly expected: string
  readonly got: string
  /** The tolerance used (0 for an exact comparison). */
  readonly epsilon: number
}

/** Counts checks and keeps the first failure. */
export interface Checker {
  readonly count: number
  readonly mismatch: YumaReplayMismatch | null
  /** Records one comparison. */
  record(pass: boolean, mismatch: YumaReplayMismatch): void
}

/** A new checker. */
export function createChecker(): Checker {
  let count = 0
  let first: YumaReplayMismatch | null = null
  return {
    get count() {
      return count
    },
    get mismatch() {
      return first
    },
    record(pass, mismatch) {
      count += 1
      if (!pass && first === null) first = mismatch
    },
  }
}

/** Where a check sits, for its report. */
export interface CheckSite {
  readonly source: YumaCheckSource
  readonly context: string
  readonly quantity: string
}

/** Exact equality of integers, bigints or booleans. */
export function checkExact(checker: Checker, site: CheckSite, index: string, expected: unknown, got: number | bigint | boolean): void {
  let pass: boolean
  if (typeof got === 'boolean') pass = expected === got
  else if (typeof expected === 'number' || typeof expected === 'string') {
    pass = isIntegerText(expected) && BigInt(expected) === BigInt(got)
  } else pass = false
  checker.record(pass, { ...site, index, expected: show(expected), got: String(got), epsilon: 0 })
}

/** `|got − fromF32(expected)| ≤ epsilon` in `I32F32` bits, as the chain's tests compare. */
export function checkFixedWithin(
  checker: Checker,
  site: CheckSite,
  index: string,
  expected: unknown,
  got: I32F32,
  epsilon: number,
): void {
  const pass = typeof expected === 'number' && Math.abs(got - fromF32(expected)) <= fromF64(epsilon)
  checker.record(pass, { ...site, index, expected: show(expected), got: String(toReal(got)), epsilon })
}

/** A decimal rendering of a fixed value, compared within {@link DECIMAL_RENDERING_EPSILON}. */
export function checkDecimal(checker: Checker, site: CheckSite, index: string, expected: unknown, got: I32F32): void {
  const pass = typeof expected === 'number' && Math.abs(toReal(got) - expected) <= DECIMAL_RENDERING_EPSILON
  checker.record(pass, {
    ...site,
    index,
    expected: show(expected),
    got: toReal(got).toFixed(10),
    epsilon: DECIMAL_RENDERING_EPSILON,
  })
}

function isIntegerText(value: number | string): boolean {
  return typeof value === 'number' ? Number.isInteger(value) : /^-?\d+$/.test(value)
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
}

type VectorKind = 'u16' | 'rao' | 'bool' | 'decimal'

/** Per-uid quantities of an epoch, by the names the vectors use. */
const VECTOR_QUANTITIES: Readonly<Record<string, { kind: VectorKind; get: (r: YumaEpochResult) => readonly (number | bigint | boolean)[] }>> = {
  consensus_u16: { kind: 'u16', get: (r) => r.stored.consensus },
  incentive_u16: { kind: 'u16', get: (r) => r.stored.incentive },
  dividends_u16: { kind: 'u16', get: (r) => r.stored.dividends },
  validator_trust_u16: { kind: 'u16', get: (r) => r.stored.validatorTrust },
  stake_weight_u16: { kind: 'u16', get: (r) => r.stored.stakeWeight },
  emission: { kind: 'rao', get: (r) => r.stored.emission },
  combined_emission: { kind: 'rao', get: (r) => r.stored.emission },
  server_emission: { kind: 'rao', get: (r) => r.serverEmission },
  validator_emission: { kind: 'rao', get: (r) => r.validatorEmission },
  new_validator_permit: { kind: 'bool', get: (r) => r.stored.validatorPermit },
  validator_permit: { kind: 'bool', get: (r) => r.stored.validatorPermit },
  active: { kind: 'bool', get: (r) => r.stored.active },
  stake_fixed: { kind: 'decimal', get: (r) => r.stake },
  active_stake_fixed: { kind: 'decimal', get: (r) => r.activeStake },
  consensus_fixed: { kind: 'decimal', get: (r) => r.consensus },
  incentive_fixed: { kind: 'decimal', get: (r) => r.incentive },
  dividends_fixed: { kind: 'decimal', get: (r) => r.dividends },
  validator_trust_fixed: { kind: 'decimal', get: (r) => r.validatorTrust },
  trust_fixed: { kind: 'decimal', get: (r) => r.trust },
  rank_fixed: { kind: 'decimal', get: (r) => r.rank },
  trust_u16: { kind: 'u16', get: (r) => r.trust.map(propToU16) },
  rank_u16: { kind: 'u16', get: (r) => r.rank.map(propToU16) },
  pruning_score: { kind: 'u16', get: (r) => maxUpscaleToU16(r.normalizedCombinedEmission.map(BigInt)) },
  pruning_score_u16: { kind: 'u16', get: (r) => maxUpscaleToU16(r.normalizedCombinedEmission.map(BigInt)) },
}

/** u16 proportions that may be asserted as fractions (`dividends: 0.8` means u16/65535 ≈ 0.8). */
const PROPORTIONS: Readonly<Record<string, string>> = {
  trust: 'trust_u16',
  rank: 'rank_u16',
  consensus: 'consensus_u16',
  incentive: 'incentive_u16',
  dividends: 'dividends_u16',
  validator_trust: 'validator_trust_u16',
  stake_weight: 'stake_weight_u16',
}

const BOND_MATRIX_NAMES = new Set(['bonds', 'bonds_u16', 'bonds_u16_dense_after', 'bonds_after'])

/** What a quantity name refers to within one epoch. */
export interface QuantityScope {
  /** The uids an expectation's values run over (all uids unless a group is named). */
  readonly rows: readonly number[]
  /** Named uid groups, for `bond_on_<group>` quantities. */
  readonly groups: ReadonlyMap<string, readonly number[]>
  /** Tolerances by quantity name (`asserted_<name>_epsilon`; `*` for `asserted_epsilon`). */
  readonly epsilons: ReadonlyMap<string, number>
}

/**
 * Checks one named expectation against an epoch's result.
 *
 * @param name - the vectors' key, possibly indexed (`bonds[0][4]`) or `_per_uid`.
 * @returns an error message when the name is not a known quantity.
 */
export function checkQuantity(
  checker: Checker,
  base: Omit<CheckSite, 'quantity'>,
  name: string,
  expected: unknown,
  result: YumaEpochResult,
  scope: QuantityScope,
): string | null {
  const site: CheckSite = { ...base, quantity: name }
  if (Array.isArray(expected) && !/\[\d+\]$/.test(name) && expected.length !== scope.rows.length) {
    checker.record(false, {
      ...site,
      index: '(length)',
      expected: String(expected.length),
      got: String(scope.rows.length),
      epsilon: 0,
    })
    return null
  }
  const match = /^([a-z0-9_]+?)((?:\[\d+\])*)$/i.exec(name)
  if (match === null) return `unsupported quantity "${name}"`
  let key = match[1] as string
  const indices = [...(match[2] as string).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
  if (key.endsWith('_per_uid')) key = key.slice(0, -'_per_uid'.length)

  if (BOND_MATRIX_NAMES.has(key)) {
    const bonds = denseBonds(result)
    if (indices.length === 2) {
      const [i, j] = indices as [number, number]
      checkExact(checker, site, '', expected, bonds[i]?.[j] ?? 0)
      return null
    }
    if (indices.length === 1) {
      const i = indices[0] as number
      checkRow(checker, site, `[${i}]`, expected, bonds[i] ?? [], allUids(result.n))
      return null
    }
    for (const i of scope.rows) checkRow(checker, site, `[${i}]`, pick(expected, i, scope.rows), bonds[i] ?? [], allUids(result.n))
    return null
  }

  const bondOn = /^bonds?_on_([a-z]+?)s?(?:_u16)?$/i.exec(key)
  if (bondOn !== null) {
    const columns = scope.groups.get((bondOn[1] as string).toLowerCase())
    if (columns === undefined) return `quantity "${name}" names an unknown uid group`
    const bonds = denseBonds(result)
    for (const i of scope.rows) checkRow(checker, site, `[${i}]`, pick(expected, i, scope.rows), bonds[i] ?? [], columns)
    return null
  }

  const proportionOf = PROPORTIONS[key]
  const vector = VECTOR_QUANTITIES[key] ?? (proportionOf === undefined ? undefined : VECTOR_QUANTITIES[proportionOf])
  if (vector === undefined) return `unsupported quantity "${name}"`
  const values = vector.get(result)
  const uids = indices.length === 1 ? [indices[0] as number] : scope.rows
  for (const uid of uids) {
    const exp = indices.length === 1 ? expected : pick(expected, uid, scope.rows)
    const got = values[uid]
    const index = `[${uid}]`
    if (got === undefined) {
      checker.record(false, { ...site, index, expected: show(exp), got: '(no such uid)', epsilon: 0 })
    } else if (proportionOf !== undefined) {
      checkFixedWithin(checker, site, index, exp, u16ToProp(Number(got)), scope.epsilons.get(key) ?? scope.epsilons.get('*') ?? 0)
    } else if (vector.kind === 'decimal') {
      checkDecimal(checker, site, index, exp, Number(got))
    } else {
      checkExact(checker, site, index, exp, got)
    }
  }
  return null
}

/**
 * One number of an epoch by the vectors' name of it: `<quantity>[uid]` of a per-uid quantity
 * (`emission[3]`, `dividends_u16[0]`), or a stored bond `bonds[i][j]` (0 when absent). Used by
 * relations between epochs.
 *
 * @returns the value, or null when the name does not denote one number.
 */
export function readEpochQuantity(result: YumaEpochResult, name: string): number | bigint | boolean | null {
  const match = /^([a-z0-9_]+?)((?:\[\d+\])+)$/i.exec(name)
  if (match === null) return null
  const key = match[1] as string
  const indices = [...(match[2] as string).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
  if (BOND_MATRIX_NAMES.has(key)) {
    if (indices.length !== 2) return null
    const [i, j] = indices as [number, number]
    return i < result.n ? (denseBonds(result)[i]?.[j] ?? 0) : null
  }
  const vector = VECTOR_QUANTITIES[key] ?? VECTOR_QUANTITIES[PROPORTIONS[key] ?? '']
  if (vector === undefined || indices.length !== 1) return null
  return vector.get(result)[indices[0] as number] ?? null
}

/** Compares one bond row (or a scalar for every cell) over the given columns. */
function checkRow(
  checker: Checker,
  site: CheckSite,
  rowIndex: string,
  expected: unknown,
  row: readonly number[],
  columns: readonly number[],
): void {
  for (const j of columns) {
    const exp: unknown = Array.isArray(expected) ? expected[j] : expected
    checkExact(checker, site, `${rowIndex}[${j}]`, exp, row[j] ?? 0)
  }
}

/** A scalar applies to every uid; an array is read in the order of `rows`. */
function pick(expected: unknown, uid: number, rows: readonly number[]): unknown {
  if (!Array.isArray(expected)) return expected
  const position = rows.length === expected.length ? rows.indexOf(uid) : uid
  return expected[position]
}

function allUids(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

/** The stored bonds as a dense n × n matrix of u16. */
export function denseBonds(result: YumaEpochResult): number[][] {
  return result.stored.bonds.map((row) => {
    const dense = new Array<number>(result.n).fill(0)
    row.uids.forEach((j, k) => {
      if (j < result.n) dense[j] = row.values[k] as number
    })
    return dense
  })
}
