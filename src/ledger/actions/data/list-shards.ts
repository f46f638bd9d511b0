import type { Address, Hex } from 'viem'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'

/** A shard as DataRegistry holds it. */
export type DataShard = {
  /** Its id within the task (from 0, in registration order). */
  id: bigint
  /** The provider's owner address. */
  provider: Address
  cid: string
  digest: Hex
  codec: number
  examples: number
}

/**
 * Every shard registered for a task, by id.
 *
 * @example
 * ```ts
 * import { listShards } from 'deai/actions'
 * for (const shard of await listShards(protocol, taskId)) console.log(shard.id, shard.cid, shard.provider)
 * ```
 */
export async function listShards(protocol: Protocol, taskId: bigint): Promise<DataShard[]> {
  const shards = await protocol.ledger.client.readContract({ ...protocol.dataRegistry, functionName: 'shardsOf', args: [taskId] })
  return shards.map((s, i) => ({
    id: BigInt(i),
    provider: s.provider,
    cid: fromOnChainDigest(s.digest, s.codec),
    digest: s.digest,
    codec: s.codec,
    examples: s.examples,
  }))
}
