import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { isDeaiError } from '../../../src/errors/base.js'
import {
  type YumaReplayCaseResult,
  formatYumaReplayReport,
  replayYumaVectors,
} from '../../../src/mechanisms/consensus/yuma/replay.js'

const FIXTURE = new URL('../../fixtures/yuma-registration-vectors.json', import.meta.url)

type Json = Record<string | number, unknown>

/** A fresh, mutable copy of the registration vectors. */
function vectors(): Json[] {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json[]
}

/** The case named `name` in `file`. */
function caseOf(file: Json[], name: string): Json {
  const found = file.find((c) => c['name'] === name)
  if (found === undefined) throw new Error(`no case ${name}`)
  return found
}

/** The object at `path` inside the case named `name`. */
function at(file: Json[], name: string, path: readonly (string | number)[]): Json {
  let node: unknown = caseOf(file, name)
  for (const key of path) node = (node as Json)[key]
  if (typeof node !== 'object' || node === null) throw new Error(`no ${path.join('.')} in ${name}`)
  return node as Json
}

function resultFor(file: Json[], name: string): YumaReplayCaseResult {
  const result = replayYumaVectors([caseOf(file, name)]).cases[0]
  if (result === undefined) throw new Error(`no result ${name}`)
  return result
}

describe('registration vectors', () => {
  test('every case passes, each checking something', () => {
    const report = replayYumaVectors(vectors())
    expect(report.cases.filter((c) => c.status !== 'pass')).toEqual([])
    expect(report.total).toBe(21)
    const kinds = new Map<string, number>()
    for (const c of report.cases) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1)
    expect(Object.fromEntries(kinds)).toEqual({ 'neuron-to-prune': 9, sequence: 9, epoch: 3 })
    for (const c of report.cases) expect(c.checks).toBeGreaterThan(0)
  })

  test('every case names the subtensor test (or source) it comes from', () => {
    for (const c of vectors()) {
      expect(c['source_file']).toMatch(/^pallets\/subtensor\/src\//)
      expect(typeof c['source_test']).toBe('string')
      expect(c['commit']).toBe('14bc6f9f964b9cc362e9635dd110a487fa5d15a0')
    }
  })

  test('a wrong uid to prune is a mismatch naming the case within the batch', () => {
    const file = vectors()
    at(file, 'prune_owner_hotkey_map_decides_immortality', ['expected', 'asserted'])['neuron_to_prune'] = [1, 2]
    expect(resultFor(file, 'prune_owner_hotkey_map_decides_immortality')).toMatchObject({
      status: 'mismatch',
      mismatch: { source: 'asserted', context: 'case 1', quantity: 'neuron_to_prune', expected: '2', got: '0', epsilon: 0 },
    })
    at(file, 'prune_all_owner_immortal_returns_none', ['expected', 'asserted'])['neuron_to_prune'] = 0
    expect(resultFor(file, 'prune_all_owner_immortal_returns_none')).toMatchObject({
      status: 'mismatch',
      mismatch: { context: 'state', expected: '0', got: 'null' },
    })
  })

  test('changing the non-immune floor changes the uid, so the cases depend on it', () => {
    const file = vectors()
    // With a floor of 2 the two non-immune uids are no longer enough: the immune uid 2 is taken.
    at(file, 'prune_owner_immortality_limit_1_and_2', ['inputs', 'cases', 0])['min_non_immune_uids'] = 2
    expect(resultFor(file, 'prune_owner_immortality_limit_1_and_2')).toMatchObject({
      status: 'mismatch',
      mismatch: { context: 'case 0', expected: '1', got: 'null' },
    })
  })

  test('a wrong registered uid after a registration step is a state mismatch', () => {
    const file = vectors()
    at(file, 'register_full_subnet_replaces_pruned_uid', ['expected', 'asserted_state', 'new hotkey registers'])['registered_uid'] = 0
    expect(resultFor(file, 'register_full_subnet_replaces_pruned_uid')).toMatchObject({
      status: 'mismatch',
      mismatch: { source: 'asserted', context: 'state "new hotkey registers"', quantity: 'registered_uid', expected: '0', got: '1' },
    })
  })

  test('a wrong per-uid emission after re-registration is reported at its epoch', () => {
    const file = vectors()
    at(file, 'yuma1_outdated_weights_after_pruning_registration', ['expected', 'asserted', 'epoch_index_2 (block 3)'])['emission[0]'] =
      250_000_001
    expect(resultFor(file, 'yuma1_outdated_weights_after_pruning_registration')).toMatchObject({
      status: 'mismatch',
      mismatch: {
        source: 'asserted',
        context: 'epoch 2 (block 3, "after re-registration")',
        quantity: 'emission[0]',
        index: '[0]',
        expected: '250000001',
        got: '250000000',
      },
    })
  })

  test('an asserted relation that does not hold fails, with both sides shown', () => {
    const file = vectors()
    const relations = at(file, 'yuma1_deregistered_miner_bonds_masked', ['expected', 'asserted_relations']) as unknown as Json[]
    // The re-registered uid's bond falls from 65535 to 0; claim it grew.
    ;(relations[4] as Json)['op'] = '>'
    const result = resultFor(file, 'yuma1_deregistered_miner_bonds_masked')
    expect(result).toMatchObject({
      status: 'mismatch',
      mismatch: {
        context: 'relation 4',
        quantity: 'epoch 2 (block 6, "after re-registration"): bonds[0][3] > epoch 1 (block 4, "bonds formed"): bonds[0][3]',
        expected: '> 65535',
        got: '0',
      },
    })
    expect(formatYumaReplayReport(replayYumaVectors([caseOf(file, 'yuma1_deregistered_miner_bonds_masked')])).split('\n')[0]).toBe(
      'FAIL  yuma1_deregistered_miner_bonds_masked [sequence]: relation 4: epoch 2 (block 6, "after re-registration"): ' +
        'bonds[0][3] > epoch 1 (block 4, "bonds formed"): bonds[0][3] expected > 65535, got 0 (exact, asserted)',
    )
  })

  test('a log line the chain does not write for a malformed permit vector fails as derived', () => {
    const file = vectors()
    const logs = at(file, 'malformed_short_permit_vector', ['expected', 'derived_log_substrings']) as unknown as string[]
    logs[1] = 'math error: inplace_mask_vector input lengths are not equal: 2 != 1'
    expect(resultFor(file, 'malformed_short_permit_vector')).toMatchObject({
      status: 'mismatch',
      mismatch: { source: 'derived', got: 'math error: inplace_mask_vector input lengths are not equal: 1 != 2' },
    })
  })

  test('a state label that no step carries, or a registration without a block, cannot be replayed', () => {
    const file = vectors()
    const byLabel = at(file, 'replace_neuron_clears_bond_row', ['expected', 'asserted_state'])
    byLabel['replace'] = byLabel['replaced']
    delete byLabel['replaced']
    expect(resultFor(file, 'replace_neuron_clears_bond_row')).toMatchObject({ status: 'error' })

    const noBlock = vectors()
    delete at(noBlock, 'register_full_subnet_replaces_pruned_uid', ['inputs', 'steps', 0])['block']
    expect(resultFor(noBlock, 'register_full_subnet_replaces_pruned_uid')).toMatchObject({
      status: 'error',
      error: 'steps[0]: state_change register has no block',
    })
  })

  test('a malformed registration case is a YUMA_VECTORS_INVALID error naming the path', () => {
    const file = vectors()
    at(file, 'prune_tie_breakers_emission_block_uid', ['inputs'])['immunity_period'] = 'long'
    try {
      replayYumaVectors(file)
      throw new Error('expected YUMA_VECTORS_INVALID')
    } catch (e) {
      expect(isDeaiError(e, 'YUMA_VECTORS_INVALID')).toBe(true)
      expect((e as Error).message).toContain('at [7].inputs.immunity_period:')
    }
  })
})
