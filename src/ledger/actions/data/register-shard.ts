import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type RegisterShardParameters = {
  taskId: bigint
  /** CID of the shard in the content store. */
  shardCid: string
  /** Examples the shard holds (at least 1). */
  examples: number
}

export type RegisterShardReturnType = { shardId: bigint; receipt: TransactionReceipt }

/**
 * A data provider's operator key (or the provider itself) registers a shard of data for an open
 * task. The provider needs the protocol's minimum stake in (task, data-provider).
 *
 * @example
 * ```ts
 * import { registerShard, stake } from 'deai/actions'
 * await stake(protocol, provider, { role: 'data-provider', taskId, amount: parseEther('10') })
 * const { shardId } = await registerShard(protocol, provider, { taskId, shardCid, examples: 6000 })
 * ```
 */
export async function registerShard(protocol: Protocol, key: PrivateKeyAccount, parameters: RegisterShardParameters): Promise<RegisterShardReturnType> {
  const { digest, codec } = toOnChainDigest(parameters.shardCid)
  const receipt = await writeContract(protocol.ledger, key, {
    ...protocol.dataRegistry,
    functionName: 'registerShard',
    args: [parameters.taskId, digest, codec, parameters.examples],
  }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: protocol.dataRegistry.abi, eventName: 'ShardRegistered', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'registerShard emitted no ShardRegistered event')
  return { shardId: event.args.shardId, receipt }
}
