import { z } from 'zod'
import { CONSENSUS_RULES } from '../mechanisms/consensus/training/settle-round.js'
import { PROPOSER_BEHAVIOURS } from '../roles/proposer/proposer-behaviours.js'
import { STRANGER_BEHAVIOURS } from '../roles/adversary/stranger-behaviours.js'
import { TRAINER_BEHAVIOURS } from '../roles/trainer/trainer-behaviours.js'
import { VALIDATOR_BEHAVIOURS } from '../roles/validator/validator-behaviours.js'

const positive = z.number().int().positive()
const bps = z.number().int().min(0).max(10_000)
const amount = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount of DEAI')])

const trainerGroup = z.strictObject({
  count: positive.max(1000),
  behaviour: z.enum(TRAINER_BEHAVIOURS).default('honest'),
  /** sign-flip: how much the flipped update is scaled. @default 10 */
  scale: z.number().positive().max(1e6).optional(),
  /** gaussian-noise: standard deviation of the noise. @default 0.5 */
  sigma: z.number().positive().max(100).optional(),
  /** backdoor: class the trigger maps to. @default 0 */
  target: z.number().int().min(0).max(9).optional(),
  /** backdoor: share of the trainer's examples that carry the trigger. @default 0.5 */
  poisonFraction: z.number().gt(0).max(1).optional(),
  /** DEAI staked by each trainer of the group. @default 100 */
  stake: amount.optional(),
})

const validatorGroup = z.strictObject({
  count: positive.max(64),
  behaviour: z.enum(VALIDATOR_BEHAVIOURS).default('honest'),
  /** DEAI staked by each validator of the group. @default 1000 (a sybil swarm: the minimum, 100) */
  stake: amount.optional(),
})

const proposer = z.strictObject({
  behaviour: z.enum(PROPOSER_BEHAVIOURS).default('honest'),
  /** grinder: verifiers it stakes (at the minimum stake each) to fill its committee. @default 3 */
  sybilVerifiers: positive.max(64).optional(),
})

const strangerGroup = z.strictObject({
  count: positive.max(16),
  behaviour: z.enum(STRANGER_BEHAVIOURS),
})

const partition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid') }),
  z.strictObject({ kind: z.literal('dirichlet'), alpha: z.number().positive().max(1000) }),
  z.strictObject({ kind: z.literal('shards'), perTrainer: positive.max(100) }),
])

const aggregation = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('fedavg') }),
  z.strictObject({ rule: z.literal('median') }),
  z.strictObject({ rule: z.literal('trimmed-mean'), beta: z.number().min(0).lt(0.5).default(0.2) }),
  z.strictObject({ rule: z.literal('krum'), f: z.number().int().min(0).optional() }),
  z.strictObject({ rule: z.literal('multi-krum'), f: z.number().int().min(0).optional(), k: positive.optional() }),
  z.strictObject({ rule: z.literal('bulyan'), f: z.number().int().min(0).optional() }),
])

const consensus = z.strictObject({
  rule: z.enum(CONSENSUS_RULES),
  /** An update must score at least this (accuracy in bps) to pass. @default 1500 */
  acceptFloorBps: bps.optional(),
  /** ...and at least this share (bps) of the median update's score. @default 8000 */
  acceptRelativeBps: bps.optional(),
  /** Validators deviating more than this (bps) from consensus are slashed. @default 2500 */
  deviationBoundBps: bps.optional(),
})

/**
 * A scenario: the task, its data and model, the mechanisms, the participants and their
 * behaviours. The names are the public contract (see DESIGN.md "Scenario format"); fields
 * beyond them are optional extensions with defaults.
 */
export const scenarioSchema = z.strictObject({
  /** Seeds every random choice: data partitions, initial weights, shuffles, adversaries. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Only the embedded chain for `deai run` today; separate processes use `deai node`. */
  chain: z.literal('embedded').default('embedded'),
  name: z.string().min(1).max(80).optional(),
  task: z.strictObject({
    dataset: z.literal('fashion-mnist').default('fashion-mnist'),
    model: z.enum(['mlp', 'cnn']).default('mlp'),
    partition: partition.default({ kind: 'iid' }),
    rounds: positive.max(1000).default(20),
    localEpochs: positive.max(100).default(1),
    batchSize: positive.max(4096).default(32),
    learningRate: z.number().positive().max(10).default(0.05),
    /** Training examples each trainer holds; default: the training set split among the trainers. */
    examplesPerTrainer: positive.max(60_000).optional(),
    /** Private validation examples per validator (taken apart from every trainer's data). @default 500 */
    validationExamples: positive.max(10_000).default(500),
    /** Test images the report's accuracy is measured on (of 10,000). @default 10000 */
    testExamples: positive.max(10_000).default(10_000),
    /** DEAI the proposer escrows for the whole task (verification fee and every round's emission). @default 10000 */
    budget: amount.default(10_000),
    /** Inference requests answered from the published model after training (test images). @default 10 */
    inferenceRequests: z.number().int().min(0).max(1000).default(10),
  }),
  mechanisms: z.strictObject({
    aggregation: aggregation.default({ rule: 'fedavg' }),
    consensus: consensus.default({ rule: 'flock' }),
    /**
     * Which updates the aggregation rule sees: those consensus accepted (the protocol), or every
     * submission (an ablation that measures the aggregation rule alone as a defence).
     * @default 'accepted'
     */
    aggregateOver: z.enum(['accepted', 'all']).default('accepted'),
    /**
     * The validator set of a round: the committers with the most stake.
     * @default the largest set the number of trainers allows (at most 64)
     */
    maxValidators: positive.max(64).optional(),
  }).default({ aggregation: { rule: 'fedavg' }, consensus: { rule: 'flock' }, aggregateOver: 'accepted' }),
  /**
   * Optional side-by-side comparison: the same participants and data under other mechanisms.
   * `deai run` plays the scenario once per variant and writes a comparison beside the reports.
   */
  variants: z.array(z.strictObject({
    name: z.string().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    mechanisms: z.strictObject({
      aggregation: aggregation.optional(),
      consensus: consensus.optional(),
      aggregateOver: z.enum(['accepted', 'all']).optional(),
    }),
  })).max(20).optional(),
  participants: z.strictObject({
    trainers: z.array(trainerGroup).min(1),
    validators: z.array(validatorGroup).min(1),
    /** Code verifiers staked for the task-proposing committee. @default 5 */
    verifiers: positive.max(64).default(5),
    /** Staked aggregators posting the next global model; they take turns. @default 1 */
    aggregators: positive.max(16).default(1),
    /** Data providers registering the trainers' shards on chain; they take turns. @default 1 */
    dataProviders: positive.max(64).default(1),
    /** Providers answering inference requests from the published model. @default 1 */
    inferenceProviders: positive.max(16).default(1),
    /** The task's proposer. @default { behaviour: 'honest' } */
    proposer: proposer.default({ behaviour: 'honest' }),
    /** Accounts with no role in the task (adversaries such as operator-griefer). */
    strangers: z.array(strangerGroup).default([]),
  }),
})

/** A scenario as written by its author (defaults not yet applied). */
export type ScenarioInput = z.input<typeof scenarioSchema>
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>
