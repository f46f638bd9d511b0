/**
 * Replays `get_neuron_to_prune` cases of a Yuma test-vector file: explicit per-uid emission and
 * registration blocks, the immunity period, the non-immune floor and the owner's immortal uids
 * (given, or derived from the owner's hotkeys), and the uid the chain's test expects (null for
 * none).
 *
 * @packageDocumentation
 */
import { yumaImmuneOwnerUids, yumaNeuronToPrune } from './registration.js'
import type { CaseRun, Checker, RawCase } from './replay-checks.js'
import {
  type VectorNeuronToPruneInputs,
  neuronToPruneBatchCaseSchema,
  neuronToPruneCaseSchema,
  parseVectors,
} from './vectors-schema.js'

/** One state (`inputs` itself) or several (`inputs.cases`), one expected uid each. */
export function replayNeuronToPrune(raw: RawCase, path: string): CaseRun {
  let cases: readonly VectorNeuronToPruneInputs[]
  let wanted: readonly (number | null)[]
  if (Array.isArray(raw.inputs['cases'])) {
    const { inputs, expected } = parseVectors(neuronToPruneBatchCaseSchema, raw, path)
    cases = inputs.cases
    wanted = expected.asserted.neuron_to_prune
  } else {
    const { inputs, expected } = parseVectors(neuronToPruneCaseSchema, raw, path)
    cases = [inputs]
    wanted = [expected.asserted.neuron_to_prune]
  }
  return (checker) => {
    if (wanted.length !== cases.length) return 'expected.asserted.neuron_to_prune and inputs.cases differ in length'
    cases.forEach((c, k) => check(checker, cases.length === 1 ? 'state' : `case ${k}`, c, wanted[k] ?? null))
    return null
  }
}

function check(checker: Checker, context: string, c: VectorNeuronToPruneInputs, expected: number | null): void {
  const owner = c.owner
  const immortalUids =
    c.immortal_uids ??
    (owner === undefined
      ? []
      : yumaImmuneOwnerUids({
          ownedUids: owner.owned_hotkey_uids,
          blockAtRegistration: c.block_at_registration,
          ownerHotkeyUid: owner.subnet_owner_hotkey_uid,
          limit: owner.immune_owner_uids_limit,
        }))
  const got = yumaNeuronToPrune({
    currentBlock: c.current_block,
    emission: c.emission_rao,
    blockAtRegistration: c.block_at_registration,
    immunityPeriod: c.immunity_period,
    minNonImmuneUids: c.min_non_immune_uids,
    immortalUids,
  })
  checker.record(got === expected, {
    source: 'asserted',
    context,
    quantity: 'neuron_to_prune',
    index: '',
    expected: String(expected),
    got: String(got),
    epsilon: 0,
  })
}
