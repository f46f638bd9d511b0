import type { Protocol } from '../../protocol.js'

/**
 * How many tasks have been proposed (task ids run from 1 to this).
 *
 * @example
 * ```ts
 * import { getTaskCount } from 'deai/actions'
 * const count = await getTaskCount(protocol)
 * ```
 */
export async function getTaskCount(protocol: Protocol): Promise<bigint> {
  return protocol.ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'taskCount' })
}
