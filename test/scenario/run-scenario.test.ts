import { describe, expect, test } from 'vitest'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { runScenario } from '../../src/scenario/run-scenario.js'
import type { RunReport } from '../../src/scenario/run-report.js'
import { toJson } from '../../src/shared/to-json.js'

const small = parseScenario({
  seed: 7,
  name: 'ci',
  task: { model: 'mlp', rounds: 2, examplesPerTrainer: 400, validationExamples: 200, testExamples: 500, budget: 1000 },
  mechanisms: { aggregation: { rule: 'median' }, consensus: { rule: 'median-score' } },
  participants: {
    trainers: [{ count: 3, behaviour: 'honest' }, { count: 1, behaviour: 'sign-flip', scale: 5 }, { count: 1, behaviour: 'free-rider' }],
    validators: [{ count: 2, behaviour: 'honest' }, { count: 1, behaviour: 'lazy' }],
    verifiers: 3,
  },
})

function withoutTiming(report: RunReport): string {
  const { timing: _timing, ...rest } = report
  return toJson(rest)
}

describe('deai run, a small scenario end to end', () => {
  let first: RunReport
  test('the task is approved, training improves the model, attackers are caught and slashed', async () => {
    first = await runScenario(small)
    expect(first.task.committee.every((c) => c.approve)).toBe(true)
    expect(first.rounds).toHaveLength(2)
    expect(first.final.accuracy).toBeGreaterThan(first.initialAccuracy + 0.3)
    const byId = new Map(first.participants.map((p) => [p.id, p]))
    for (const round of first.rounds) {
      expect(round.updates.filter((u) => !u.accepted).map((u) => u.trainer).sort()).toEqual(['trainer-4', 'trainer-5'])
    }
    for (const id of ['trainer-4', 'trainer-5']) {
      expect(byId.get(id)!.rewards).toBe(0n)
      expect(byId.get(id)!.slashed).toBeGreaterThan(0n)
    }
    for (const id of ['trainer-1', 'trainer-2', 'trainer-3', 'validator-1', 'validator-2']) {
      expect(byId.get(id)!.rewards).toBeGreaterThan(0n)
      expect(byId.get(id)!.slashed).toBe(0n)
    }
    expect(first.attacks.find((a) => a.behaviour === 'sign-flip')).toMatchObject({ attempted: 2, defeated: 2, rewardShare: 0 })
    expect(first.auditTrail.some((e) => e.event === 'Slashed')).toBe(true)
    expect(first.gas['trainer']!.perParticipantPerRound).toBeGreaterThan(0n)
  })

  test('the same scenario and seed give the same report, timings aside', async () => {
    const second = await runScenario(small)
    expect(withoutTiming(second)).toBe(withoutTiming(first))
  })

  test('with Yuma consensus: the attackers get no consensus and are slashed, honest trainers and validators are paid by incentive and dividends', async () => {
    const yuma = await runScenario({ ...small, mechanisms: { ...small.mechanisms, consensus: { rule: 'yuma' } } })
    expect(yuma.rounds).toHaveLength(2)
    expect(yuma.final.accuracy).toBeGreaterThan(yuma.initialAccuracy + 0.3)
    for (const round of yuma.rounds) {
      expect(round.updates.filter((u) => !u.accepted).map((u) => u.trainer).sort()).toEqual(['trainer-4', 'trainer-5'])
      // Consensus is in bps of a validator's unit of weight: three honest updates share it.
      for (const u of round.updates.filter((u) => u.accepted)) expect(u.consensusScore).toBeGreaterThan(2500)
    }
    const byId = new Map(yuma.participants.map((p) => [p.id, p]))
    for (const id of ['trainer-4', 'trainer-5']) {
      expect(byId.get(id)!.rewards).toBe(0n)
      expect(byId.get(id)!.slashed).toBeGreaterThan(0n)
    }
    for (const id of ['trainer-1', 'trainer-2', 'trainer-3', 'validator-1', 'validator-2']) {
      expect(byId.get(id)!.rewards).toBeGreaterThan(0n)
      expect(byId.get(id)!.slashed).toBe(0n)
    }
    // The lazy validator's random scores are clipped to consensus: it earns less than either honest one.
    expect(byId.get('validator-3')!.rewards).toBeLessThan(byId.get('validator-1')!.rewards)
    expect(byId.get('validator-3')!.rewards).toBeLessThan(byId.get('validator-2')!.rewards)
  })
})
