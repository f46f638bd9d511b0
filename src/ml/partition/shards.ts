/**
 * Class-shard partition (McMahan et al., 2017, the pathological non-IID MNIST split): sort the
 * examples by label, cut them into equal shards, and give each client a few random shards, so
 * each client sees only a few classes.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { createRandom } from '../random.js'
import { assertInteger, canonical } from './validate.js'

export type PartitionShardsParameters = {
  /** The label of every example; example indices are positions in this array. */
  labels: ArrayLike<number>
  /** Number of clients, ≥ 1. */
  clients: number
  /** Shards each client receives, ≥ 1 (2 in McMahan et al.). */
  perTrainer: number
  /** Seed of the shuffles. */
  seed: number
}

/**
 * Splits examples over clients by label-sorted shards.
 *
 * There are `clients * perTrainer` shards of `floor(count / shards)` examples each. When the
 * count does not divide, the `count % shards` left-over examples are chosen at random and left
 * out (every other index is used exactly once). The rest are ordered by label (ties in a seeded
 * random order), cut into consecutive shards, and the shards are dealt to clients in a seeded
 * random order.
 *
 * @param parameters labels, clients, shards per client and the seed
 * @returns per client, its example indices in ascending order
 * @throws DeaiError `ML_INVALID_PARTITION` on bad arguments or when there are fewer examples
 *   than shards
 * @example
 * ```ts
 * import { partitionShards } from 'deai/ml'
 * const parts = partitionShards({ labels: train.labels, clients: 100, perTrainer: 2, seed: 1 })
 * ```
 */
export function partitionShards(parameters: PartitionShardsParameters): number[][] {
  const { labels, clients, perTrainer, seed } = parameters
  assertInteger('clients', clients, 1)
  assertInteger('perTrainer', perTrainer, 1)
  const shards = clients * perTrainer
  const shardSize = Math.floor(labels.length / shards)
  if (shardSize < 1) {
    throw new DeaiError('ML_INVALID_PARTITION', `${labels.length} examples cannot fill ${shards} shards (${clients} clients x ${perTrainer}).`, {
      fixes: ['Use fewer clients or fewer shards per client.'],
    })
  }
  const random = createRandom(seed)
  const kept = random.shuffle(Array.from({ length: labels.length }, (_, i) => i)).slice(0, shards * shardSize)
  // Array.prototype.sort is stable, so examples of one class keep their shuffled order.
  kept.sort((a, b) => (labels[a] ?? 0) - (labels[b] ?? 0))
  const shardOrder = random.shuffle(Array.from({ length: shards }, (_, s) => s))
  const parts: number[][] = []
  for (let c = 0; c < clients; c++) {
    const part: number[] = []
    for (let k = 0; k < perTrainer; k++) {
      const shard = shardOrder[c * perTrainer + k] as number
      for (let i = shard * shardSize; i < (shard + 1) * shardSize; i++) part.push(kept[i] as number)
    }
    parts.push(part)
  }
  return canonical(parts)
}
