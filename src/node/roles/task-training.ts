import { CID } from 'multiformats/cid'
import type { ContentStore } from '../../content/content-store.js'
import { DeaiError } from '../../errors/base.js'
import type { Training } from '../../ledger/training.js'
import { ARCHITECTURES } from '../../ml/models/architecture.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import type { AggregationSpec } from '../../roles/aggregator/next-global-model.js'
import { modelBundle } from '../../tasks/build-task.js'
import { taskSpecSchema } from '../../tasks/task-spec.js'
import type { TaskSpec } from '../../tasks/task-spec.js'

/** The aggregation and consensus rules by their ids in the training contract's config. */
export const AGGREGATION_IDS = { fedavg: 0, median: 1, 'trimmed-mean': 2, krum: 3, 'multi-krum': 4, bulyan: 5 } as const
export const CONSENSUS_IDS = { flock: 0, 'median-score': 1, yuma: 2 } as const

/** The contract's (aggregation, param) as the aggregator role's spec. */
export function aggregationFromConfig(aggregation: number, param: number): AggregationSpec {
  const rule = (Object.keys(AGGREGATION_IDS) as (keyof typeof AGGREGATION_IDS)[]).find((name) => AGGREGATION_IDS[name] === aggregation)
  switch (rule) {
    case 'trimmed-mean':
      return { rule, beta: param / 10_000 }
    case 'krum':
    case 'bulyan':
      return param === 0 ? { rule } : { rule, f: param }
    case 'multi-krum':
      return param === 0 ? { rule } : { rule, k: param }
    case 'fedavg':
    case 'median':
      return { rule }
    default:
      throw new DeaiError('NODE_UNKNOWN_AGGREGATION', `The training contract names aggregation ${aggregation}, which this node does not implement.`)
  }
}

/** Reads and validates a task's spec from the content store (fetched from peers if need be). */
export async function readTaskSpec(content: ContentStore, specCid: string): Promise<TaskSpec> {
  const result = taskSpecSchema.safeParse(await content.getJson(specCid, { maxBytes: 65_536 }))
  if (!result.success) {
    throw new DeaiError('NODE_BAD_TASK_SPEC', `The spec ${specCid} of the task is not a valid deai-task/1 spec.`, {
      details: result.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    })
  }
  return result.data
}

/** Which built-in model a spec's bundle is (bundles are deterministic, so CIDs compare). */
export async function modelKindOf(content: ContentStore, spec: TaskSpec): Promise<ModelKind> {
  for (const kind of Object.keys(ARCHITECTURES) as ModelKind[]) {
    if (CID.parse(await content.putJson(await modelBundle(kind))).equals(CID.parse(spec.model.bundle))) return kind
  }
  throw new DeaiError('NODE_UNKNOWN_MODEL', `The task's model bundle ${spec.model.bundle} is not one of the built-in models (${Object.keys(ARCHITECTURES).join(', ')}).`, {
    fixes: ['This node trains the built-in architectures only.'],
  })
}

/** The training contract's config (aggregation rule, rounds). */
export async function readTrainingConfig(training: Training) {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'config' })
}
