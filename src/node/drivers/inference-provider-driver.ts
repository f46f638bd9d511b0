/**
 * The inference-provider node: the inference-provider role's step on the polling driver. Each
 * tick it reads the requests addressed to it that are still pending and answers them from the
 * task's published model (the result is stored by CID and recorded on chain, which pays the
 * fee). Answered requests are no longer pending, so a restart answers nothing twice.
 *
 * @packageDocumentation
 */
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { listInferenceRequests } from '../../ledger/actions/inference/list-inference-requests.js'
import { initMl } from '../../ml/backend.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { createInferenceProvider } from '../../roles/inference-provider/inference-provider.js'
import type { InferenceProvider } from '../../roles/inference-provider/inference-provider.js'
import type { NodeContext, RoleDriver } from '../node-context.js'
import { modelKindOf, readTaskSpec } from './task-training.js'

export type InferenceProviderRoleInit = {
  /** Only this task's requests. @default every task's */
  taskId?: bigint
}

/** Creates the driver of an inference-provider node. */
export function inferenceProviderDriver(ctx: NodeContext, init: InferenceProviderRoleInit): RoleDriver {
  const providers = new Map<ModelKind, InferenceProvider>()
  let ready = false
  const providerFor = async (taskId: bigint): Promise<InferenceProvider> => {
    const kind = await modelKindOf(ctx.content, await readTaskSpec(ctx.content, (await getTask(ctx.protocol, taskId)).specCid))
    const provider = providers.get(kind) ?? createInferenceProvider({ protocol: ctx.protocol, content: ctx.content, key: ctx.key, kind })
    providers.set(kind, provider)
    return provider
  }
  return {
    async tick() {
      if (!ready) {
        await initMl()
        ready = true
      }
      const pending = (await listInferenceRequests(ctx.protocol, { provider: ctx.key.address, status: 'pending' }))
        .filter((r) => init.taskId === undefined || r.taskId === init.taskId)
      if (pending.length === 0) {
        ctx.status.activity = 'waiting for requests'
        return
      }
      for (const request of pending) {
        ctx.status.task = request.taskId.toString()
        const answer = await (await providerFor(request.taskId)).answer(request.id)
        ctx.stepTaken('answered a request', { request: request.id, result: answer.resultCid, class: answer.outputClass })
      }
    },
  }
}
