/**
 * Checks of a sequence's state between epochs (after a labelled step: a registration, a uid
 * replacement) and of relations the chain's tests assert between epochs (`bond_new >= bond_old`).
 *
 * State quantities: `registered_uid` (the uid a `register` step gave, null when refused), `n`,
 * the per-uid vectors `emission`, `stake`, `last_update`, `block_at_registration`,
 * `validator_permit` (whole, or one entry as `emission[3]`), the stored rows `weights_pairs[i]` /
 * `bonds_pairs[i]` (`[[uid, u16], ...]` in stored order) and single cells `weights[i][j]` /
 * `bonds[i][j]` (0 when absent).
 *
 * @packageDocumentation
 */
import { type CheckSite, type Checker, readEpochQuantity } from './replay-checks.js'
import type { YumaEpochResult } from './epoch.js'
import type { YumaSubnetState } from './subnet-state.js'
import type { VectorRelationOperand } from './vectors-schema.js'
import { type YumaSparseRow, yumaRowToPairs } from './yuma-row.js'

/** The state after a labelled step. */
export interface StateSnapshot {
  readonly state: YumaSubnetState
  /** Set by a `register` step: the uid given, or null when the registration was refused. */
  readonly registeredUid?: number | null
}

type Scalar = number | bigint | boolean | null

const STATE_VECTORS: Readonly<Record<string, (s: YumaSubnetState) => readonly Scalar[]>> = {
  emission: (s) => s.emission,
  stake: (s) => s.stake,
  last_update: (s) => s.lastUpdate,
  block_at_registration: (s) => s.blockAtRegistration,
  validator_permit: (s) => s.validatorPermit,
}

const STATE_ROWS: Readonly<Record<string, (s: YumaSubnetState) => readonly YumaSparseRow[]>> = {
  weights: (s) => s.weights,
  bonds: (s) => s.bonds,
}

/**
 * Checks one named quantity of a state snapshot.
 *
 * @returns an error message when the name is not a state quantity.
 */
export function checkStateQuantity(
  checker: Checker,
  base: Omit<CheckSite, 'quantity'>,
  name: string,
  expected: unknown,
  snapshot: StateSnapshot,
): string | null {
  const site: CheckSite = { ...base, quantity: name }
  const match = /^([a-z_]+?)((?:\[\d+\])*)$/i.exec(name)
  if (match === null) return `unsupported state quantity "${name}"`
  const key = match[1] as string
  const indices = [...(match[2] as string).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
  const { state } = snapshot

  if (key === 'registered_uid' && indices.length === 0) {
    if (snapshot.registeredUid === undefined) return `state "${base.context}" is not after a register step`
    compare(checker, site, '', expected, snapshot.registeredUid)
    return null
  }
  if (key === 'n' && indices.length === 0) {
    compare(checker, site, '', expected, state.stake.length)
    return null
  }
  const vector = STATE_VECTORS[key]
  if (vector !== undefined) {
    const values = vector(state)
    if (indices.length === 1) {
      const i = indices[0] as number
      compare(checker, site, `[${i}]`, expected, i < values.length ? (values[i] as Scalar) : undefined)
      return null
    }
    if (indices.length > 1) return `state quantity "${name}" has too many indices`
    if (!Array.isArray(expected)) return `state quantity "${name}" expects an array`
    lengthCheck(checker, site, expected.length, values.length)
    expected.forEach((e, i) => compare(checker, site, `[${i}]`, e, i < values.length ? (values[i] as Scalar) : undefined))
    return null
  }
  const pairsOf = STATE_ROWS[key.replace(/_pairs$/, '')]
  if (pairsOf !== undefined && key.endsWith('_pairs') && indices.length === 1) {
    const i = indices[0] as number
    const got = JSON.stringify(yumaRowToPairs(pairsOf(state)[i] ?? { uids: [], values: [] }))
    checker.record(JSON.stringify(expected) === got, { ...site, index: '', expected: JSON.stringify(expected), got, epsilon: 0 })
    return null
  }
  if (pairsOf !== undefined && indices.length === 2) {
    const [i, j] = indices as [number, number]
    const row = pairsOf(state)[i]
    const k = row === undefined ? -1 : row.uids.lastIndexOf(j)
    compare(checker, site, '', expected, row === undefined || k < 0 ? 0 : (row.values[k] as number))
    return null
  }
  return `unsupported state quantity "${name}"`
}

/** A relation the chain's test asserts, with its operands resolved. */
export interface RelationInput {
  readonly left: VectorRelationOperand
  readonly op: '<' | '<=' | '==' | '!=' | '>=' | '>'
  readonly right: VectorRelationOperand
}

/** Where relation operands are looked up. */
export interface RelationScope {
  /** The epoch an `epoch` selector names (`epoch_index_2`, a label, `(block 6)`), or why not. */
  epoch(selector: string): { readonly result: YumaEpochResult; readonly context: string } | string
  /** The state after the step with this label. */
  state(label: string): StateSnapshot | undefined
}

/**
 * Checks `left op right` for each relation; operands are numbers or quantities of an epoch
 * (see `readEpochQuantity`) or of a labelled state.
 *
 * @returns an error message when an operand cannot be resolved.
 */
export function checkRelations(checker: Checker, relations: readonly RelationInput[], scope: RelationScope): string | null {
  for (const [k, relation] of relations.entries()) {
    const left = resolve(relation.left, scope)
    const right = resolve(relation.right, scope)
    if (typeof left === 'string') return `asserted_relations[${k}].left: ${left}`
    if (typeof right === 'string') return `asserted_relations[${k}].right: ${right}`
    checker.record(holds(left.value, relation.op, right.value), {
      source: 'asserted',
      context: `relation ${k}`,
      quantity: `${left.text} ${relation.op} ${right.text}`,
      index: '',
      expected: `${relation.op} ${String(right.value)}`,
      got: String(left.value),
      epsilon: 0,
    })
  }
  return null
}

function resolve(operand: VectorRelationOperand, scope: RelationScope): { value: bigint; text: string } | string {
  if (typeof operand === 'number' || typeof operand === 'string') {
    if (typeof operand === 'number' && !Number.isInteger(operand)) return `${operand} is not an integer`
    return { value: BigInt(operand), text: String(operand) }
  }
  let value: Scalar | undefined
  let where: string
  // Both operand shapes are loose objects, so `in` cannot tell them apart for the compiler.
  const epoch = operand['epoch']
  const label = operand['state']
  if (typeof epoch === 'string') {
    const run = scope.epoch(epoch)
    if (typeof run === 'string') return run
    value = readEpochQuantity(run.result, operand.quantity)
    where = run.context
  } else if (typeof label === 'string') {
    const snapshot = scope.state(label)
    if (snapshot === undefined) return `"${label}" labels no step, or several`
    value = stateValue(snapshot.state, operand.quantity)
    where = `state "${label}"`
  } else return 'an operand names neither an epoch nor a state'
  if (typeof value !== 'number' && typeof value !== 'bigint') return `${where} has no integer ${operand.quantity}`
  return { value: BigInt(value), text: `${where}: ${operand.quantity}` }
}

function stateValue(state: YumaSubnetState, name: string): Scalar | undefined {
  const match = /^([a-z_]+)\[(\d+)\]$/i.exec(name)
  if (match === null) return undefined
  return STATE_VECTORS[match[1] as string]?.(state)[Number(match[2])]
}

function holds(left: bigint, op: RelationInput['op'], right: bigint): boolean {
  switch (op) {
    case '<':
      return left < right
    case '<=':
      return left <= right
    case '==':
      return left === right
    case '!=':
      return left !== right
    case '>=':
      return left >= right
    case '>':
      return left > right
  }
}

/** Exact equality of integers (numbers, bigints or decimal strings), booleans or null. */
function compare(checker: Checker, site: CheckSite, index: string, expected: unknown, got: Scalar | undefined): void {
  let pass: boolean
  if (got === undefined) pass = false
  else if (got === null || typeof got === 'boolean') pass = expected === got
  else if (typeof expected === 'number' || typeof expected === 'string') {
    pass = /^-?\d+$/.test(String(expected)) && BigInt(expected) === BigInt(got)
  } else pass = false
  checker.record(pass, {
    ...site,
    index,
    expected: JSON.stringify(expected) ?? String(expected),
    got: got === undefined ? '(no such entry)' : String(got),
    epsilon: 0,
  })
}

function lengthCheck(checker: Checker, site: CheckSite, expected: number, got: number): void {
  checker.record(expected === got, { ...site, index: '(length)', expected: String(expected), got: String(got), epsilon: 0 })
}
