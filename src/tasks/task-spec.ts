import { z } from 'zod'
import { AGGREGATION_RULES } from '../mechanisms/aggregation/aggregate.js'
import { CONSENSUS_RULES } from '../mechanisms/consensus/training/settle-round.js'

/** Datasets the protocol can train on today. */
export const DATASETS = ['fashion-mnist'] as const

const cid = z.string().min(8).max(128).regex(/^(b[a-z2-7]+|Qm[1-9A-HJ-NP-Za-km-z]{44})$/, 'must be a CID (base32 CIDv1 "b..." or CIDv0 "Qm...")')

/**
 * A task spec: what the proposer asks the network to train, stored as DAG-JSON by CID and
 * proposed on chain by that CID. The model's code is a separate bundle (see `model-bundle.ts`).
 */
export const taskSpecSchema = z.strictObject({
  format: z.literal('deai-task/1'),
  name: z.string().min(1).max(80),
  description: z.string().max(2000).optional(),
  dataset: z.strictObject({
    name: z.enum(DATASETS),
    /** Number of classes the model must output. */
    classes: z.number().int().min(2).max(1000),
    /** Shape of one example as the model takes it. */
    inputShape: z.array(z.number().int().positive()).min(1).max(4),
  }),
  model: z.strictObject({
    /** CID of the model bundle (architecture as TensorFlow.js layers JSON). */
    bundle: cid,
    /** Largest number of trainable parameters trainers must handle. */
    maxParameters: z.number().int().positive().max(50_000_000),
  }),
  training: z.strictObject({
    rounds: z.number().int().min(1).max(1000),
    localEpochs: z.number().int().min(1).max(100),
    batchSize: z.number().int().min(1).max(4096),
    learningRate: z.number().positive().max(10),
  }),
  mechanisms: z.strictObject({
    aggregation: z.enum(AGGREGATION_RULES),
    consensus: z.enum(CONSENSUS_RULES),
  }),
})

export type TaskSpec = z.infer<typeof taskSpecSchema>
