import { describe, expect, test } from 'vitest'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { reverted } from '../helpers/reverts.js'
import {
  CODEC,
  CONSENSUS,
  commitScores,
  commitUpdate,
  createTraining,
  digestOf,
  openTask,
  postModel,
  reasonOf,
  revealScores,
  revealUpdate,
  scoreRound,
  settleRound,
  setUpTraining,
  stakeAs,
  stakeEvents,
  stakeVerifiers,
  submitUpdate,
  toReveal,
  toScoring,
  toSettlement,
  toUpdateReveal,
  trainingConfig,
  trainingEvents,
  updateCommitment,
  updateSaltOf,
} from '../helpers/training-flow.js'

/**
 * The training attacks of the security review (2026-12), replayed against the rewritten
 * contracts, which now defeat them:
 *  - H-2: validator seats went to the first committers, so minimum-stake sybils that committed
 *    first locked out a validator with 62 times their stake and decided the round alone. Seats
 *    now go by stake: the large validator still takes a seat, consensus follows it, and the
 *    sybils are neither paid nor able to reject the honest update.
 *  - H-3: a front-runner that landed an author's update digest first was judged the original.
 *    Updates are now committed to first, and a commitment binds its trainer: a copied commitment
 *    can never be revealed, so the copier is slashed for not revealing and the author is paid.
 *  - M-3: under Yuma the 64 trainer uids were never reused, so sybils that took them in round 1
 *    locked every newcomer out for the rest of the training. Uids are now recycled as subtensor
 *    does: a newcomer takes the uid with the lowest score among those whose holders are not
 *    judged in the same round.
 */

const E = 10n ** 18n

/** Slashed events of a receipt as [owner, amount, reason]. */
function slashes(fx: ProtocolFixture, receipt: TransactionReceipt): [Address, bigint, Hex][] {
  return stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.amount, e.args.reason] as [Address, bigint, Hex]] : []))
}

/** RewardCredited events of a receipt as [owner, amount]. */
function credits(fx: ProtocolFixture, receipt: TransactionReceipt): [Address, bigint][] {
  return stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'RewardCredited' ? [[e.args.owner, e.args.amount] as [Address, bigint]] : []))
}

describe('H-2: sybil validators that commit first no longer capture a round', () => {
  test('16 minimum-stake sybils commit first; the 100,000-DEAI validator evicts one, consensus follows stake, the honest trainer is paid and the sybils get nothing', async () => {
    const fx = await createProtocolFixture({ accounts: 90, params: { tasks: { committeeSize: 3 } } })
    const proposer = accountAt(fx, 1)
    const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
    const honestTrainer = accountAt(fx, 5)
    const honestValidator = accountAt(fx, 6)
    const sybilTrainers = Array.from({ length: 63 }, (_, i) => accountAt(fx, 9 + i))
    const sybilValidators = Array.from({ length: 16 }, (_, i) => accountAt(fx, 72 + i))

    await stakeVerifiers(fx, verifiers)
    const taskId = await openTask(fx, proposer, verifiers)
    // Everyone stakes before the training (and its round 1) starts.
    await stakeAs(fx, honestTrainer, taskId, 'trainer', 100n * E)
    await stakeAs(fx, honestValidator, taskId, 'validator', 100_000n * E)
    for (const t of sybilTrainers) await stakeAs(fx, t, taskId, 'trainer', 10n * E) // minTrainerStake
    for (const v of sybilValidators) await stakeAs(fx, v, taskId, 'validator', 100n * E) // minValidatorStake: 1,600 DEAI in all
    // Yuma, 64 updates a round and a set of 16 validators, whatever the submissions.
    const { training } = await createTraining(fx, proposer, taskId, trainingConfig({ consensus: CONSENSUS.yuma, maxUpdates: 64, maxValidators: 16 }))

    // The honest update, then 63 sybil updates: the 64 uids.
    await submitUpdate(fx, training, honestTrainer, 1n, digestOf('honest update'))
    for (const [i, t] of sybilTrainers.entries()) await submitUpdate(fx, training, t, 1n, digestOf(`sybil ${i}`))
    await toScoring(fx, training, 1n)

    // The sybils commit first and fill the set: honest update 0, sybil updates 10,000.
    const sybilScores = [0, ...sybilTrainers.map(() => 10_000)]
    for (const v of sybilValidators) await commitScores(fx, training, v, 1n, v.address, sybilScores)
    // The honest validator still takes a seat, in place of the latest of the lightest.
    const honestScores = [9000, ...sybilTrainers.map(() => 0)]
    const seated = await commitScores(fx, training, honestValidator, 1n, honestValidator.address, honestScores)
    const evicted = sybilValidators[15]!
    expect(trainingEvents(seated).map((e) => [e.eventName, e.args])).toEqual([
      ['ValidatorEvicted', { round: 1n, validator: evicted.address, by: honestValidator.address }],
      ['ScoresCommitted', { round: 1n, validator: honestValidator.address, slot: 15n, weight: 100_000n * E }],
    ])
    // The evicted sybil cannot come back at the same stake.
    expect(await reverted(commitScores(fx, training, evicted, 1n, evicted.address, sybilScores))).toBe('ValidatorSetFull')

    await toReveal(fx, training, 1n)
    expect(await reverted(revealScores(fx, training, evicted, 1n, evicted.address, sybilScores))).toBe('NoCommitment')
    for (const v of sybilValidators.slice(0, 15)) await revealScores(fx, training, v, 1n, v.address, sybilScores)
    await revealScores(fx, training, honestValidator, 1n, honestValidator.address, honestScores)
    await toSettlement(fx, training, 1n)
    const receipt = await settleRound(fx, training, proposer, 1n)

    // The honest update is accepted and takes the whole trainers' pot; every sybil update is rejected.
    const judged = trainingEvents(receipt).flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.trainer, e.args.accepted, e.args.reward]] : []))
    expect(judged[0]).toEqual([honestTrainer.address, true, 700n * E])
    expect(judged.slice(1).every(([, accepted, reward]) => accepted === false && reward === 0n)).toBe(true)
    // Slashed: the 63 sybil trainers (10% of 10) and the 15 seated sybil validators (20% of 100)
    // for deviating; neither the honest trainer nor the honest validator, nor the evicted sybil.
    const slashed = slashes(fx, receipt)
    expect(slashed).toEqual([
      ...sybilTrainers.map((t): [Address, bigint, Hex] => [t.address, 1n * E, reasonOf('TRAINING_UPDATE_REJECTED')]),
      ...sybilValidators.slice(0, 15).map((v): [Address, bigint, Hex] => [v.address, 20n * E, reasonOf('TRAINING_SCORE_DEVIATION')]),
    ])
    // The round's 1,000 DEAI: 700 to the honest trainer, 300 to the honest validator, none to an attacker.
    const attackers = new Set<string>([...sybilTrainers, ...sybilValidators].map((a) => a.address))
    const paid = credits(fx, receipt)
    expect(paid.filter(([owner]) => attackers.has(owner))).toEqual([])
    expect(paid).toEqual([[honestTrainer.address, 700n * E], [honestValidator.address, 300n * E]])
    await fx.ledger.close()
  })
})

describe('H-3: a front-run update commitment is worthless to the copier', () => {
  test('the copier lands the author\'s commitment first, cannot reveal it (CommitmentMismatch), is slashed for not revealing, and the author is paid', async () => {
    const fx = await createProtocolFixture({ accounts: 12, params: { tasks: { committeeSize: 3 } } })
    const proposer = accountAt(fx, 1)
    const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
    const author = accountAt(fx, 5)
    const copier = accountAt(fx, 6)
    const validators = [7, 8].map((i) => accountAt(fx, i))
    await stakeVerifiers(fx, verifiers)
    const cast = { fx, proposer, verifiers, trainers: [author, copier], validators, aggregators: [] }
    const { training } = await setUpTraining(cast, { config: trainingConfig({ rounds: 1 }), trainerStake: 100n * E, validatorStakes: validators.map(() => 200n * E) })

    // The author's commitment, as its pending transaction shows it; the copier lands it first.
    const work = digestOf('the honest trainer\'s real update')
    const salt = updateSaltOf(1n, author.address)
    const commitment = updateCommitment(training.address, 1n, 1, author.address, work, CODEC.raw, 100, salt)
    await commitUpdate(fx, training, copier, 1n, commitment)
    await commitUpdate(fx, training, author, 1n, commitment)

    // The author reveals; the copier replays the reveal (digest, codec, examples and salt are
    // now public), but the commitment binds the author: it does not open for the copier.
    await toUpdateReveal(fx, training, 1n)
    await revealUpdate(fx, training, author, 1n, work, 100, CODEC.raw, salt)
    expect(await reverted(revealUpdate(fx, training, copier, 1n, work, 100, CODEC.raw, salt))).toBe('CommitmentMismatch')
    // Nor can the copier commit to the revealed digest: the training phase is over.
    const own = updateCommitment(training.address, 1n, 1, copier.address, work, CODEC.raw, 100, updateSaltOf(1n, copier.address))
    expect(await reverted(commitUpdate(fx, training, copier, 1n, own))).toBe('SubmissionsClosed')

    // Validators score the revealed update (index 1); the copier's unrevealed index 0 is ignored.
    await scoreRound(fx, training, 1n, validators.map((key) => ({ key, scores: [9000, 9000] })))
    const receipt = await settleRound(fx, training, proposer, 1n)
    const judged = trainingEvents(receipt).flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.index, e.args.trainer, e.args.accepted, e.args.reward]] : []))
    expect(judged).toEqual([[0n, copier.address, false, 0n], [1n, author.address, true, 700n * E]])
    expect(slashes(fx, receipt)).toEqual([[copier.address, 10n * E, reasonOf('TRAINING_UPDATE_NOT_REVEALED')]])
    await fx.ledger.close()
  })
})

describe('M-3: sybils holding every Yuma uid no longer lock newcomers out', () => {
  test('63 sybils and an honest trainer take the 64 uids in round 1; in round 2 a newcomer takes a sybil\'s uid, is judged and paid', async () => {
    const fx = await createProtocolFixture({ accounts: 75, params: { tasks: { committeeSize: 3 } } })
    const proposer = accountAt(fx, 1)
    const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
    const [honest, validator, aggregator, newcomer] = [5, 6, 7, 8].map((i) => accountAt(fx, i)) as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const sybils = Array.from({ length: 63 }, (_, i) => accountAt(fx, 9 + i))
    await stakeVerifiers(fx, verifiers)
    const taskId = await openTask(fx, proposer, verifiers)
    for (const t of [honest, newcomer]) await stakeAs(fx, t, taskId, 'trainer', 100n * E)
    for (const t of sybils) await stakeAs(fx, t, taskId, 'trainer', 10n * E) // minTrainerStake
    await stakeAs(fx, validator, taskId, 'validator', 1000n * E)
    await stakeAs(fx, aggregator, taskId, 'aggregator', 100n * E)
    const { training } = await createTraining(fx, proposer, taskId, trainingConfig({ consensus: CONSENSUS.yuma, rounds: 2, maxUpdates: 64, maxValidators: 16 }))

    // Round 1: every uid is taken, the sybils' updates score 0.
    await submitUpdate(fx, training, honest, 1n, digestOf('honest 1'))
    for (const [i, t] of sybils.entries()) await submitUpdate(fx, training, t, 1n, digestOf(`sybil ${i}`))
    await scoreRound(fx, training, 1n, [{ key: validator, scores: [9000, ...sybils.map(() => 0)] }])
    await settleRound(fx, training, proposer, 1n)
    const uidOf = (who: Address) => fx.ledger.client.readContract({ ...training, functionName: 'trainerUid', args: [who] })
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'yumaUids' })).toBe(64n)
    await postModel(fx, training, aggregator, 1n, digestOf('model 1'))

    // Round 2: the newcomer commits and reveals with the honest trainer; the sybils sit it out.
    await submitUpdate(fx, training, honest, 2n, digestOf('honest 2'))
    await submitUpdate(fx, training, newcomer, 2n, digestOf('newcomer 2'))
    await scoreRound(fx, training, 2n, [{ key: validator, scores: [9000, 9000] }])
    const receipt = await settleRound(fx, training, proposer, 2n)
    // Every sybil scored 0 and registered in round 1: the lowest uid among them goes.
    const assigned = trainingEvents(receipt).flatMap((e) => (e.eventName === 'TrainerUidAssigned' ? [e.args] : []))
    expect(assigned).toEqual([{ round: 2n, uid: 1n, trainer: newcomer.address, replaced: sybils[0]!.address }])
    expect(await uidOf(newcomer.address)).toEqual([true, 1n])
    expect(await uidOf(sybils[0]!.address)).toEqual([false, 0n])
    expect(await uidOf(honest.address)).toEqual([true, 0n])
    const judged = trainingEvents(receipt).flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.trainer, e.args.accepted]] : []))
    expect(judged).toEqual([[honest.address, true], [newcomer.address, true]])
    const paid = new Map(credits(fx, receipt))
    expect(paid.get(newcomer.address) ?? 0n).toBeGreaterThan(0n)
    // The sybils earned nothing for holding the uids, and each lost a tenth of its stake in round 1.
    expect(sybils.some((t) => paid.has(t.address))).toBe(false)
    await fx.ledger.close()
  })
})
