import { z } from 'zod'

/**
 * A model bundle: the code a task trains, as data. It is the Keras-style layers JSON that
 * TensorFlow.js writes with `model.toJSON()`, so the architecture can be checked and rebuilt
 * without running anything the proposer wrote: only layer classes from an allow-list are
 * instantiated, from their configs.
 */
export const modelBundleSchema = z.object({
  format: z.literal('deai-model/1'),
  framework: z.literal('tfjs-layers'),
  /** `model.toJSON(null, false)` of a tf.Sequential or functional model. */
  modelTopology: z.record(z.string(), z.unknown()),
})

export type ModelBundle = z.infer<typeof modelBundleSchema>
