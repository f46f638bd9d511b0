import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

/**
 * The ids of the shards a trainer (owner address) may use in a task, in the order they were granted.
 *
 * @example
 * ```ts
 * import { getGrantedShards } from 'deai/actions'
 * const ids = await getGrantedShards(protocol, taskId, trainer.address)
 * ```
 */
export async function getGrantedShards(protocol: Protocol, taskId: bigint, trainer: Address): Promise<bigint[]> {
  const ids = await protocol.ledger.client.readContract({ ...protocol.dataRegistry, functionName: 'grantsOf', args: [taskId, trainer] })
  return [...ids]
}
