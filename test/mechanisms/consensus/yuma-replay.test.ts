import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isDeaiError } from '../../../src/errors/base.js'
import {
  type YumaReplayCaseResult,
  formatYumaReplayReport,
  replayYumaVectors,
} from '../../../src/mechanisms/consensus/yuma/replay.js'

const FIXTURE = new URL('../../fixtures/yuma-vectors.json', import.meta.url)

type Path = readonly (string | number)[]

/** A fresh, mutable copy of the vector file. */
function vectors(): unknown[] {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown[]
}

/** The container holding `path`'s last key, walking from the case named `name`. */
function parentOf(file: unknown[], name: string, path: Path): Record<string | number, unknown> {
  let node: unknown = file.find((c) => (c as { name?: unknown }).name === name)
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key]
  if (typeof node !== 'object' || node === null) throw new Error(`no ${path.join('.')} in ${name}`)
  return node as Record<string | number, unknown>
}

/** Sets a value inside the case named `name`. */
function edit(file: unknown[], name: string, path: Path, value: unknown): void {
  parentOf(file, name, path)[path[path.length - 1] as string | number] = value
}

/** Reads a value inside the case named `name`. */
function read(file: unknown[], name: string, path: Path): unknown {
  return parentOf(file, name, path)[path[path.length - 1] as string | number]
}

/** Replays only the case named `name` (the others are not needed and cost time). */
function resultFor(file: unknown[], name: string): YumaReplayCaseResult {
  const report = replayYumaVectors(file.filter((c) => (c as { name?: unknown }).name === name))
  const result = report.cases[0]
  if (result === undefined) throw new Error(`no result ${name}`)
  return result
}

function expectInvalid(file: unknown, path: string): void {
  try {
    replayYumaVectors(file)
  } catch (e) {
    expect(isDeaiError(e, 'YUMA_VECTORS_INVALID')).toBe(true)
    expect((e as Error).message).toContain(`at ${path}:`)
    return
  }
  throw new Error('expected YUMA_VECTORS_INVALID')
}

function stateChangeIndex(file: unknown[]): number {
  const steps = read(file, 'yuma1_zero_weights_fallback', ['inputs', 'steps']) as { action: string }[]
  return steps.findIndex((step) => step.action === 'state_change')
}

describe('replayYumaVectors', () => {
  test('every case of yuma-vectors.json passes', () => {
    const report = replayYumaVectors(vectors())
    const notPassing = report.cases.filter((c) => c.status !== 'pass')
    expect(notPassing).toEqual([])
    expect(report.total).toBe(14)
    expect(report.ok).toBe(true)
    expect(report.cases.map((c) => c.kind)).toEqual([
      'weighted-median',
      'weighted-median-columns',
      'mat-ema-alpha',
      'epoch',
      'epoch',
      'epoch',
      'epoch-batch',
      'sequence',
      'graph',
      'sequence',
      'sequence',
      'sequence',
      'sequence',
      'sequence',
    ])
    for (const c of report.cases) expect(c.checks).toBeGreaterThan(0)
  })

  test('reports the first mismatching derived quantity of a perturbed Yuma 3 sequence', () => {
    const file = vectors()
    const epoch21 = ['expected', 'derived_exact_by_reimplementation', 21]
    edit(file, 'yuma3_bonds_reset', [...epoch21, 'dividends_u16', 1], 6789)
    edit(file, 'yuma3_bonds_reset', [...epoch21, 'emission', 0], 1) // later in the same epoch: not the one reported
    const result = resultFor(file, 'yuma3_bonds_reset')
    expect(result.status).toBe('mismatch')
    if (result.status !== 'mismatch') return
    expect(result.mismatch).toEqual({
      source: 'derived',
      context: 'epoch 21 (block 23, "scenario epoch 20")',
      quantity: 'dividends_u16',
      index: '[1]',
      expected: '6789',
      got: '6788',
      epsilon: 0,
    })
  })

  test('applies the asserted epsilon to Yuma 3 dividends', () => {
    const file = vectors()
    const dividend = ['expected', 'asserted', 'scenario_epoch_21 (block 24)', 'dividends', 0]
    edit(file, 'yuma3_bonds_reset', dividend, 0.8467 + 0.0009) // within 1e-3 of the computed 0.8467
    expect(resultFor(file, 'yuma3_bonds_reset').status).toBe('pass')
    edit(file, 'yuma3_bonds_reset', dividend, 0.84)
    const result = resultFor(file, 'yuma3_bonds_reset')
    expect(result.status).toBe('mismatch')
    if (result.status !== 'mismatch') return
    expect(result.mismatch).toMatchObject({
      source: 'asserted',
      context: 'epoch 22 (block 24, "scenario epoch 21")',
      quantity: 'dividends',
      index: '[0]',
      expected: '0.84',
      epsilon: 0.001,
    })
  })

  test('reports an asserted bond of the original-Yuma sequence', () => {
    const file = vectors()
    edit(file, 'yuma1_bonds_ema_sequence', ['expected', 'asserted', 'epoch_index_3 (block 4)', 'bonds[1][4]'], 28322)
    const result = resultFor(file, 'yuma1_bonds_ema_sequence')
    expect(result.status === 'mismatch' && result.mismatch).toMatchObject({
      quantity: 'bonds[1][4]',
      expected: '28322',
      got: '28321',
      context: 'epoch 3 (block 4)',
    })
  })

  test('reports a group assertion of the prose graph scenario', () => {
    const file = vectors()
    edit(file, 'graph_512_64_validators', ['expected', 'asserted', 'server', 'emission'], 1_116_072)
    const result = resultFor(file, 'graph_512_64_validators')
    expect(result.status === 'mismatch' && result.mismatch).toMatchObject({
      quantity: 'emission',
      index: '[64]',
      expected: '1116072',
      got: '1116071',
    })
  })

  test('reports a missing log line with the line that was logged instead', () => {
    const file = vectors()
    edit(file, 'epoch_logs_two_distinct_servers', ['expected', 'asserted_log_substrings', 3], 'Validator Trust: [1, 0, 1, 1, 0]')
    const result = resultFor(file, 'epoch_logs_two_distinct_servers')
    expect(result.status === 'mismatch' && result.mismatch).toMatchObject({
      source: 'log',
      quantity: 'Validator Trust',
      got: 'Validator Trust: [1, 0, 1, 0, 0]',
    })
  })

  test('reports math-case mismatches exactly and within their epsilon', () => {
    const file = vectors()
    edit(file, 'math_weighted_median_cases', ['expected', 'medians', 4], 0.5)
    const median = resultFor(file, 'math_weighted_median_cases')
    expect(median.status === 'mismatch' && median.mismatch).toMatchObject({ context: 'case 4', quantity: 'median', epsilon: 0 })

    edit(file, 'math_mat_ema_alpha_sparse', ['expected', 'results', 3, 4], 0.25) // case 3 allows 1e-1
    expect(resultFor(file, 'math_mat_ema_alpha_sparse').status).toBe('pass')
    edit(file, 'math_mat_ema_alpha_sparse', ['expected', 'results', 0, 0], 0.1905) // case 0 allows 1e-4
    const result = resultFor(file, 'math_mat_ema_alpha_sparse')
    expect(result.status === 'mismatch' && result.mismatch).toMatchObject({ context: 'case 0', index: '[0][0]', epsilon: 0.0001 })
  })

  test('a case that cannot be interpreted is an error, not a pass', () => {
    const file = vectors()
    edit(file, 'yuma1_zero_weights_fallback', ['inputs', 'steps', stateChangeIndex(file), 'description'], 'something odd')
    const result = resultFor(file, 'yuma1_zero_weights_fallback')
    expect(result.status).toBe('error')

    const unknown = vectors()
    unknown[0] = { name: 'mystery', inputs: { foo: 1 }, expected: {} }
    expect(resultFor(unknown, 'mystery')).toMatchObject({ status: 'error', kind: 'unknown' })
  })

  test('structured state changes are accepted alongside descriptions', () => {
    const file = vectors()
    const change = { action: 'state_change', kind: 'replace_uid', uid: 1, block: 2 }
    edit(file, 'yuma1_zero_weights_fallback', ['inputs', 'steps', stateChangeIndex(file)], change)
    expect(resultFor(file, 'yuma1_zero_weights_fallback').status).toBe('pass')
  })

  test('a malformed file is a YUMA_VECTORS_INVALID error naming the bad path', () => {
    expectInvalid({ cases: [] }, '(root)')
    expectInvalid([{ inputs: {}, expected: {} }], '[0].name')

    const badBlock = vectors()
    edit(badBlock, 'yuma1_bonds_ema_sequence', ['inputs', 'steps', 3, 'block'], 'two')
    expectInvalid(badBlock, '[9].inputs.steps[3].block')

    const badStake = vectors()
    edit(badStake, 'epoch_logs_two_distinct_servers', ['inputs', 'alpha_stake_rao', 1], -5)
    expectInvalid(badStake, '[4].inputs.alpha_stake_rao[1]')

    const badAction = vectors()
    edit(badAction, 'yuma3_kappa_moves_first', ['inputs', 'steps', 0, 'action'], 'dance')
    expectInvalid(badAction, '[11].inputs.steps[0].action')
  })
})

describe('formatYumaReplayReport', () => {
  test('renders one line per case and a summary', () => {
    const file = vectors()
    edit(file, 'yuma1_bonds_ema_sequence', ['expected', 'asserted', 'epoch_index_3 (block 4)', 'bonds[1][4]'], 28322)
    const text = formatYumaReplayReport(replayYumaVectors(file))
    const lines = text.split('\n')
    expect(lines).toHaveLength(15)
    expect(lines[0]).toMatch(/^PASS {2}math_weighted_median_cases \[weighted-median, \d+ checks\]$/)
    expect(lines).toContain(
      'FAIL  yuma1_bonds_ema_sequence [sequence]: epoch 3 (block 4): bonds[1][4] expected 28322, got 28321 (exact, asserted)',
    )
    expect(lines[14]).toBe('14 cases: 13 passed, 1 failed')
  })
})
