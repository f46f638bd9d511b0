import type { ContentStore } from '../content/content-store.js'
import { loadTf } from '../ml/backend.js'
import { ARCHITECTURES, parameterCount } from '../ml/models/architecture.js'
import type { ModelKind } from '../ml/models/architecture.js'
import { buildModel } from '../ml/models/build-model.js'
import type { ModelBundle } from './model-bundle.js'
import type { TaskSpec } from './task-spec.js'

/**
 * The model bundle of a built-in architecture: its TensorFlow.js layers JSON (no weights).
 * Deterministic, so the same kind always has the same bundle CID.
 */
export async function modelBundle(kind: ModelKind): Promise<ModelBundle> {
  const tf = await loadTf()
  const model = buildModel(tf, kind)
  try {
    return { format: 'deai-model/1', framework: 'tfjs-layers', modelTopology: model.toJSON(null, false) as Record<string, unknown> }
  } finally {
    model.dispose()
  }
}

export type BuildTaskSpecInit = {
  name: string
  description?: string
  model: ModelKind
  training: TaskSpec['training']
  mechanisms: TaskSpec['mechanisms']
}

/**
 * Writes a task spec for a built-in model and its bundle to the content store.
 *
 * @returns the spec and its CID, ready for `proposeTask`.
 */
export async function buildTaskSpec(content: ContentStore, init: BuildTaskSpecInit): Promise<{ spec: TaskSpec; specCid: string }> {
  const bundle = await content.putJson(await modelBundle(init.model))
  const spec: TaskSpec = {
    format: 'deai-task/1',
    name: init.name,
    ...(init.description === undefined ? {} : { description: init.description }),
    dataset: { name: 'fashion-mnist', classes: 10, inputShape: [...ARCHITECTURES[init.model].inputShape] },
    model: { bundle, maxParameters: parameterCount(init.model) },
    training: init.training,
    mechanisms: init.mechanisms,
  }
  return { spec, specCid: await content.putJson(spec) }
}
