/**
 * Per-round protocol overhead: the wall time of a training round played through the protocol
 * (chain, content store, validators' scoring, settlement, posting) divided by the same local
 * training and aggregation without them, measured in the same run on the same data.
 * Run alone: `npx tsx bench/protocol-overhead.ts [--trainers 10] [--rounds 3] [--examples 6000]`.
 */
import { pathToFileURL } from 'node:url'
import { aggregate } from '../src/mechanisms/aggregation/aggregate.js'
import { initMl } from '../src/ml/backend.js'
import { initialWeights } from '../src/ml/models/initial-weights.js'
import { deriveSeed } from '../src/ml/random.js'
import { evaluate } from '../src/ml/train/evaluate.js'
import { trainLocal } from '../src/ml/train/train-local.js'
import { parseScenario } from '../src/scenario/load-scenario.js'
import { prepareData } from '../src/scenario/prepare-data.js'
import { runScenario } from '../src/scenario/run-scenario.js'

export type ProtocolOverheadInit = { trainers?: number; validators?: number; rounds?: number; examples?: number; print?: (line: string) => void }
export type ProtocolOverheadResult = { protocolSeconds: number; localSeconds: number; ratio: number; cpuRatio: number; rounds: number }

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export async function benchProtocolOverhead(init: ProtocolOverheadInit = {}): Promise<ProtocolOverheadResult> {
  const print = init.print ?? console.log
  const trainers = init.trainers ?? 10
  const rounds = init.rounds ?? 3
  const scenario = parseScenario({
    seed: 5,
    name: 'overhead',
    task: { model: 'mlp', rounds, ...(init.examples === undefined ? {} : { examplesPerTrainer: init.examples }), validationExamples: 500, budget: 1000 },
    mechanisms: { aggregation: { rule: 'fedavg' }, consensus: { rule: 'flock' } },
    participants: { trainers: [{ count: trainers }], validators: [{ count: init.validators ?? 3 }], verifiers: 3 },
  })
  await initMl()

  // Local: the same trainers on the same partitions, FedAvg, and the same test evaluation per round.
  const data = await prepareData(scenario, trainers, init.validators ?? 3)
  let global = initialWeights('mlp', deriveSeed(scenario.seed, 0x1417))
  const localRounds: number[] = []
  const localCpu: number[] = []
  for (let r = 1; r <= rounds; r++) {
    const started = performance.now()
    const cpuStarted = process.cpuUsage()
    const updates: Float32Array[] = []
    const weights: number[] = []
    for (let t = 0; t < trainers; t++) {
      const out = await trainLocal({ kind: 'mlp', weights: global, data: data.trainPool, indices: data.trainerIndices[t]!, seed: deriveSeed(scenario.seed, 0x7a, t, r) })
      updates.push(out.weights)
      weights.push(out.examples)
    }
    global = aggregate('fedavg', updates, { weights })
    await evaluate({ kind: 'mlp', weights: global, data: data.test })
    localRounds.push((performance.now() - started) / 1000)
    const cpu = process.cpuUsage(cpuStarted)
    localCpu.push((cpu.user + cpu.system) / 1e6)
  }

  const report = await runScenario(scenario)
  // The first round of each pays one-off warm-up (tfjs kernels, fresh contract storage); compare the rest.
  const skip = rounds > 1 ? 1 : 0
  const protocolSeconds = mean(report.timing.rounds.slice(skip))
  const localSeconds = mean(localRounds.slice(skip))
  const ratio = protocolSeconds / localSeconds
  const protocolCpu = mean(report.timing.roundsCpu.slice(skip))
  const localCpuSeconds = mean(localCpu.slice(skip))
  print(`protocol overhead: ${trainers} trainers, ${init.validators ?? 3} validators, MLP, ${data.trainerIndices[0]!.length} examples each, rounds ${skip + 1}..${rounds}`)
  print(`  round with chain + content + scoring + settlement  ${protocolSeconds.toFixed(2)} s`)
  print(`  same local training + FedAvg                        ${localSeconds.toFixed(2)} s`)
  print(`  ratio                                               ${ratio.toFixed(3)}  (goal <= 1.10)`)
  print(`  the same in CPU time (robust to other load)         ${protocolCpu.toFixed(2)} s / ${localCpuSeconds.toFixed(2)} s = ${(protocolCpu / localCpuSeconds).toFixed(3)}`)
  const phases = report.timing.phases.slice(skip)
  print(`  protocol round by phase: ${Object.keys(phases[0] ?? {}).map((k) => `${k} ${mean(phases.map((p) => p[k] ?? 0)).toFixed(2)} s`).join(', ')}`)
  return { protocolSeconds, localSeconds, ratio, cpuRatio: protocolCpu / localCpuSeconds, rounds }
}

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : Number(process.argv[i + 1])
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t = flag('trainers')
  const r = flag('rounds')
  const e = flag('examples')
  await benchProtocolOverhead({ ...(t === undefined ? {} : { trainers: t }), ...(r === undefined ? {} : { rounds: r }), ...(e === undefined ? {} : { examples: e }) })
}
