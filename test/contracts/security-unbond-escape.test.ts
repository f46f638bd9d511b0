import { describe, expect, test } from 'vitest'
import { keccak256, parseEventLogs, stringToBytes } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, verifierStake } from '../helpers/balances.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { stakeAs } from '../helpers/stake-flow.js'
import { bytes32Of, castVotes, drawWithSecret, proposeWithSecret, taskOf } from '../helpers/task-flow.js'

/**
 * Audit finding M-1, replayed: stake was never locked while the work it backed awaited
 * judgement, so a participant unbonded right after acting, withdrew before settlement and was
 * never slashed. A stage now locks the position until its judgement is due, and withdraw waits
 * for the later of the unbonding release and the lock.
 */

const log = createRevertLog()
const E = 10n ** 18n
const DAY = 24n * 3600n
const TRAINER = roleId('trainer')
const VERIFIER = roleId('verifier')
const REJECTED = keccak256(stringToBytes('TRAINING_UPDATE_REJECTED'))

describe('M-1: a slash can no longer be escaped by unbonding before judgement', () => {
  test('a trainer that unstakes right after submitting cannot withdraw before its training\'s lock, and the slash lands', async () => {
    // The audit's case: a week of training, the default week of unbonding.
    const fx = await createProtocolFixture({ devAdmin: true, accounts: 4 })
    try {
      const admin = fx.deployer
      const stage = accountAt(fx, 1) // a task's training stage, authorised as TrainingFactory authorises its clones
      const cheater = accountAt(fx, 2)
      const taskId = 7n
      const registrar = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REGISTRAR_ROLE' })
      await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'grantRole', args: [registrar, admin.address] })
      await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'setTaskStage', args: [taskId, stage.address, true] })
      const unbonding = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'unbondingDelay' })
      expect(unbonding).toBe(7n * DAY)

      await stakeAs(fx, cheater, taskId, TRAINER, 100n * E)
      const before = await balanceOf(fx, cheater.address)
      // The update is in: the training locks the trainer until its round is judged (train, score
      // and reveal periods, then a settle grace), longer than the unbonding delay.
      const judgedBy = (await fx.ledger.clock.now()) + 7n * DAY + 3n * 3600n + DAY
      await writeContract(fx.ledger, stage, { ...fx.stakeManager, functionName: 'lock', args: [taskId, TRAINER, cheater.address, judgedBy] })
      await writeContract(fx.ledger, cheater, { ...fx.stakeManager, functionName: 'requestUnstake', args: [taskId, TRAINER, 100n * E] })

      await fx.ledger.clock.advance(unbonding + 1n)
      expect(await log.expectRevert(writeContract(fx.ledger, cheater, { ...fx.stakeManager, functionName: 'withdraw', args: [taskId, TRAINER] }), 'PositionLocked')).toEqual([judgedBy])
      expect(await balanceOf(fx, cheater.address)).toBe(before)

      // Settlement rejects the update: 10% of the stake goes, from the unbonding amount.
      const receipt = await writeContract(fx.ledger, stage, { ...fx.stakeManager, functionName: 'slash', args: [taskId, TRAINER, cheater.address, 10n * E, stage.address, REJECTED, bytes32Of('round 1')] })
      const [slashed] = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs })
      expect(slashed?.args).toMatchObject({ owner: cheater.address, amount: 10n * E, reason: REJECTED })

      await fx.ledger.clock.advance(judgedBy - (await fx.ledger.clock.now()))
      await writeContract(fx.ledger, cheater, { ...fx.stakeManager, functionName: 'withdraw', args: [taskId, TRAINER] })
      expect(await balanceOf(fx, cheater.address)).toBe(before + 90n * E)
    } finally {
      await fx.ledger.close()
    }
  })

  test('a committee member stays slashable until its vote can be finalized, even after the admin drops the unbonding delay to zero', async () => {
    const fx = await createProtocolFixture({ devAdmin: true, accounts: 6, params: { tasks: { committeeSize: 3 } } })
    try {
      const proposer = accountAt(fx, 1)
      const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
      for (const v of verifiers) await stakeAs(fx, v, 0n, VERIFIER, 1000n * E)
      const secret = bytes32Of('escape vote')
      const taskId = await proposeWithSecret(fx, proposer, { secret })
      const { committee } = await drawWithSecret(fx, proposer, taskId, secret)
      expect([...committee].sort()).toEqual(verifiers.map((v) => v.address).sort())
      const [silent, ...voters] = verifiers as [typeof verifiers[number], ...typeof verifiers]

      await writeContract(fx.ledger, fx.deployer, { ...fx.stakeManager, functionName: 'setDelays', args: [0n, 0n, 0n] })
      await writeContract(fx.ledger, silent, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, 1000n * E] })
      await fx.ledger.clock.advance(1n)
      await log.expectRevert(writeContract(fx.ledger, silent, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] }), 'PositionLocked')

      await castVotes(fx, taskId, [{ key: silent, vote: 'absent' }, ...voters.map((key) => ({ key, vote: 'approve' as const }))])
      const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
      const slashes = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs })
      expect(slashes.map((e) => [e.args.owner, e.args.amount])).toEqual([[silent.address, 100n * E]])
      expect(await verifierStake(fx, silent.address)).toBe(900n * E)

      const { revealDeadline } = await taskOf(fx, taskId)
      const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
      await fx.ledger.clock.advance(revealDeadline + rules.revealPeriod - (await fx.ledger.clock.now()))
      const before = await balanceOf(fx, silent.address)
      await writeContract(fx.ledger, silent, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
      expect(await balanceOf(fx, silent.address)).toBe(before + 900n * E)
    } finally {
      await fx.ledger.close()
    }
  })
})
