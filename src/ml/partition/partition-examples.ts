/**
 * One entry point for all partitioners, keyed by the scenario file's `partition` object.
 *
 * @packageDocumentation
 */
import { partitionDirichlet } from './dirichlet.js'
import { partitionIid } from './iid.js'
import { partitionShards } from './shards.js'

/** A partition scheme, as written in a scenario's `task.partition`. */
export type PartitionSpec =
  | { kind: 'iid' }
  | { kind: 'dirichlet'; alpha: number; minPerClient?: number }
  | { kind: 'shards'; perTrainer: number }

export type PartitionExamplesParameters = {
  /** The label of every example; example indices are positions in this array. */
  labels: ArrayLike<number>
  /** Number of clients, ≥ 1. */
  clients: number
  /** Seed of the partition. */
  seed: number
}

/**
 * Splits example indices over clients with the scheme `spec` names. See {@link partitionIid},
 * {@link partitionDirichlet} and {@link partitionShards} for each scheme's exact behaviour.
 *
 * @param spec the scheme and its parameters
 * @param parameters labels, number of clients and the seed
 * @returns per client, its example indices in ascending order; no index appears twice
 * @example
 * ```ts
 * import { partitionExamples } from 'deai/ml'
 * const parts = partitionExamples({ kind: 'dirichlet', alpha: 0.5 }, { labels: train.labels, clients: 10, seed: 1 })
 * ```
 */
export function partitionExamples(spec: PartitionSpec, parameters: PartitionExamplesParameters): number[][] {
  const { labels, clients, seed } = parameters
  switch (spec.kind) {
    case 'iid':
      return partitionIid({ count: labels.length, clients, seed })
    case 'dirichlet':
      return partitionDirichlet({
        labels,
        clients,
        seed,
        alpha: spec.alpha,
        ...(spec.minPerClient === undefined ? {} : { minPerClient: spec.minPerClient }),
      })
    case 'shards':
      return partitionShards({ labels, clients, seed, perTrainer: spec.perTrainer })
  }
}
