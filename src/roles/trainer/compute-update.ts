import type { ImageSet } from '../../ml/datasets/image-set.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { sampleNormal } from '../../ml/distributions.js'
import { createRandom, deriveSeed } from '../../ml/random.js'
import { trainLocal } from '../../ml/train/train-local.js'
import type { TrainerBehaviour } from './trainer-behaviours.js'
import { stampTrigger } from './backdoor-trigger.js'

/** How a trainer behaves, with the knobs its attack takes. */
export type TrainerConduct = {
  behaviour: Exclude<TrainerBehaviour, 'copier' | 'front-runner' | 'slash-escaper'>
  /** sign-flip scale. @default 10 */
  scale?: number
  /** gaussian-noise standard deviation. @default 0.5 */
  sigma?: number
  /** backdoor target class. @default 0 */
  target?: number
  /** backdoor share of poisoned examples. @default 0.5 */
  poisonFraction?: number
}

export type ComputeUpdateParameters = {
  kind: ModelKind
  global: Float32Array
  data: ImageSet
  indices: readonly number[]
  epochs: number
  batchSize: number
  learningRate: number
  /** Seeds this trainer's shuffles and noise for this round. */
  seed: number
  conduct: TrainerConduct
}

/**
 * A trainer's update for one round: honest local SGD, or one of the attacks the protocol is
 * tested against. Returns full model weights (not a delta) and the example count it claims.
 */
export async function computeUpdate(p: ComputeUpdateParameters): Promise<{ weights: Float32Array; examples: number }> {
  const base = { kind: p.kind, weights: p.global, data: p.data, indices: p.indices, epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, seed: p.seed }
  const c = p.conduct
  switch (c.behaviour) {
    case 'honest':
      return trainLocal(base)
    case 'label-flip':
      return trainLocal({ ...base, transformLabel: (label) => 9 - label })
    case 'backdoor': {
      const target = c.target ?? 0
      const fraction = c.poisonFraction ?? 0.5
      const random = createRandom(deriveSeed(p.seed, 0xbd))
      const poisoned = new Set(p.indices.filter(() => random.nextFloat() < fraction))
      return trainLocal({
        ...base,
        transformImage: (pixels, index) => {
          if (poisoned.has(index)) stampTrigger(pixels, p.data.rows, p.data.cols)
        },
        transformLabel: (label, index) => (poisoned.has(index) ? target : label),
      })
    }
    case 'sign-flip': {
      const honest = await trainLocal(base)
      const scale = c.scale ?? 10
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- local training returns as many weights as the global model has
      const out = p.global.map((g, i) => g - scale * (honest.weights[i]! - g))
      return { weights: out, examples: honest.examples }
    }
    case 'gaussian-noise': {
      const random = createRandom(deriveSeed(p.seed, 0x6e))
      const sigma = c.sigma ?? 0.5
      const out = p.global.map((g) => g + sigma * sampleNormal(random))
      return { weights: out, examples: p.indices.length }
    }
    case 'free-rider':
      // Claims a full share of examples for no work at all.
      return { weights: p.global.slice(), examples: p.indices.length }
  }
}
