import type { Protocol } from '../../protocol.js'
import { getTask } from './get-task.js'
import type { TaskRecord } from './get-task.js'

/** Reads every task, oldest first. */
export async function listTasks(protocol: Protocol): Promise<TaskRecord[]> {
  const count = await protocol.ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'taskCount' })
  // One at a time: the embedded chain serves requests serially, and floods of concurrent
  // calls are much slower there than a plain loop.
  const tasks: TaskRecord[] = []
  for (let id = 1n; id <= count; id++) tasks.push(await getTask(protocol, id))
  return tasks
}
