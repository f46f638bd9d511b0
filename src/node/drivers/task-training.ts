import { CID } from 'multiformats/cid'
import type { ContentStore } from '../../content/content-store.js'
import { DeaiError } from '../../errors/base.js'
import { ARCHITECTURES } from '../../ml/models/architecture.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { modelBundle } from '../../tasks/build-task.js'
import { taskSpecSchema } from '../../tasks/task-spec.js'
import type { TaskSpec } from '../../tasks/task-spec.js'

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
