import type * as Tf from '@tensorflow/tfjs'
import { loadTf } from '../../ml/backend.js'
import type { ContentStore } from '../../content/content-store.js'
import { isDeaiError } from '../../errors/base.js'
import { modelBundleSchema } from '../../tasks/model-bundle.js'
import { taskSpecSchema } from '../../tasks/task-spec.js'
import type { TaskSpec } from '../../tasks/task-spec.js'
import {
  ALLOWED_ACTIVATIONS,
  ALLOWED_LAYERS,
  BUNDLE_MAX_BYTES,
  DEFAULT_MAX_PARAMETERS,
  SPEC_MAX_BYTES,
  VERIFIER_RULES,
} from './verifier-rules.js'
import type { VerifierRuleId } from './verifier-rules.js'

export type CheckFinding = { rule: VerifierRuleId; ok: boolean; detail: string }

/** What a verifier publishes as its reasons: the verdict and every rule's outcome. */
export type CheckReport = {
  format: 'deai-check/1'
  specCid: string
  approve: boolean
  findings: CheckFinding[]
}

export type CheckTaskOptions = {
  /** The verifier's own cap on parameters. @default 10,000,000 */
  maxParameters?: number
}

type LayerJson = { class_name?: unknown; config?: Record<string, unknown> }

function layersOf(topology: Record<string, unknown>): LayerJson[] {
  const config = topology['config']
  if (typeof config === 'object' && config !== null && 'layers' in config && Array.isArray(config.layers)) {
    return config.layers as LayerJson[]
  }
  return []
}

function describe(error: unknown): string {
  if (isDeaiError(error)) return `${error.code}: ${error.shortMessage}`
  return error instanceof Error ? error.message : String(error)
}

/**
 * Runs the code-verification rule set (see `VERIFIER_RULES`) on a proposed task: fetches the
 * spec and the model bundle by CID, validates the spec schema, the allowed layer types and
 * activations, the input and output shapes and the size limits. Deterministic: the same
 * content gives the same report, so the report's CID can be committed and revealed.
 *
 * @example
 * ```ts
 * import { checkTask } from 'deai/roles'
 * const report = await checkTask(store, task.specCid)
 * if (!report.approve) console.log(report.findings.filter((f) => !f.ok))
 * ```
 */
export async function checkTask(content: ContentStore, specCid: string, options: CheckTaskOptions = {}): Promise<CheckReport> {
  const findings: CheckFinding[] = []
  const report = (): CheckReport => ({
    format: 'deai-check/1',
    specCid,
    approve: findings.length === VERIFIER_RULES.length && findings.every((f) => f.ok),
    findings,
  })
  const pass = (rule: VerifierRuleId, detail: string) => void findings.push({ rule, ok: true, detail })
  const fail = (rule: VerifierRuleId, detail: string): CheckReport => {
    findings.push({ rule, ok: false, detail })
    return report()
  }

  let rawSpec: unknown
  try {
    rawSpec = await content.getJson(specCid, { maxBytes: SPEC_MAX_BYTES })
  } catch (error) {
    return fail('spec-fetch', describe(error))
  }
  pass('spec-fetch', specCid)

  const parsedSpec = taskSpecSchema.safeParse(rawSpec)
  if (!parsedSpec.success) {
    const issue = parsedSpec.error.issues[0]
    return fail('spec-schema', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const spec: TaskSpec = parsedSpec.data
  pass('spec-schema', `${spec.name}: ${spec.dataset.name}, ${spec.training.rounds} rounds, ${spec.mechanisms.aggregation}/${spec.mechanisms.consensus}`)

  let rawBundle: unknown
  try {
    rawBundle = await content.getJson(spec.model.bundle, { maxBytes: BUNDLE_MAX_BYTES })
  } catch (error) {
    return fail('bundle-fetch', describe(error))
  }
  pass('bundle-fetch', spec.model.bundle)

  const parsedBundle = modelBundleSchema.safeParse(rawBundle)
  if (!parsedBundle.success) {
    const issue = parsedBundle.error.issues[0]
    return fail('bundle-format', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const topology = parsedBundle.data.modelTopology
  const layers = layersOf(topology)
  if (layers.length === 0) return fail('bundle-format', 'the topology lists no layers')
  pass('bundle-format', `${String(topology['class_name'])} with ${layers.length} layers`)

  const badLayers = layers.map((l) => String(l.class_name)).filter((name) => !ALLOWED_LAYERS.has(name))
  if (badLayers.length > 0) return fail('layers-allowed', `not allowed: ${[...new Set(badLayers)].join(', ')}`)
  pass('layers-allowed', [...new Set(layers.map((l) => String(l.class_name)))].join(', '))

  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a non-string activation fails the allow-list below, whatever its text
  const activations = layers.flatMap((l) => (l.config?.['activation'] === undefined ? [] : [String(l.config['activation'])]))
  const badActivations = activations.filter((a) => !ALLOWED_ACTIVATIONS.has(a))
  if (badActivations.length > 0) return fail('activations-allowed', `not allowed: ${[...new Set(badActivations)].join(', ')}`)
  pass('activations-allowed', [...new Set(activations)].join(', ') || 'none')

  let model: Tf.LayersModel
  try {
    const tf = await loadTf()
    // The topology is untrusted JSON; tfjs validates it while building, and only allow-listed classes reach here.
    model = await tf.models.modelFromJSON({ modelTopology: topology as Tf.io.ModelJSON['modelTopology'] } as Tf.io.ModelJSON)
  } catch (error) {
    return fail('model-builds', describe(error))
  }
  try {
    pass('model-builds', `${model.layers.length} layers`)
    const input = model.inputs[0]?.shape.slice(1) ?? []
    if (model.inputs.length !== 1 || JSON.stringify(input) !== JSON.stringify(spec.dataset.inputShape)) {
      return fail('input-shape', `model takes ${JSON.stringify(input)}, the dataset gives ${JSON.stringify(spec.dataset.inputShape)}`)
    }
    pass('input-shape', JSON.stringify(input))
    const output = model.outputs[0]?.shape.slice(1) ?? []
    const last = layers[layers.length - 1]
    const softmax = last?.class_name === 'Softmax' || last?.config?.['activation'] === 'softmax'
    if (model.outputs.length !== 1 || JSON.stringify(output) !== JSON.stringify([spec.dataset.classes]) || !softmax) {
      return fail('output-classes', `model outputs ${JSON.stringify(output)}${softmax ? '' : ' without softmax'}; expected [${spec.dataset.classes}] with softmax`)
    }
    pass('output-classes', `[${spec.dataset.classes}] softmax`)
    const parameters = model.countParams()
    const cap = Math.min(spec.model.maxParameters, options.maxParameters ?? DEFAULT_MAX_PARAMETERS)
    if (parameters > cap) return fail('parameter-limit', `${parameters} parameters, limit ${cap}`)
    pass('parameter-limit', `${parameters} parameters (limit ${cap})`)
  } finally {
    model.dispose()
  }
  return report()
}
