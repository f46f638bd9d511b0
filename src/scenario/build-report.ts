/**
 * The report of a played scenario, built from what the run left on chain and in its outcome:
 * the participants' books and the audit trail are read from the chain; the attack table and
 * the gas per role are derived from the rounds.
 *
 * @packageDocumentation
 */
import type { Protocol } from '../ledger/protocol.js'
import type { Deployment } from '../ledger/deploy/deployment.js'
import type { AdversaryRecord } from '../roles/adversary/adversary-record.js'
import { auditTrail } from './audit-trail.js'
import { participantBooks } from './participant-books.js'
import type { ScenarioOutcome } from './play-scenario.js'
import type { AttackRecord, RoundRecord, RunParticipant, RunReport } from './run-report.js'
import type { Member } from './scenario-cast.js'
import type { Scenario } from './scenario-schema.js'

/** Which lifecycle stages a run plays in their full form and which in their simplest honest form. */
export const RUN_STAGES: RunReport['stages'] = [
  { stage: 'task proposing', form: 'full', detail: 'stake-drawn committee, commit–reveal votes, rewards and slashing' },
  { stage: 'data', form: 'simple', detail: 'shards registered by CID with provenance events and per-trainer grants; no data market or proof of contribution yet' },
  { stage: 'compute', form: 'simple', detail: 'every participant brings its own compute; no compute market yet' },
  { stage: 'training', form: 'full', detail: 'update commitments, score commit–reveal, consensus, rewards and slashing, model posting with disputes' },
  { stage: 'marketplace', form: 'simple', detail: 'a model record with its lineage (CID and Merkle root), checkable against the chain; no licences or revenue split yet' },
  { stage: 'inference', form: 'simple', detail: 'requests and results recorded with an escrowed fee; results are not verified or challengeable yet' },
]

export type BuildReportInit = {
  scenario: Scenario
  protocol: Protocol
  deployment: Deployment
  members: readonly Member[]
  outcome: ScenarioOutcome
  /** Wall-clock figures of the run. */
  timing: Pick<RunReport['timing'], 'totalSeconds' | 'stages'>
}

/** Builds the report of a played scenario. */
export async function buildReport(init: BuildReportInit): Promise<RunReport> {
  const { scenario, protocol, outcome } = init
  const participants = await participantBooks(protocol, outcome.task.id, init.members.map((m) => ({ id: m.id, role: m.role, behaviour: m.behaviour, address: m.account.address })))
  const last = outcome.rounds.at(-1)
  return {
    format: 'deai-run/1',
    scenario,
    task: outcome.task,
    stages: RUN_STAGES,
    data: { shards: outcome.shards },
    model: outcome.model,
    inference: outcome.inference,
    initialAccuracy: outcome.initialAccuracy,
    rounds: outcome.rounds,
    final: { accuracy: last?.accuracy ?? outcome.initialAccuracy, modelCid: last?.modelCid ?? outcome.initialCid },
    participants,
    attacks: attacksOf(outcome.rounds, participants, outcome.records),
    auditTrail: await auditTrail(protocol, outcome.training),
    gas: gasByRole(outcome.rounds, init.members),
    chain: { chainId: protocol.ledger.chain.id, deployment: init.deployment, blocks: await protocol.ledger.client.getBlockNumber() },
    timing: { ...init.timing, rounds: outcome.roundSeconds, roundsCpu: outcome.roundCpuSeconds, phases: outcome.phases },
  }
}

/** The trust adversaries report their own attempts; the others are judged round by round. */
export function attacksOf(rounds: readonly RoundRecord[], participants: readonly RunParticipant[], records: ReadonlyMap<string, readonly AdversaryRecord[]>): AttackRecord[] {
  const total = participants.reduce((sum, p) => sum + p.rewards, 0n)
  const groups = new Map<string, { role: AttackRecord['role']; behaviour: string; members: RunParticipant[] }>()
  for (const p of participants) {
    if (p.behaviour === 'honest' || !['trainer', 'validator', 'proposer', 'stranger', 'verifier'].includes(p.role)) continue
    // A grinder's sybil verifiers are part of its attack.
    const role = (p.behaviour === 'grinder' ? 'proposer' : p.role) as AttackRecord['role']
    const key = `${role} ${p.behaviour}`
    const group = groups.get(key) ?? { role, behaviour: p.behaviour, members: [] }
    group.members.push(p)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ role, behaviour, members: group }) => {
    const ids = new Set(group.map((p) => p.id))
    const rewards = group.reduce((sum, p) => sum + p.rewards, 0n)
    const own = records.get(behaviour)
    let attempted: number
    let defeated: number
    if (own !== undefined) {
      attempted = own.reduce((n, r) => n + r.attempted, 0)
      defeated = own.reduce((n, r) => n + r.defeated, 0)
    } else if (role === 'trainer') {
      const rows = rounds.flatMap((r) => r.updates.filter((u) => ids.has(u.trainer)))
      attempted = rows.length
      defeated = rows.filter((u) => !u.accepted).length
    } else if (behaviour === 'sybil-swarm') {
      // Each member tries every round to take a seat and be paid for scoring in the owner's
      // favour; it is defeated when it is evicted from the set, slashed or paid nothing.
      const rows = rounds.flatMap((r) => r.validators.filter((v) => ids.has(v.validator)))
      attempted = rounds.length * group.length
      defeated = attempted - rows.filter((v) => !v.slashed && v.reward > 0n).length
    } else {
      const rows = rounds.flatMap((r) => r.validators.filter((v) => ids.has(v.validator)))
      attempted = rows.length
      defeated = rows.filter((v) => v.slashed).length
    }
    return {
      role,
      behaviour,
      participants: group.length,
      attempted,
      defeated,
      rewardShare: total === 0n ? 0 : Number((rewards * 1_000_000n) / total) / 1_000_000,
      net: group.reduce((sum, p) => sum + p.net, 0n),
      notes: own?.flatMap((r) => r.notes) ?? [],
    }
  })
}

/** Gas per role over the rounds: mean per round, mean per participant per round, and the total. */
export function gasByRole(rounds: readonly RoundRecord[], members: readonly Pick<Member, 'role'>[]): RunReport['gas'] {
  const counts = new Map<string, number>()
  for (const m of members) counts.set(m.role, (counts.get(m.role) ?? 0) + 1)
  const roles = [...new Set(rounds.flatMap((r) => Object.keys(r.gas)))].sort()
  return Object.fromEntries(roles.map((role) => {
    const totals = rounds.map((r) => r.gas[role] ?? 0n)
    const total = totals.reduce((a, b) => a + b, 0n)
    const perRound = rounds.length === 0 ? 0n : total / BigInt(rounds.length)
    const n = BigInt(counts.get(role) ?? 1)
    return [role, { perRound, perParticipantPerRound: perRound / n, total }]
  }))
}
