import { describe, expect, test } from 'vitest'
import { interpretGraph, interpretStateChange } from '../../../src/mechanisms/consensus/yuma/prose-steps.js'

describe('interpretStateChange', () => {
  test('reads a uid replacement and its registration block', () => {
    expect(
      interpretStateChange({
        description: 'block 2: uid1 replaced by a new hotkey (reg block 2); clear_neuron sets row0 entry for uid1 to 0',
      }),
    ).toEqual({ kind: 'replace-uid', uid: 1, block: 2, stake: 0n })
    expect(interpretStateChange({ description: 'uid 4 deregistered and replaced at block 17' })).toEqual({
      kind: 'replace-uid',
      uid: 4,
      block: 17,
      stake: 0n,
    })
  })

  test('reads a bonds reset, and honours BondsResetOn=false', () => {
    const text = 'do_reset_bonds for uid 3 (BondsResetOn=true): remove column 3 from every bond row'
    expect(interpretStateChange({ description: text })).toEqual({ kind: 'reset-bonds', uid: 3 })
    expect(interpretStateChange({ description: 'do_reset_bonds for uid 3 (BondsResetOn=false)' })).toEqual({ kind: 'none' })
  })

  test('prefers structured fields and reports what it cannot read', () => {
    expect(interpretStateChange({ kind: 'set_stake', uid: 2, stake: 5n })).toEqual({ kind: 'set-stake', uid: 2, stake: 5n })
    expect(interpretStateChange({ description: 'stake of uid 2 set to 900' })).toEqual({ kind: 'set-stake', uid: 2, stake: 900n })
    expect(interpretStateChange({ description: 'the moon is full' })).toHaveProperty('error')
    expect(interpretStateChange({ kind: 'replace_uid', uid: 1 })).toHaveProperty('error')
  })

  test('reads structured registration and parameter changes', () => {
    expect(interpretStateChange({ kind: 'register', block: 5 })).toEqual({ kind: 'register', block: 5, stake: 0n })
    expect(interpretStateChange({ kind: 'register', block: 5, stake: 3n })).toEqual({ kind: 'register', block: 5, stake: 3n })
    expect(interpretStateChange({ kind: 'register' })).toEqual({ error: 'state_change register has no block' })
    expect(interpretStateChange({ kind: 'set_params' })).toEqual({ kind: 'set-params' })
  })
})

describe('interpretGraph', () => {
  const inputs = {
    validators: 'uids 0..1, alpha stake 500 rao each',
    servers: 'uids 2..4, stake 0',
  }

  test('turns groups and procedure lines into stakes, weight sets and epochs', () => {
    const plan = interpretGraph(inputs, [
      'epoch() at block 1 with no weights (sets permits)',
      'each validator sets weight 65535//3=21845 on every server uid 2..4 at block 1 (stored max-upscaled to 65535 each)',
      'each server sets a self-weight at block 1',
      'run epoch 2 times at block 1',
    ])
    if ('error' in plan) throw new Error(plan.error)
    expect(plan.groups.get('validator')).toEqual({ uids: [0, 1], stake: 500n })
    expect(plan.groups.get('server')).toEqual({ uids: [2, 3, 4], stake: 0n })
    expect(plan.steps.map((s) => s.action)).toEqual([
      'epoch',
      'set_weights',
      'set_weights',
      'set_weights',
      'set_weights',
      'set_weights',
      'epoch',
      'epoch',
    ])
    expect(plan.steps[1]).toEqual({ action: 'set_weights', uid: 0, row: { uids: [2, 3, 4], values: [65535, 65535, 65535] }, block: 1 })
    expect(plan.steps[3]).toEqual({ action: 'set_weights', uid: 2, row: { uids: [2], values: [65535] }, block: 1 })
  })

  test('max-upscales a submitted value when no stored value is given', () => {
    const plan = interpretGraph(inputs, ['each validator sets weight 127 on every server at block 3'])
    if ('error' in plan) throw new Error(plan.error)
    expect(plan.steps[0]).toEqual({ action: 'set_weights', uid: 0, row: { uids: [2, 3, 4], values: [65535, 65535, 65535] }, block: 3 })
  })

  test('reports a line it cannot read', () => {
    expect(interpretGraph(inputs, ['dance at block 1'])).toHaveProperty('error')
    expect(interpretGraph(inputs, ['each miner sets weight 1 on every server at block 1'])).toHaveProperty('error')
  })
})
