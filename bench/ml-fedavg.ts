/**
 * Plain local FedAvg on Fashion-MNIST, no chain: the yardstick for deai's training stage.
 * An IID split of the 60,000 training images over the trainers, one local epoch each per round,
 * the example-weighted average of their flat weights, and test accuracy after every round.
 *
 * Run: npx tsx bench/ml-fedavg.ts [--rounds 20] [--trainers 10] [--model mlp|cnn]
 *        [--epochs 1] [--batch 32] [--lr 0.05] [--seed 1]
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { initMl } from '../src/ml/backend.js'
import { loadFashionMnist } from '../src/ml/datasets/fashion-mnist.js'
import { assertModelKind, parameterCount } from '../src/ml/models/architecture.js'
import { initialWeights } from '../src/ml/models/initial-weights.js'
import { partitionIid } from '../src/ml/partition/iid.js'
import { deriveSeed } from '../src/ml/random.js'
import { evaluate } from '../src/ml/train/evaluate.js'
import { trainLocal, type TrainLocalReturnType } from '../src/ml/train/train-local.js'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    trainers: { type: 'string', default: '10' },
    model: { type: 'string', default: 'mlp' },
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
  },
})
const rounds = Number(values.rounds)
const trainers = Number(values.trainers)
const epochs = Number(values.epochs)
const batchSize = Number(values.batch)
const learningRate = Number(values.lr)
const seed = Number(values.seed)
const kind = values.model
assertModelKind(kind)

/** FedAvg: sum of n_k * w_k / sum of n_k, accumulated in float64, one coordinate at a time. */
function weightedAverage(updates: readonly TrainLocalReturnType[]): Float32Array {
  const first = updates[0]
  if (first === undefined) throw new Error('no updates to average')
  const total = updates.reduce((sum, u) => sum + u.examples, 0)
  const out = new Float32Array(first.weights.length)
  for (let i = 0; i < out.length; i++) {
    let acc = 0
    for (const u of updates) acc += u.examples * (u.weights[i] ?? 0)
    out[i] = acc / total
  }
  return out
}

const t0 = performance.now()
await initMl()
const [train, test] = await Promise.all([loadFashionMnist({ split: 'train' }), loadFashionMnist({ split: 'test' })])
const parts = partitionIid({ count: train.count, clients: trainers, seed })
console.log(
  `fedavg ${kind} (${parameterCount(kind)} parameters): ${trainers} IID trainers x ${parts[0]?.length ?? 0} examples, ` +
    `${rounds} rounds, ${epochs} epoch(s), batch ${batchSize}, lr ${learningRate}, seed ${seed}; start-up ${((performance.now() - t0) / 1000).toFixed(1)} s`,
)

let global = initialWeights(kind, seed)
const start = await evaluate({ kind, weights: global, data: test })
console.log(`round  0  accuracy ${start.accuracy.toFixed(4)}  loss ${start.loss.toFixed(4)}`)
let trainSeconds = 0
for (let round = 1; round <= rounds; round++) {
  const tRound = performance.now()
  const updates: TrainLocalReturnType[] = []
  for (let t = 0; t < trainers; t++) {
    updates.push(
      await trainLocal({
        kind,
        weights: global,
        data: train,
        indices: parts[t] ?? [],
        epochs,
        batchSize,
        learningRate,
        seed: deriveSeed(seed, round, t),
      }),
    )
  }
  global = weightedAverage(updates)
  const tTrained = performance.now()
  const result = await evaluate({ kind, weights: global, data: test })
  const tDone = performance.now()
  trainSeconds += (tTrained - tRound) / 1000
  const meanLoss = updates.reduce((s, u) => s + u.loss * u.examples, 0) / updates.reduce((s, u) => s + u.examples, 0)
  console.log(
    `round ${String(round).padStart(2)}  accuracy ${result.accuracy.toFixed(4)}  loss ${result.loss.toFixed(4)}  ` +
      `train-loss ${meanLoss.toFixed(4)}  train ${((tTrained - tRound) / 1000).toFixed(1)} s  eval ${((tDone - tTrained) / 1000).toFixed(1)} s`,
  )
}
console.log(`mean training time per round ${(trainSeconds / rounds).toFixed(1)} s; total ${((performance.now() - t0) / 1000).toFixed(0)} s`)
