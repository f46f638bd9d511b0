import type { RunReport } from './run-report.js'

/** Where a run's report was written. */
export type ReportPaths = { html: string; json: string; chain?: string }

/**
 * What `deai run --json` prints for one run: per-round accuracy and judgements, the final model,
 * every participant's rewards, slashes and net, each attack's outcome and the gas. A public
 * contract (the README shows it); fields are added, never renamed.
 */
export function runSummary(report: RunReport, paths: ReportPaths) {
  return {
    rounds: report.rounds.map((r) => ({ round: r.round, accuracy: r.accuracy, accepted: r.accepted, rejected: r.rejected })),
    final: report.final,
    participants: report.participants.map(({ id, role, behaviour, rewards, slashed, net }) => ({ id, role, behaviour, rewards, slashed, net })),
    attacks: report.attacks.map(({ role, behaviour, attempted, defeated, net }) => ({ role, behaviour, attempted, defeated, net })),
    gas: report.gas,
    report: paths.html,
    json: paths.json,
  }
}

export type RunSummary = ReturnType<typeof runSummary>
