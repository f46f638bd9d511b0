import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { grantShard } from '../../ledger/actions/data/grant-shard.js'
import { registerShard } from '../../ledger/actions/data/register-shard.js'
import type { Protocol } from '../../ledger/protocol.js'
import { encodeImageSet } from '../../ml/datasets/image-set-bytes.js'
import type { ImageSet } from '../../ml/datasets/image-set.js'

export type DataProviderInit = {
  protocol: Protocol
  content: ContentStore
  /** The operator key that registers and grants (staked in the task's data-provider pool). */
  key: PrivateKeyAccount
}

/** A shard as registered on chain. */
export type ProvidedShard = { cid: string; shardId: bigint; examples: number }

/**
 * A data provider: it stores shards in the content store (one bytes object each, readable back
 * with `decodeImageSet`), registers them for a task on chain with their example counts, and
 * grants them to trainers, who read their data back by CID.
 */
export interface DataProvider {
  /** The operator key's address. */
  readonly address: Address
  /** Stores a shard and registers it for the task. */
  register(taskId: bigint, data: ImageSet): Promise<ProvidedShard>
  /** Lets a trainer (an owner address) use a registered shard. */
  grant(taskId: bigint, shardId: bigint, trainer: Address): Promise<void>
  /** Stores, registers and grants a shard to one trainer. */
  provide(taskId: bigint, data: ImageSet, trainer: Address): Promise<ProvidedShard>
}

/**
 * Creates a data provider.
 *
 * @example
 * ```ts
 * import { createDataProvider } from 'deai/roles'
 * const provider = createDataProvider({ protocol, content, key })
 * const { cid, shardId } = await provider.provide(taskId, shard, trainer.address)
 * ```
 */
export function createDataProvider(init: DataProviderInit): DataProvider {
  const { protocol, content, key } = init
  const register = async (taskId: bigint, data: ImageSet): Promise<ProvidedShard> => {
    const cid = await content.putBytes(encodeImageSet(data))
    const { shardId } = await registerShard(protocol, key, { taskId, shardCid: cid, examples: data.count })
    return { cid, shardId, examples: data.count }
  }
  const grant = async (taskId: bigint, shardId: bigint, trainer: Address): Promise<void> => {
    await grantShard(protocol, key, { taskId, shardId, trainer })
  }
  return {
    address: key.address,
    register,
    grant,
    async provide(taskId, data, trainer) {
      const shard = await register(taskId, data)
      await grant(taskId, shard.shardId, trainer)
      return shard
    },
  }
}
