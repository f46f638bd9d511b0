/**
 * Replays the epoch cases of a Yuma test-vector file: a single epoch from explicit state, a batch
 * of them, a sequence of steps (`set_weights`, `state_change`, `epoch`) and a graph scenario
 * described in words. Expectations are matched to epochs by `epoch_index`, label and/or block.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type YumaEpochResult, yumaEpoch } from './epoch.js'
import { type YumaParams, type YumaParamsInit, resolveYumaParams } from './params.js'
import { type SubnetChange, interpretGraph, interpretStateChange } from './prose-steps.js'
import { type CaseRun, type Checker, type QuantityScope, type RawCase, checkQuantity } from './replay-checks.js'
import { type YumaRegistrationParams, resolveYumaRegistrationParams, yumaImmuneOwnerUids } from './registration.js'
import { type StateSnapshot, checkRelations, checkStateQuantity } from './replay-state-checks.js'
import {
  type YumaSubnetState,
  createYumaSubnetState,
  yumaRegister,
  yumaReplaceUid,
  yumaResetBonds,
  yumaRunEpoch,
  yumaSetWeights,
} from './subnet-state.js'
import { renderYumaTrace } from './trace.js'
import {
  type VectorParams,
  type VectorRegistrationParams,
  epochBatchCaseSchema,
  parseVectors,
  proseGraphCaseSchema,
  sequenceCaseSchema,
  sequenceExpectationsSchema,
  singleEpochCaseSchema,
} from './vectors-schema.js'
import { maxUpscaleWeights } from './weights-upscale.js'
import { yumaRowFromPairs } from './yuma-row.js'

/** Emission per epoch when a case does not give `rao_emission`. */
const DEFAULT_RAO_EMISSION = 1_000_000_000n

/** One epoch from explicit state: log substrings and derived quantities. */
export function replaySingleEpoch(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(singleEpochCaseSchema, raw, path)
  return (checker) => {
    if (inputs.n !== undefined && inputs.n !== inputs.alpha_stake_rao.length) return 'inputs.n differs from the number of stakes'
    const params = toParams(inputs.params)
    const logs = expected.asserted_log_substrings ?? []
    const traced = logs.length > 0 || (expected.derived_log_substrings ?? []).length > 0
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
      { trace: traced },
    )
    const context = `epoch (block ${inputs.current_block})`
    checkLogs(checker, context, logs, result)
    checkLogs(checker, context, expected.derived_log_substrings ?? [], result, 'derived')
    const rows = Array.from({ length: result.n }, (_, i) => i)
    const scope = { rows, groups: new Map(), epsilons: new Map() }
    const error = expected.asserted === undefined ? null : checkRecord(checker, 'asserted', context, expected.asserted, result, scope)
    if (error !== null) return error
    const derived = expected.derived_exact_by_reimplementation
    return derived === undefined ? null : checkDerived(checker, context, derived, result)
  }
}

/** Several single epochs sharing default parameters. */
export function replayEpochBatch(raw: RawCase, path: string): CaseRun {
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

/**
 * A sequence of steps over one subnet, checked epoch by epoch, then at labelled states
 * (`asserted_state`, `derived_state`) and by relations between epochs (`asserted_relations`).
 * Registrations may grow the subnet, so n is the current number of uids at each step.
 */
export function replaySequence(raw: RawCase, path: string): CaseRun {
  const { inputs, expected } = parseVectors(sequenceCaseSchema, raw, path)
  const extra = parseVectors(sequenceExpectationsSchema, expected, `${path}.expected`)
  return (checker) => {
    if (inputs.n !== undefined && inputs.n !== inputs.alpha_stake_rao.length) return 'inputs.n differs from the number of stakes'
    let vectorParams: VectorParams = inputs.params ?? {}
    let params = toParams(inputs.params)
    let state = createYumaSubnetState({
      stake: inputs.alpha_stake_rao,
      ...(inputs.tao_stake_rao === undefined ? {} : { taoStake: inputs.tao_stake_rao }),
      blockAtRegistration: inputs.block_at_registration,
      ...(inputs.last_update_initial === undefined ? {} : { lastUpdate: inputs.last_update_initial }),
      ...(inputs.validator_permit_before === undefined ? {} : { validatorPermit: inputs.validator_permit_before }),
      ...(inputs.weights_initial === undefined ? {} : { weights: inputs.weights_initial.map(toPairs) }),
      ...(inputs.bonds_initial === undefined ? {} : { bonds: inputs.bonds_initial.map(toPairs) }),
      ...(inputs.emission_initial === undefined ? {} : { emission: inputs.emission_initial }),
    })
    const runs: EpochRun[] = []
    // A label names the state after its (first) step; epoch labels may repeat in older vectors.
    const snapshots = new Map<string, StateSnapshot>()
    const repeated = new Set<string>()
    for (const [s, step] of inputs.steps.entries()) {
      const n = state.stake.length
      let registeredUid: number | null | undefined
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
        if (change.kind === 'set-params') {
          if (step.params === undefined) return `steps[${s}]: state_change set_params has no params`
          vectorParams = { ...vectorParams, ...step.params }
          params = toParams(vectorParams)
        } else if (change.kind === 'register') {
          const registration = toRegistrationParams({ ...inputs.registration, ...step.registration }, state.blockAtRegistration)
          const out = yumaRegister(state, registration, change.block, change.stake)
          state = out.state
          registeredUid = out.uid
        } else {
          state = applyChange(state, change, n)
        }
      } else {
        const out = yumaRunEpoch(state, params, step.block, step.rao_emission ?? vectorParams.rao_emission ?? DEFAULT_RAO_EMISSION)
        state = out.state
        runs.push({ index: step.epoch_index ?? runs.length, block: step.block, label: step.label ?? null, result: out.result })
      }
      const label = step.label ?? null
      if (label !== null && snapshots.has(label)) repeated.add(label)
      else if (label !== null) snapshots.set(label, registeredUid === undefined ? { state } : { state, registeredUid })
    }
    // A case about state between epochs alone need not run an epoch.
    const epochChecks = 'asserted' in expected || 'derived_exact_by_reimplementation' in expected
    const stateOnly = runs.length === 0 && !epochChecks && (extra.asserted_state !== undefined || extra.derived_state !== undefined)
    const error = stateOnly ? null : checkRuns(checker, expected, runs, new Map())
    if (error !== null) return error
    for (const [source, byLabel] of [
      ['asserted', extra.asserted_state],
      ['derived', extra.derived_state],
    ] as const) {
      for (const [label, values] of Object.entries(byLabel ?? {})) {
        const snapshot = snapshots.get(label)
        if (snapshot === undefined) return `expected.${source}_state names "${label}", which labels no step`
        if (repeated.has(label)) return `expected.${source}_state names "${label}", which labels several steps`
        for (const [name, value] of Object.entries(values)) {
          const stateError = checkStateQuantity(checker, { source, context: `state "${label}"` }, name, value, snapshot)
          if (stateError !== null) return stateError
        }
      }
    }
    return checkRelations(checker, extra.asserted_relations ?? [], {
      epoch: (selector) => {
        const run = selectRun(selector, runs)
        if (run === null || run === 'none') return `"${selector}" names no epoch`
        return { result: run.result, context: runContext(run) }
      },
      state: (label) => (repeated.has(label) ? undefined : snapshots.get(label)),
    })
  }
}

/** A graph scenario described in words, checked after its last epoch. */
export function replayGraph(raw: RawCase, path: string): CaseRun {
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

function applyChange(
  state: YumaSubnetState,
  change: Exclude<SubnetChange, { kind: 'register' } | { kind: 'set-params' }>,
  n: number,
): YumaSubnetState {
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

/**
 * Each expected substring must appear in one rendered log line. Derived lines (what the chain's
 * code logs but its test does not assert) are reported as `derived`.
 */
function checkLogs(
  checker: Checker,
  context: string,
  substrings: readonly string[],
  result: YumaEpochResult,
  source: 'log' | 'derived' = 'log',
): void {
  if (substrings.length === 0) return
  const lines = renderYumaTrace(result.trace ?? [])
  for (const substring of substrings) {
    const found = lines.some((line) => line.includes(substring))
    const label = substring.split(': ')[0] ?? substring
    checker.record(found, {
      source,
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

/** Registration parameters, with immortal uids derived from the owner's hotkeys when given so. */
function toRegistrationParams(p: VectorRegistrationParams, blockAtRegistration: readonly number[]): YumaRegistrationParams {
  const owner = p.owner
  const immortalUids =
    p.immortal_uids ??
    (owner === undefined
      ? undefined
      : yumaImmuneOwnerUids({
          ownedUids: owner.owned_hotkey_uids,
          blockAtRegistration,
          ownerHotkeyUid: owner.subnet_owner_hotkey_uid,
          limit: owner.immune_owner_uids_limit,
        }))
  return resolveYumaRegistrationParams({
    ...(p.max_allowed_uids === undefined ? {} : { maxAllowedUids: p.max_allowed_uids }),
    ...(p.immunity_period === undefined ? {} : { immunityPeriod: p.immunity_period }),
    ...(p.min_non_immune_uids === undefined ? {} : { minNonImmuneUids: p.min_non_immune_uids }),
    ...(immortalUids === undefined ? {} : { immortalUids }),
  })
}

const toPairs = yumaRowFromPairs

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function singular(word: string): string {
  const w = word.toLowerCase()
  return w.endsWith('s') ? w.slice(0, -1) : w
}
