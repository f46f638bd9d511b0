/**
 * How the training consensus rules (Yuma, Flock, MedianScore, exactly as the training contract
 * settles them: the pure restatement its tests hold it to) stand up to two attacks:
 *
 * (a) A cabal of colluding validators holding 10..50% of the validator stake boosts its own
 *     trainer (the "miner"): it scores the miner 10000 and every honest trainer 1000, while
 *     honest validators score each trainer's true quality with a little seeded noise. Measured:
 *     the miner's share of what the trainers earn over the rounds (Yuma's bonds carried round to
 *     round), against the share it deserves: its share under the same rule and the same noise
 *     when the cabal scores honestly too. Two miners: one of average quality, and a weak one that
 *     honest scoring rejects.
 * (b) Weight copying: a copier validator does no evaluation and copies. Without commit–reveal it
 *     copies the current round's consensus (the stake-weighted median of the scores the others
 *     revealed) before committing its own; with commit–reveal it can only copy the previous
 *     round's revealed consensus, which lags because the trainers' quality drifts from round to
 *     round (a seeded random walk). Measured: the copier's rewards per unit of stake relative to
 *     the honest validators'.
 *
 * Every figure is the mean over 5 seeded runs of 30 rounds, 10 validators of equal stake and 10
 * trainers. Run with `npx tsx bench/consensus-evaluation.ts` (add `--rounds N`, `--seed S`,
 * `--seeds K`).
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { stakeWeightedMedian } from '../src/mechanisms/consensus/training/acceptance.js'
import type { TrainingConsensusRule } from '../src/mechanisms/consensus/training/settle-round.js'
import { simulateTrainingRounds } from '../src/mechanisms/consensus/training/simulate-rounds.js'
import type { SimulatedTrainingConfig, SimulationResult } from '../src/mechanisms/consensus/training/simulate-rounds.js'
import { createRandom } from '../src/ml/random.js'
import type { Random } from '../src/ml/random.js'

export const RULES: readonly TrainingConsensusRule[] = ['yuma', 'flock', 'median-score']

const E = 10n ** 18n
const STAKE = 1000n * E

/** The rules' settings for both studies: 1,000 DEAI a round, 70% to trainers, the scenario runner's bar. */
function configOf(rule: TrainingConsensusRule): SimulatedTrainingConfig {
  return { rule, acceptFloorBps: 5000, acceptRelativeBps: 8000, deviationBoundBps: 2500, trainerShareBps: 7000, emission: 1000n * E }
}

export type EvaluationInit = {
  /** Rounds per training. @default 30 */
  rounds?: number
  /** The first seed: every noise draw and drift comes from it. @default 1 */
  seed?: number
  /** Runs averaged, with seeds seed, seed + 1, ... @default 5 */
  seeds?: number
  /** Validators, all with equal stake. @default 10 */
  validators?: number
  /** Trainers (the cabal's miner among them). @default 10 */
  trainers?: number
}

/** A normal draw (Box–Muller) from the seeded stream. */
function gaussian(random: Random, sigma: number): number {
  const u = 1 - random.nextFloat()
  return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextFloat())
}

function clampScore(x: number): number {
  return Math.max(0, Math.min(10_000, Math.round(x)))
}

function share(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number((part * 1_000_000n) / whole) / 1_000_000
}

function sumOf(result: SimulationResult, ids: readonly string[]): bigint {
  return ids.reduce((sum, id) => sum + (result.rewards.get(id) ?? 0n), 0n)
}

// ---------------------------------------------------------------- (a) cabal

export type MinerQuality = 'average' | 'weak'

export type CabalRow = {
  miner: MinerQuality
  /** The cabal's share of the validator stake. */
  cabalStake: number
  rule: TrainingConsensusRule
  /** The miner's share of all the trainers earned, with the cabal. */
  captured: number
  /** The same share when the cabal scores honestly. */
  deserved: number
  /** The cabal validators' share of all the validators earned. */
  cabalValidatorShare: number
}

/** Honest trainers' true quality: evenly from 7000 to 9000 bps; the miner's: 8000 (average) or 6000 (weak). */
function qualities(trainers: number, miner: MinerQuality): number[] {
  return Array.from({ length: trainers }, (_, j) => (j === 0 ? (miner === 'average' ? 8000 : 6000) : 7000 + Math.round((2000 * (j - 1)) / Math.max(1, trainers - 2))))
}

function playCabal(rule: TrainingConsensusRule, init: Required<EvaluationInit>, miner: MinerQuality, cabalSize: number, colluding: boolean): SimulationResult {
  const random = createRandom(init.seed)
  const q = qualities(init.trainers, miner)
  const trainers = q.map((_, j) => (j === 0 ? 'miner' : `trainer-${j}`))
  const validators = Array.from({ length: init.validators }, (_, i) => (i < cabalSize ? `cabal-${i + 1}` : `honest-${i + 1 - cabalSize}`))
  return simulateTrainingRounds(configOf(rule), init.rounds, () => ({
    trainers,
    validators: validators.map((id, i) => {
      // Every validator draws its noise, so the honest draws are the same with or without the cabal.
      const honest = q.map((x) => clampScore(x + gaussian(random, 150)))
      const scores = colluding && i < cabalSize ? q.map((_, j) => (j === 0 ? 10_000 : 1000)) : honest
      return { id, stake: STAKE, scores }
    }),
  }))
}

/**
 * Table (a): for each miner quality, cabal size (10..50% of the validators, equal stakes) and
 * rule, the miner's captured and deserved share of the trainers' earnings.
 *
 * @param init - rounds, seed and sizes.
 * @returns one row per miner quality, cabal size and rule.
 */
export function evaluateCabal(init: EvaluationInit = {}): CabalRow[] {
  const full = resolve(init)
  const rows: CabalRow[] = []
  for (const miner of ['average', 'weak'] as const) {
    for (const fraction of [0.1, 0.2, 0.3, 0.4, 0.5]) {
      const cabalSize = Math.round(fraction * full.validators)
      for (const rule of RULES) {
        const trainerIds = ['miner', ...Array.from({ length: full.trainers - 1 }, (_, j) => `trainer-${j + 1}`)]
        const cabal = Array.from({ length: cabalSize }, (_, i) => `cabal-${i + 1}`)
        const validatorIds = [...cabal, ...Array.from({ length: full.validators - cabalSize }, (_, i) => `honest-${i + 1}`)]
        const runs = seedsOf(full).map((seed) => {
          const attacked = playCabal(rule, { ...full, seed }, miner, cabalSize, true)
          const honest = playCabal(rule, { ...full, seed }, miner, cabalSize, false)
          return {
            captured: share(attacked.rewards.get('miner') ?? 0n, sumOf(attacked, trainerIds)),
            deserved: share(honest.rewards.get('miner') ?? 0n, sumOf(honest, trainerIds)),
            cabalValidatorShare: share(sumOf(attacked, cabal), sumOf(attacked, validatorIds)),
          }
        })
        rows.push({
          miner,
          cabalStake: cabalSize / full.validators,
          rule,
          captured: mean(runs.map((r) => r.captured)),
          deserved: mean(runs.map((r) => r.deserved)),
          cabalValidatorShare: mean(runs.map((r) => r.cabalValidatorShare)),
        })
      }
    }
  }
  return rows
}

// ---------------------------------------------------------------- (b) weight copying

export type CopyingRow = {
  rule: TrainingConsensusRule
  /** The copier's rewards per unit of stake over the honest validators' mean, copying the current round. */
  withoutCommitReveal: number
  /** The same, copying the previous round's revealed consensus. */
  withCommitReveal: number
  /** Rounds the copier was slashed for deviating, with commit–reveal (over all seeds). */
  slashedWithCommitReveal: number
}

/** Trainers' quality per round: a seeded random walk (steps of σ 500 bps) inside [4000, 9800]. */
function driftingQualities(random: Random, trainers: number, rounds: number): number[][] {
  const start = Array.from({ length: trainers }, () => 5500 + random.nextInt(3500))
  const path = [start]
  for (let r = 1; r < rounds; r++) {
    path.push(path[r - 1]!.map((q) => Math.max(4000, Math.min(9800, Math.round(q + gaussian(random, 500))))))
  }
  return path
}

/** Per trainer, the stake-weighted median of the given validators' scores. */
function consensusOf(scores: readonly (readonly number[])[], stakes: readonly bigint[]): number[] {
  const total = stakes.reduce((a, b) => a + b, 0n)
  return (scores[0] ?? []).map((_, j) => stakeWeightedMedian(scores.map((row) => row[j]!), stakes, total))
}

function playCopying(rule: TrainingConsensusRule, init: Required<EvaluationInit>, commitReveal: boolean): SimulationResult {
  const random = createRandom(init.seed)
  const quality = driftingQualities(random, init.trainers, init.rounds)
  const trainers = Array.from({ length: init.trainers }, (_, j) => `trainer-${j + 1}`)
  const honest = Array.from({ length: init.validators - 1 }, (_, i) => `honest-${i + 1}`)
  return simulateTrainingRounds(configOf(rule), init.rounds, (round, history) => {
    const q = quality[round - 1]!
    const rows = honest.map(() => q.map((x) => clampScore(x + gaussian(random, 150))))
    const stakes = honest.map(() => STAKE)
    let copied: number[]
    if (!commitReveal) {
      copied = consensusOf(rows, stakes)
    } else {
      const last = history.at(-1)
      // Nothing revealed before round 1: the copier can only guess the middle of the scale.
      copied = last === undefined
        ? q.map(() => 5000)
        : consensusOf(last.play.validators.filter((v) => v.id !== 'copier').map((v) => v.scores), last.play.validators.filter((v) => v.id !== 'copier').map((v) => v.stake))
    }
    return {
      trainers,
      validators: [...honest.map((id, i) => ({ id, stake: STAKE, scores: rows[i]! })), { id: 'copier', stake: STAKE, scores: copied }],
    }
  })
}

/**
 * Table (b): per rule, the copier's rewards per unit of stake relative to the honest
 * validators', copying the current round (no commit–reveal) or the previous one (commit–reveal).
 *
 * @param init - rounds, seed and sizes (one of the validators is the copier).
 * @returns one row per rule.
 */
export function evaluateWeightCopying(init: EvaluationInit = {}): CopyingRow[] {
  const full = resolve(init)
  const honestIds = Array.from({ length: full.validators - 1 }, (_, i) => `honest-${i + 1}`)
  const ratio = (result: SimulationResult) => {
    const honestMean = Number(sumOf(result, honestIds)) / honestIds.length
    return honestMean === 0 ? 0 : Number(result.rewards.get('copier') ?? 0n) / honestMean
  }
  return RULES.map((rule) => {
    const open = seedsOf(full).map((seed) => playCopying(rule, { ...full, seed }, false))
    const sealed = seedsOf(full).map((seed) => playCopying(rule, { ...full, seed }, true))
    return {
      rule,
      withoutCommitReveal: mean(open.map(ratio)),
      withCommitReveal: mean(sealed.map(ratio)),
      slashedWithCommitReveal: sealed.reduce((n, r) => n + (r.slashed.get('copier') ?? 0), 0),
    }
  })
}

function resolve(init: EvaluationInit): Required<EvaluationInit> {
  return { rounds: init.rounds ?? 30, seed: init.seed ?? 1, seeds: init.seeds ?? 5, validators: init.validators ?? 10, trainers: init.trainers ?? 10 }
}

function seedsOf(init: Required<EvaluationInit>): number[] {
  return Array.from({ length: init.seeds }, (_, k) => init.seed + k)
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
}

// ---------------------------------------------------------------- tables

const percent = (x: number) => `${(100 * x).toFixed(1)}%`

function table(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const render = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n')
}

/** Table (a) as text: one line per miner quality and cabal size, captured (deserved) per rule. */
export function formatCabalTable(rows: readonly CabalRow[]): string {
  const keys = [...new Set(rows.map((r) => `${r.miner} ${r.cabalStake}`))]
  const lines = keys.map((key) => {
    const group = rows.filter((r) => `${r.miner} ${r.cabalStake}` === key)
    const first = group[0]!
    return [
      first.miner,
      percent(first.cabalStake),
      ...RULES.map((rule) => {
        const r = group.find((x) => x.rule === rule)!
        return `${percent(r.captured)} (${percent(r.deserved)})`
      }),
      ...RULES.map((rule) => percent(group.find((x) => x.rule === rule)!.cabalValidatorShare)),
    ]
  })
  return table(['miner', 'cabal stake', ...RULES.map((r) => `${r}: captured (deserved)`), ...RULES.map((r) => `${r}: cabal's validator pay`)], lines)
}

/** Table (b) as text: one line per rule. */
export function formatCopyingTable(rows: readonly CopyingRow[]): string {
  return table(
    ['rule', 'copier / honest, no commit-reveal', 'copier / honest, commit-reveal', 'copier slashed (rounds, commit-reveal)'],
    rows.map((r) => [r.rule, r.withoutCommitReveal.toFixed(3), r.withCommitReveal.toFixed(3), String(r.slashedWithCommitReveal)]),
  )
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name)
    return i < 0 ? undefined : Number(process.argv[i + 1])
  }
  const init: EvaluationInit = {
    ...(arg('--rounds') === undefined ? {} : { rounds: arg('--rounds')! }),
    ...(arg('--seed') === undefined ? {} : { seed: arg('--seed')! }),
    ...(arg('--seeds') === undefined ? {} : { seeds: arg('--seeds')! }),
  }
  const started = Date.now()
  process.stdout.write(`(a) cabal boosting its own miner: the miner's share of the trainers' earnings, captured (deserved)\n\n${formatCabalTable(evaluateCabal(init))}\n\n`)
  process.stdout.write(`(b) weight copying: the copier's rewards per unit of stake over the honest validators'\n\n${formatCopyingTable(evaluateWeightCopying(init))}\n\n`)
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}
