import type { Protocol } from '../../protocol.js'

/** How many tasks have been proposed (ids run from 1 to the count). */
export async function getTaskCount(protocol: Protocol): Promise<bigint> {
  return protocol.ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'taskCount' })
}
