/**
 * The node roles in one process: proposer, verifiers, trainers, validators and an aggregator,
 * each a `startNode` loop on one embedded chain (wall-clock time), one hub and one store. The
 * same loops `deai node` runs, so the claim "same role code both ways" is tested here and in
 * multi-process.test.ts.
 */
import { describe, expect, test } from 'vitest'
import { getTask } from '../../src/ledger/actions/tasks/get-task.js'
import { getJudgements } from '../../src/ledger/actions/training/get-judgements.js'
import { runInProcessNetwork, SMALL_NETWORK } from '../../bench/node-rounds.js'

describe('nodes in one process', () => {
  test('drive a task from proposal through two settled rounds; a validator restarted after committing reveals', async () => {
    const run = await runInProcessNetwork(SMALL_NETWORK, { restartAfterCommit: 'validator-2' })
    try {
      expect(run.restarted).toEqual(['validator-2'])
      expect((await getTask(run.protocol, 1n)).status).toBe('open')
      for (const round of [1n, 2n]) {
        const judged = await getJudgements(run.training, round)
        expect(judged.updates).toHaveLength(3)
        expect(judged.updates.every((u) => u.accepted && u.reward > 0n)).toBe(true)
        // Both revealed, the restarted one from scores it recomputed, and neither deviated.
        expect(judged.validators.filter((v) => v.revealed && !v.slashed)).toHaveLength(2)
      }
      expect(run.roundSeconds).toHaveLength(2)
      console.log(`in-process round times (s): ${run.roundSeconds.join(', ')}`)
    } finally {
      await run.close()
    }
  })
})
