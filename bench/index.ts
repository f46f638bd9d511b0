/**
 * `npm run bench`: every benchmark, each printing its figures and the ratios measured in the
 * same run. Sections can be picked by name: `npm run bench -- aggregation yuma`.
 */
import { benchAggregation } from './aggregation.js'
import { benchTaskGas, formatGasTable } from './gas-tasks.js'
import { benchNodeRounds } from './node-rounds.js'
import { benchYuma } from './yuma.js'

const sections: Record<string, () => Promise<void> | void> = {
  'gas-tasks': async () => console.log(formatGasTable(await benchTaskGas())),
  aggregation: () => void benchAggregation(),
  yuma: () => void benchYuma(),
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
