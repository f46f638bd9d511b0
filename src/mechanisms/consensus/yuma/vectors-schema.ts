/**
 * The test-vector file format (`yuma-vectors.json`): a JSON array of cases, each with `name`,
 * `inputs` and `expected`. Cases come in kinds told apart by the shape of `inputs`; each kind has
 * a schema here. Parsing errors become one `YUMA_VECTORS_INVALID` error naming the bad path.
 *
 * @packageDocumentation
 */
import { z } from 'zod'
import { DeaiError } from '../../../errors/base.js'

const int = z.number().int()
const nonNegInt = int.nonnegative()
/** A u64 written as a JSON integer or a decimal string. */
const u64 = z.union([nonNegInt, z.string().regex(/^\d+$/)]).transform((v) => BigInt(v))
const pairRows = z.array(z.array(z.tuple([nonNegInt, nonNegInt])))

/** Epoch hyperparameters as the vectors spell them (snake case, stored units). */
export const vectorParamsSchema = z.looseObject({
  kappa_u16: nonNegInt.optional(),
  bonds_penalty_u16: nonNegInt.optional(),
  bonds_moving_average: u64.optional(),
  yuma3_enabled: z.boolean().optional(),
  liquid_alpha_enabled: z.boolean().optional(),
  alpha_low_u16: nonNegInt.optional(),
  alpha_high_u16: nonNegInt.optional(),
  alpha_sigmoid_steepness: int.optional(),
  max_allowed_validators: nonNegInt.optional(),
  tempo: nonNegInt.optional(),
  activity_cutoff_blocks: nonNegInt.optional(),
  activity_cutoff_factor_milli: nonNegInt.optional(),
  stake_threshold: u64.optional(),
  /** The stored `TaoWeight` (u64); tao stake counts `tao_weight / (2^64 − 1)` per rao. */
  tao_weight: u64.optional(),
  subnet_owner_uid: nonNegInt.nullable().optional(),
  commit_reveal_enabled: z.boolean().optional(),
  last_mechanism_step_block: nonNegInt.optional(),
  rao_emission: u64.optional(),
})
export type VectorParams = z.output<typeof vectorParamsSchema>

/** One case's envelope. */
export const vectorCaseSchema = z.looseObject({
  name: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  expected: z.record(z.string(), z.unknown()),
})

/** The whole file: an array of cases. */
export const vectorFileSchema = z.array(vectorCaseSchema)

/** `weighted_median` cases. */
export const weightedMedianCaseSchema = z.looseObject({
  inputs: z.looseObject({
    majority: z.number(),
    cases: z.array(
      z.looseObject({
        stake: z.array(z.number()),
        score: z.array(z.number()),
        stake_normalized_first: z.boolean().optional(),
      }),
    ),
  }),
  expected: z.looseObject({ medians: z.array(z.number()) }),
})

/** `weighted_median_col` cases. */
export const weightedMedianColumnsCaseSchema = z.looseObject({
  inputs: z.looseObject({
    cases: z.array(
      z.looseObject({
        stake: z.array(z.number()),
        weights_rows: z.array(z.array(z.number())),
        kappa: z.number(),
      }),
    ),
  }),
  expected: z.looseObject({ medians: z.array(z.array(z.number())) }),
})

/** `mat_ema_alpha_sparse` cases (row-major dense matrices, zeros absent from the sparse rows). */
export const matEmaAlphaCaseSchema = z.looseObject({
  inputs: z.looseObject({
    shape: z.string().optional(),
    rows: nonNegInt.optional(),
    cols: nonNegInt.optional(),
    alpha_all: z.number().optional(),
    cases: z.array(
      z.looseObject({
        old: z.array(z.number()),
        new: z.array(z.number()),
        /** One alpha for every cell of this case. */
        alpha: z.number().optional(),
        /** A row-major alpha per cell. */
        alphas: z.array(z.number()).optional(),
      }),
    ),
  }),
  expected: z.looseObject({
    results: z.array(z.array(z.number())),
    epsilon: z.union([z.number(), z.array(z.number())]),
  }),
})

/** Per-epoch expectations from a bit-exact re-implementation, keyed by quantity name. */
const derivedEpochSchema = z.record(z.string(), z.unknown())

/** A single epoch from explicit state. */
export const singleEpochCaseSchema = z.looseObject({
  inputs: z.looseObject({
    n: nonNegInt.optional(),
    current_block: nonNegInt,
    alpha_stake_rao: z.array(u64),
    tao_stake_rao: z.array(u64).optional(),
    validator_permit_before: z.array(z.boolean()),
    block_at_registration: z.array(nonNegInt),
    last_update: z.array(nonNegInt),
    weights_stored_u16: pairRows,
    bonds_before: pairRows.optional(),
    commit_blocks: z.array(nonNegInt.nullable()).optional(),
    params: vectorParamsSchema.optional(),
  }),
  expected: z.looseObject({
    /** Quantities the chain's test asserts after the epoch (`consensus_u16`, `emission[0]`, ...). */
    asserted: z.record(z.string(), z.unknown()).optional(),
    asserted_log_substrings: z.array(z.string()).optional(),
    /** Log lines the chain's code emits for this input that its test does not assert. */
    derived_log_substrings: z.array(z.string()).optional(),
    derived_exact_by_reimplementation: derivedEpochSchema.optional(),
  }),
})

/** Several single epochs sharing default parameters. */
export const epochBatchCaseSchema = z.looseObject({
  inputs: z.looseObject({
    params: vectorParamsSchema.optional(),
    cases: z.array(
      z.looseObject({
        current_block: nonNegInt,
        alpha_stake_rao: z.array(u64),
        tao_stake_rao: z.array(u64).optional(),
        validator_permit_before: z.array(z.boolean()),
        block_at_registration: z.array(nonNegInt),
        last_update: z.array(nonNegInt),
        weights: pairRows.optional(),
        weights_stored_u16: pairRows.optional(),
        bonds_before: pairRows.optional(),
        activity_cutoff_blocks: nonNegInt.optional(),
        params: vectorParamsSchema.optional(),
      }),
    ),
  }),
  expected: z.looseObject({
    asserted_log_substrings: z.array(z.array(z.string())).optional(),
    derived_exact_by_reimplementation: z.array(derivedEpochSchema).optional(),
  }),
})

/** The owner's hotkeys, from which the immortal uids are derived (`get_immune_owner_uids`). */
const ownerImmunitySchema = z.looseObject({
  /** Uids of the hotkeys the subnet owner's coldkey owns. */
  owned_hotkey_uids: z.array(nonNegInt),
  /** The uid of `SubnetOwnerHotkey`, null when it is not set or not registered. */
  subnet_owner_hotkey_uid: nonNegInt.nullable(),
  immune_owner_uids_limit: nonNegInt,
})

/** Registration hyperparameters (`MaxAllowedUids`, `ImmunityPeriod`, `MinNonImmuneUids`, immortal uids). */
export const registrationParamsSchema = z.looseObject({
  max_allowed_uids: nonNegInt.optional(),
  immunity_period: nonNegInt.optional(),
  min_non_immune_uids: nonNegInt.optional(),
  /** The owner's immortal uids, given directly ... */
  immortal_uids: z.array(nonNegInt).optional(),
  /** ... or derived from the owner's hotkeys. */
  owner: ownerImmunitySchema.optional(),
})
export type VectorRegistrationParams = z.output<typeof registrationParamsSchema>

const setWeightsStepSchema = z.looseObject({
  action: z.literal('set_weights'),
  label: z.string().optional(),
  uid: nonNegInt,
  uids: z.array(nonNegInt),
  values_submitted: z.array(nonNegInt).optional(),
  values_stored_u16: z.array(nonNegInt).optional(),
  block: nonNegInt,
})

const epochStepSchema = z.looseObject({
  action: z.literal('epoch'),
  block: nonNegInt,
  epoch_index: nonNegInt.optional(),
  label: z.string().nullable().optional(),
  rao_emission: u64.optional(),
})

const stateChangeStepSchema = z.looseObject({
  action: z.literal('state_change'),
  /** Names the state after this step, for `expected.asserted_state` / `derived_state`. */
  label: z.string().optional(),
  description: z.string().optional(),
  /**
   * `replace_uid` (a given uid, `replace_neuron`), `register` (append below `max_allowed_uids`,
   * else replace the uid `get_neuron_to_prune` chooses), `reset_bonds`, `set_stake`, or
   * `set_params` (epoch parameters for the following epochs).
   */
  kind: z.enum(['replace_uid', 'register', 'reset_bonds', 'set_stake', 'set_params']).optional(),
  uid: nonNegInt.optional(),
  block: nonNegInt.optional(),
  stake: u64.optional(),
  /** `set_params`: the parameters that change. */
  params: vectorParamsSchema.optional(),
  /** `register`: registration parameters for this registration only (over `inputs.registration`). */
  registration: registrationParamsSchema.optional(),
})

/** One step of a sequence. */
export const stepSchema = z.discriminatedUnion('action', [setWeightsStepSchema, epochStepSchema, stateChangeStepSchema])
export type VectorStep = z.output<typeof stepSchema>

/** A sequence of weight sets, state changes and epochs over one subnet. */
export const sequenceCaseSchema = z.looseObject({
  inputs: z.looseObject({
    n: nonNegInt.optional(),
    alpha_stake_rao: z.array(u64),
    tao_stake_rao: z.array(u64).optional(),
    block_at_registration: z.array(nonNegInt),
    validator_permit_before: z.array(z.boolean()).optional(),
    last_update_initial: z.array(nonNegInt).optional(),
    weights_initial: pairRows.optional(),
    bonds_initial: pairRows.optional(),
    /** `Emission` per uid before the first step (rao): the pruning scores. */
    emission_initial: z.array(u64).optional(),
    params: vectorParamsSchema.optional(),
    registration: registrationParamsSchema.optional(),
    steps: z.array(stepSchema),
  }),
  expected: z.record(z.string(), z.unknown()),
})

/** One side of a relation: a number, or a quantity of an epoch or of a labelled state. */
const relationOperandSchema = z.union([
  z.number(),
  z.string().regex(/^\d+$/),
  z.looseObject({ epoch: z.string(), quantity: z.string() }),
  z.looseObject({ state: z.string(), quantity: z.string() }),
])
export type VectorRelationOperand = z.output<typeof relationOperandSchema>

/** The expectations of a sequence beyond per-epoch quantities. */
export const sequenceExpectationsSchema = z.looseObject({
  /** Per state label (a labelled step), quantities of the state right after it, as the test asserts them. */
  asserted_state: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** The same, derived by re-implementation rather than asserted. */
  derived_state: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Inequalities the test asserts (`bond_new >= bond_old`, `bond > 0`). */
  asserted_relations: z
    .array(
      z.looseObject({
        left: relationOperandSchema,
        op: z.enum(['<', '<=', '==', '!=', '>=', '>']),
        right: relationOperandSchema,
      }),
    )
    .optional(),
})

/** `get_neuron_to_prune` from explicit state. */
export const neuronToPruneInputsSchema = z.looseObject({
  current_block: nonNegInt,
  /** `Emission` per uid (rao): the pruning score. */
  emission_rao: z.array(u64),
  block_at_registration: z.array(nonNegInt),
  immunity_period: nonNegInt,
  min_non_immune_uids: nonNegInt,
  immortal_uids: z.array(nonNegInt).optional(),
  owner: ownerImmunitySchema.optional(),
})
export type VectorNeuronToPruneInputs = z.output<typeof neuronToPruneInputsSchema>

/** The uid chosen; null when there is none (the registration is refused). */
const neuronToPruneResult = nonNegInt.nullable()

/** A `get_neuron_to_prune` case over one state. */
export const neuronToPruneCaseSchema = z.looseObject({
  inputs: neuronToPruneInputsSchema,
  expected: z.looseObject({ asserted: z.looseObject({ neuron_to_prune: neuronToPruneResult }) }),
})

/** Several `get_neuron_to_prune` states under `inputs.cases`, one expected uid each. */
export const neuronToPruneBatchCaseSchema = z.looseObject({
  inputs: z.looseObject({ cases: z.array(neuronToPruneInputsSchema) }),
  expected: z.looseObject({ asserted: z.looseObject({ neuron_to_prune: z.array(neuronToPruneResult) }) }),
})

/** A graph scenario described in words: uid groups and a procedure. */
export const proseGraphCaseSchema = z.looseObject({
  inputs: z.looseObject({
    n: nonNegInt,
    block_at_registration: z.array(nonNegInt).optional(),
    procedure: z.array(z.string()),
    params: vectorParamsSchema.optional(),
  }),
  expected: z.looseObject({ asserted: z.record(z.string(), z.unknown()) }),
})

/**
 * Parses `value` with `schema`, or throws `YUMA_VECTORS_INVALID` naming the first bad path.
 *
 * @param prefix - the path of `value` in the file, e.g. `[3]`.
 */
export function parseVectors<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = `${prefix}${formatPath(issue?.path ?? [])}` || '(root)'
  throw new DeaiError('YUMA_VECTORS_INVALID', `Invalid Yuma test-vector file at ${path}: ${issue?.message ?? 'invalid'}.`, {
    details: parsed.error.issues.slice(0, 5).map((i) => `${prefix}${formatPath(i.path)}: ${i.message}`),
    fixes: ['Compare the case with the format of yuma-vectors.json (spec §12).'],
  })
}

/** `['inputs', 'steps', 2, 'block']` → `.inputs.steps[2].block`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
}
