import type { TaskRules } from '../../deploy/protocol-params.js'
import type { Protocol } from '../../protocol.js'

export type GetTaskRulesParameters = {
  /** The rules this task was proposed under. @default the rules a proposal takes now */
  taskId?: bigint | undefined
}

/**
 * Reads the task rules: those in force now, or those a task was proposed under.
 *
 * @example
 * ```ts
 * import { getTaskRules } from 'deai/actions'
 * const { committeeSize } = await getTaskRules(protocol)
 * const { fee } = await getTaskRules(protocol, { taskId: 1n })
 * ```
 */
export async function getTaskRules(protocol: Protocol, { taskId }: GetTaskRulesParameters = {}): Promise<TaskRules> {
  const client = protocol.ledger.client
  if (taskId === undefined) return client.readContract({ ...protocol.taskRegistry, functionName: 'params' })
  const task = await client.readContract({ ...protocol.taskRegistry, functionName: 'getTask', args: [taskId] })
  return client.readContract({ ...protocol.taskRegistry, functionName: 'paramsAt', args: [task.paramsId] })
}
