import { describe, expect, test } from 'vitest'
import type { RoundInfo } from '../../src/ledger/actions/training/get-round.js'
import { dueStep, playRound, ROUND_STAGES, stageClosesAt, stageOpensAt } from '../../src/roles/round-schedule.js'
import type { RoundParticipant, RoundStage } from '../../src/roles/round-schedule.js'

const info: RoundInfo = {
  round: 3n, modelCid: 'bafk', modelDigest: '0x00', modelCodec: 0,
  trainDeadline: 100n, updateRevealDeadline: 130n, scoreDeadline: 150n, revealDeadline: 200n,
  snapshotBlock: 9n, submissionCount: 0, revealedCount: 0, attempt: 1,
}

function participant(role: RoundParticipant['role'], stages: RoundStage[], done: Set<string>, log: string[]): RoundParticipant {
  return {
    role,
    steps: Object.fromEntries(stages.map((stage) => [stage, {
      run: async (round: bigint) => {
        log.push(`${role}:${stage}:${round}`)
        done.add(stage)
        return stage
      },
      done: async () => done.has(stage),
    }])),
  }
}

describe('the round schedule', () => {
  test('opens each stage the second after the previous deadline', () => {
    expect(ROUND_STAGES.map((s) => stageOpensAt(info, s))).toEqual([0n, 101n, 131n, 151n, 201n, 201n])
    expect(ROUND_STAGES.map((s) => stageClosesAt(info, s))).toEqual([100n, 130n, 150n, 200n, undefined, undefined])
  })

  test('playRound moves the clock to each stage and runs the steps in order', async () => {
    const log: string[] = []
    const times: bigint[] = []
    const results = await playRound([
      participant('trainer', ['train', 'reveal-update'], new Set(), log),
      participant('validator', ['commit', 'reveal'], new Set(), log),
      participant('aggregator', ['settle', 'post'], new Set(), log),
    ], info, { advanceTo: async (t) => void times.push(t) })
    expect(log).toEqual(['trainer:train:3', 'trainer:reveal-update:3', 'validator:commit:3', 'validator:reveal:3', 'aggregator:settle:3', 'aggregator:post:3'])
    expect(times).toEqual([0n, 101n, 131n, 151n, 201n, 201n])
    expect(results.map((r) => r.value)).toEqual(['train', 'reveal-update', 'commit', 'reveal', 'settle', 'post'])
  })

  test('dueStep takes the open step not yet done, skips closed ones, and waits for the next stage', async () => {
    const log: string[] = []
    const done = new Set<string>()
    const validator = participant('validator', ['commit', 'reveal'], done, log)
    expect(await dueStep(validator, info, 50n)).toEqual({ stage: undefined, waitingFor: 'stage' })
    // Scores are committed once the updates are revealed.
    expect(await dueStep(validator, info, 120n)).toEqual({ stage: undefined, waitingFor: 'stage' })
    expect((await dueStep(validator, info, 140n)).stage).toBe('commit')
    done.add('commit')
    expect(await dueStep(validator, info, 140n)).toEqual({ stage: undefined, waitingFor: 'stage' })
    expect((await dueStep(validator, info, 160n)).stage).toBe('reveal')
    // A validator restarted after the reveal deadline has nothing left in this round.
    expect(await dueStep(validator, info, 250n)).toEqual({ stage: undefined, waitingFor: 'nothing' })
    const trainerDone = new Set<string>()
    const trainer = participant('trainer', ['train', 'reveal-update'], trainerDone, log)
    expect((await dueStep(trainer, info, 100n)).stage).toBe('train')
    trainerDone.add('train')
    expect(await dueStep(trainer, info, 100n)).toEqual({ stage: undefined, waitingFor: 'stage' })
    expect((await dueStep(trainer, info, 101n)).stage).toBe('reveal-update')
    expect(await dueStep(trainer, info, 131n)).toEqual({ stage: undefined, waitingFor: 'nothing' })
  })
})
