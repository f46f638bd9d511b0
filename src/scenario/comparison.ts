import { formatEther } from 'viem'
import type { RunReport } from './run-report.js'

/** One variant's outcome, side by side with the others. */
export type VariantSummary = {
  variant: string
  aggregation: string
  consensus: string
  aggregateOver: string
  finalAccuracy: number
  accuracy: number[]
  attacksAttempted: number
  attacksCaught: number
  /** Share of rewards that went to adversarial trainers and validators. */
  adversaryRewardShare: number
  /** DEAI slashed from adversaries. */
  adversariesSlashed: number
  /** DEAI slashed from honest participants (false positives). */
  honestSlashed: number
  report: string
}

/** Summarises each variant's report for the comparison table. */
export function compareVariants(runs: readonly { name: string; report: RunReport; path: string }[]): VariantSummary[] {
  return runs.map(({ name, report, path }) => {
    const adversaries = report.participants.filter((p) => (p.role === 'trainer' || p.role === 'validator') && p.behaviour !== 'honest')
    const total = report.participants.reduce((s, p) => s + p.rewards, 0n)
    const adversaryRewards = adversaries.reduce((s, p) => s + p.rewards, 0n)
    const m = report.scenario.mechanisms
    return {
      variant: name,
      aggregation: m.aggregation.rule,
      consensus: m.consensus.rule,
      aggregateOver: m.aggregateOver,
      finalAccuracy: report.final.accuracy,
      accuracy: report.rounds.map((r) => r.accuracy),
      attacksAttempted: report.attacks.reduce((n, a) => n + a.attempted, 0),
      attacksCaught: report.attacks.reduce((n, a) => n + a.defeated, 0),
      adversaryRewardShare: total === 0n ? 0 : Number((adversaryRewards * 1_000_000n) / total) / 1_000_000,
      adversariesSlashed: Number(formatEther(adversaries.reduce((s, p) => s + p.slashed, 0n))),
      honestSlashed: Number(formatEther(report.participants.filter((p) => p.behaviour === 'honest').reduce((s, p) => s + p.slashed, 0n))),
      report: path,
    }
  })
}
