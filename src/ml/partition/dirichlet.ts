/**
 * Dirichlet label-skew partition, the usual non-IID benchmark scheme (Hsu, Qi and Brown, 2019;
 * used by NIID-Bench and Flower's DirichletPartitioner): for each class, draw the share of that
 * class every client receives from Dirichlet(alpha, ..., alpha). Small alpha gives clients few
 * classes each; large alpha approaches an IID split.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import { sampleDirichlet } from '../distributions.js'
import { createRandom } from '../random.js'
import { assertInteger, assertLabels, canonical } from './validate.js'

export type PartitionDirichletParameters = {
  /** The label of every example; example indices are positions in this array. */
  labels: ArrayLike<number>
  /** Number of clients, ≥ 1. */
  clients: number
  /** Dirichlet concentration, > 0. 0.1 is strongly skewed, 100 nearly IID. */
  alpha: number
  /** Seed of the proportions and shuffles. */
  seed: number
  /**
   * Number of classes; labels must be in [0, classes).
   * @default the largest label + 1
   */
  classes?: number
  /**
   * Every client must end with at least this many examples; draws that leave a client
   * smaller are discarded and redrawn (from the same seeded stream).
   * @default 1
   */
  minPerClient?: number
  /**
   * How many draws to try before giving up with `ML_PARTITION_INFEASIBLE`.
   * @default 1000
   */
  maxAttempts?: number
}

/**
 * Splits examples over clients with per-class Dirichlet proportions.
 *
 * For each class in turn, its examples are shuffled and cut at `floor(cumsum(p) * n_class)`,
 * where `p` is that class's Dirichlet draw over clients; the last client takes the rest of the
 * class, so every index is used exactly once. Client sizes are therefore unequal by design.
 *
 * @param parameters labels, clients, alpha, seed and optional limits
 * @returns per client, its example indices in ascending order
 * @throws DeaiError `ML_INVALID_PARTITION` on bad arguments; `ML_PARTITION_INFEASIBLE` when no
 *   draw within `maxAttempts` gives every client `minPerClient` examples
 * @example
 * ```ts
 * import { loadFashionMnist, partitionDirichlet } from 'deai/ml'
 * const train = await loadFashionMnist({ split: 'train' })
 * const parts = partitionDirichlet({ labels: train.labels, clients: 10, alpha: 0.5, seed: 1 })
 * ```
 */
export function partitionDirichlet(parameters: PartitionDirichletParameters): number[][] {
  const { labels, clients, alpha, seed } = parameters
  const minPerClient = parameters.minPerClient ?? 1
  const maxAttempts = parameters.maxAttempts ?? 1000
  assertInteger('clients', clients, 1)
  assertInteger('minPerClient', minPerClient, 0)
  assertInteger('maxAttempts', maxAttempts, 1)
  if (!(Number.isFinite(alpha) && alpha > 0)) {
    throw new DeaiError('ML_INVALID_PARTITION', `Dirichlet alpha must be a positive number, got ${String(alpha)}.`, {
      fixes: ['Use alpha > 0, e.g. 0.5 (skewed) or 100 (close to IID).'],
    })
  }
  let classes = parameters.classes
  if (classes === undefined) {
    classes = 0
    for (let i = 0; i < labels.length; i++) classes = Math.max(classes, (labels[i] ?? 0) + 1)
  }
  assertInteger('classes', classes, 1)
  assertLabels(labels, classes)
  if (labels.length < clients * minPerClient) {
    throw new DeaiError(
      'ML_PARTITION_INFEASIBLE',
      `${labels.length} examples cannot give ${clients} clients ${minPerClient} examples each.`,
      { fixes: ['Use fewer clients, more examples, or a lower minPerClient.'] },
    )
  }

  const byClass: number[][] = Array.from({ length: classes }, () => [])
  for (let i = 0; i < labels.length; i++) byClass[labels[i] ?? 0]?.push(i)

  const random = createRandom(seed)
  const concentrations = new Array<number>(clients).fill(alpha)
  let smallest = 0
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const parts: number[][] = Array.from({ length: clients }, () => [])
    for (const members of byClass) {
      const shuffled = random.shuffle(members.slice())
      const proportions = sampleDirichlet(random, concentrations)
      let cumulative = 0
      let start = 0
      for (let c = 0; c < clients; c++) {
        cumulative += proportions[c] ?? 0
        const end = c === clients - 1 ? shuffled.length : Math.min(shuffled.length, Math.floor(cumulative * shuffled.length))
        for (let k = start; k < end; k++) parts[c]?.push(shuffled[k] as number)
        start = Math.max(start, end)
      }
    }
    smallest = Math.min(...parts.map((part) => part.length))
    if (smallest >= minPerClient) return canonical(parts)
  }
  throw new DeaiError(
    'ML_PARTITION_INFEASIBLE',
    `No Dirichlet(${alpha}) draw in ${maxAttempts} attempts gave every one of ${clients} clients ${minPerClient} examples.`,
    {
      details: [`Smallest client in the last draw: ${smallest} examples.`],
      fixes: ['Raise alpha, use fewer clients, lower minPerClient, or raise maxAttempts.'],
    },
  )
}
