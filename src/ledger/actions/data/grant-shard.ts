import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type GrantShardParameters = {
  taskId: bigint
  shardId: bigint
  /** The trainer's owner address (the one its training submissions name). */
  trainer: Address
}

/**
 * The shard's provider (through its operator key) lets a trainer use the shard. Final: grants
 * are not revoked.
 *
 * @example
 * ```ts
 * import { grantShard } from 'deai/actions'
 * await grantShard(protocol, provider, { taskId, shardId, trainer: trainer.address })
 * ```
 */
export function grantShard(protocol: Protocol, key: PrivateKeyAccount, parameters: GrantShardParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, key, {
    ...protocol.dataRegistry,
    functionName: 'grantShard',
    args: [parameters.taskId, parameters.shardId, parameters.trainer],
  }, { gasMeter: protocol.gasMeter })
}
