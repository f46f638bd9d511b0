/**
 * IID partition: every client gets a uniformly random share of the examples.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { createRandom } from '../random.js'
import { assertInteger, canonical } from './validate.js'

export type PartitionIidParameters = {
  /** Number of examples to split (indices 0 to count - 1). */
  count: number
  /** Number of clients, ≥ 1. */
  clients: number
  /** Seed of the shuffle. */
  seed: number
}

/**
 * Shuffles all example indices with a seeded generator and deals them into `clients`
 * contiguous runs. Every index is used exactly once. When `count` does not divide by
 * `clients`, the first `count % clients` clients get one example more than the others.
 *
 * @param parameters number of examples, clients and the seed
 * @returns per client, its example indices in ascending order
 * @throws DeaiError `ML_INVALID_PARTITION` when `clients < 1`, `count < 0` or `clients > count`
 * @example
 * ```ts
 * import { partitionIid } from 'deai/ml'
 * const parts = partitionIid({ count: 60_000, clients: 10, seed: 1 }) // 10 x 6,000 indices
 * ```
 */
export function partitionIid(parameters: PartitionIidParameters): number[][] {
  const { count, clients, seed } = parameters
  assertInteger('count', count, 0)
  assertInteger('clients', clients, 1)
  if (clients > count) {
    throw new DeaiError('ML_INVALID_PARTITION', `Cannot split ${count} examples over ${clients} clients without leaving a client empty.`, {
      fixes: ['Use at most as many clients as examples.'],
    })
  }
  const order = createRandom(seed).shuffle(Array.from({ length: count }, (_, i) => i))
  const base = Math.floor(count / clients)
  const extra = count % clients
  const parts: number[][] = []
  let start = 0
  for (let c = 0; c < clients; c++) {
    const size = base + (c < extra ? 1 : 0)
    parts.push(order.slice(start, start + size))
    start += size
  }
  return canonical(parts)
}
