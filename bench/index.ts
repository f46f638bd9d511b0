/**
 * `npm run bench`: every benchmark, each printing its figures and the ratios measured in the
 * same run. Sections can be picked by name: `npm run bench -- aggregation yuma`.
 * The long training experiments are separate: `npx tsx bench/training-experiments.ts`.
 */
import { benchAggregation } from './aggregation.js'
import { evaluateCabal, evaluateWeightCopying, formatCabalTable, formatCopyingTable } from './consensus-evaluation.js'
import { benchTaskGas, formatGasTable } from './gas-tasks.js'
import { benchTrainingGas } from './gas-training.js'
import { benchYumaGas, formatYumaGasTable } from './gas-yuma.js'
import { benchProtocolOverhead } from './protocol-overhead.js'
import { benchSortitionGas, formatSortitionGas } from './gas-sortition.js'
import { benchNodeRounds } from './node-rounds.js'
import { benchYuma } from './yuma.js'

const sections: Record<string, () => Promise<void> | void> = {
  'gas-tasks': async () => console.log(formatGasTable(await benchTaskGas())),
  'gas-training': async () => console.log(formatGasTable(await benchTrainingGas())),
  'protocol-overhead': async () => void (await benchProtocolOverhead()),
  aggregation: () => void benchAggregation(),
  yuma: () => void benchYuma(),
  'gas-yuma': async () => console.log(formatYumaGasTable(await benchYumaGas())),
  // Builds a 100,000-key tree: about two minutes.
  sortition: async () => console.log(formatSortitionGas(await benchSortitionGas())),
  consensus: () => {
    console.log(formatCabalTable(evaluateCabal()))
    console.log(`\n${formatCopyingTable(evaluateWeightCopying())}`)
  },
  // Needs the built CLI (npm run bench builds it); about two and a half minutes.
  'node-rounds': async () => void (await benchNodeRounds()),
}

const picked = process.argv.slice(2).filter((a) => !a.startsWith('-'))
for (const name of picked) {
  if (!(name in sections)) {
    console.error(`unknown benchmark "${name}"; one of: ${Object.keys(sections).join(', ')}`)
    process.exit(2)
  }
}
for (const [name, run] of Object.entries(sections)) {
  if (picked.length > 0 && !picked.includes(name)) continue
  console.log(`\n== ${name}`)
  const started = Date.now()
  await run()
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
