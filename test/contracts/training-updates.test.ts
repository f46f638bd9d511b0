import { beforeAll, describe, expect, test } from 'vitest'
import { zeroHash } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { advancePast } from '../helpers/task-flow.js'
import {
  CODEC,
  commitScores,
  commitUpdate,
  createTrainingCast,
  digestOf,
  modelInfo,
  postModel,
  reasonOf,
  revealScores,
  revealUpdate,
  roundInfo,
  saltOf,
  scoreCommitment,
  scoreRound,
  settleRound,
  setUpTraining,
  stakeEvents,
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
import type { Training, TrainingConfig } from '../helpers/training-flow.js'

/**
 * Updates by commit–reveal: nothing of an update shows before the training phase ends, each
 * reveal must match a commitment of the same training, round and opening, copies are judged by
 * commitment order (a digest is only public once it is too late to commit), and a commitment
 * left unrevealed is slashed whether or not any validator reveals.
 */

const E = 10n ** 18n

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregators: PrivateKeyAccount[]
let tasks = 0

beforeAll(async () => {
  ;({ fx, proposer, verifiers, trainers, validators, aggregators } = await createTrainingCast({ trainers: 4, validators: 3, aggregators: 2 }))
})

/** Trainers stake 100, validators 500, 300 and 200, aggregators 100; then the training starts. */
function setUp(config: TrainingConfig = trainingConfig()): Promise<{ taskId: bigint; training: Training }> {
  return setUpTraining({ fx, proposer, verifiers, trainers, validators, aggregators }, { config, label: `updates ${tasks++}` })
}

/** `trainer`'s commitment to `digest` (100 examples, raw) for the round's current opening, with its usual salt. */
async function commitmentOf(training: Training, round: bigint, trainer: Address, digest: Hex): Promise<Hex> {
  const { attempt } = await roundInfo(fx, training, round)
  return updateCommitment(training.address, round, attempt, trainer, digest, CODEC.raw, 100, updateSaltOf(round, trainer))
}

function judgedUpdates(receipt: TransactionReceipt) {
  return trainingEvents(receipt).flatMap((e) => (e.eventName === 'UpdateJudged' ? [e.args] : []))
}

/** Slashed events of a receipt as [owner, amount, reason]. */
function slashes(receipt: TransactionReceipt): [Address, bigint, Hex][] {
  return stakeEvents(fx, receipt).flatMap((e) => (e.eventName === 'Slashed' ? [[e.args.owner, e.args.amount, e.args.reason] as [Address, bigint, Hex]] : []))
}

describe('update commit-reveal', () => {
  test('commitments show only hashes during the training phase; reveals, in any order, keep the commitment order', async () => {
    const { training } = await setUp()
    const [t1, t2, t3] = trainers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const commitments = await Promise.all([t1, t2, t3].map((t, i) => commitmentOf(training, 1n, t.address, digestOf(`u${i}`))))
    const committed: unknown[] = []
    for (const [i, t] of [t1, t2, t3].entries()) {
      committed.push(...trainingEvents(await commitUpdate(fx, training, t, 1n, commitments[i]!)).map((e) => [e.eventName, e.args]))
    }
    // The events show who committed, in which order, and a hash: nothing of the update.
    expect(committed).toEqual([t1, t2, t3].map((t, i) => ['UpdateCommitted', { round: 1n, index: BigInt(i), trainer: t.address, commitment: commitments[i] }]))
    await toUpdateReveal(fx, training, 1n)
    // T3 reveals first and keeps index 2; T2 never reveals.
    const revealed = trainingEvents(await revealUpdate(fx, training, t3, 1n, digestOf('u2')))
    expect(revealed.map((e) => [e.eventName, e.args])).toEqual([['UpdateRevealed', { round: 1n, index: 2n, trainer: t3.address, digest: digestOf('u2'), codec: CODEC.raw, examples: 100 }]])
    await revealUpdate(fx, training, t1, 1n, digestOf('u0'))
    expect(await roundInfo(fx, training, 1n)).toMatchObject({ submissions: 3, revealed: 2 })
    const read = (index: bigint) => fx.ledger.client.readContract({ ...training, functionName: 'submission', args: [1n, index] })
    expect(await Promise.all([0n, 1n, 2n].map(read))).toEqual([
      { trainer: t1.address, revealed: true, digest: digestOf('u0'), codec: CODEC.raw, examples: 100 },
      { trainer: t2.address, revealed: false, digest: zeroHash, codec: CODEC.raw, examples: 0 },
      { trainer: t3.address, revealed: true, digest: digestOf('u2'), codec: CODEC.raw, examples: 100 },
    ])
  })

  test('copies are judged by commitment order: the later commitment of a digest is the copy, even if it reveals first', async () => {
    const { training } = await setUp()
    const [original, copier] = trainers as [PrivateKeyAccount, PrivateKeyAccount]
    const shared = digestOf('one update, two trainers')
    await commitUpdate(fx, training, original, 1n, await commitmentOf(training, 1n, original.address, shared))
    await commitUpdate(fx, training, copier, 1n, await commitmentOf(training, 1n, copier.address, shared))
    await toUpdateReveal(fx, training, 1n)
    await revealUpdate(fx, training, copier, 1n, shared)
    await revealUpdate(fx, training, original, 1n, shared)
    await scoreRound(fx, training, 1n, [{ key: validators[0]!, scores: [9000, 9000] }, { key: validators[1]!, scores: [9000, 9000] }])
    const receipt = await settleRound(fx, training, proposer, 1n)
    expect(judgedUpdates(receipt).map((u) => [u.trainer, u.accepted, u.reward])).toEqual([[original.address, true, 700n * E], [copier.address, false, 0n]])
    expect(slashes(receipt)).toEqual([[copier.address, 10n * E, reasonOf('TRAINING_COPIED_UPDATE')]])
  })

  test('an unrevealed commitment is slashed even when no validator reveals, while revealed updates are not judged', async () => {
    const { training } = await setUp()
    const [silent, revealed] = trainers as [PrivateKeyAccount, PrivateKeyAccount]
    await commitUpdate(fx, training, silent, 1n, await commitmentOf(training, 1n, silent.address, digestOf('kept back')))
    await submitUpdate(fx, training, revealed, 1n, digestOf('shown'))
    // One validator commits and stays silent: no consensus.
    await scoreRound(fx, training, 1n, [{ key: validators[2]!, scores: [9000, 9000], reveal: false }])
    const receipt = await settleRound(fx, training, proposer, 1n)
    expect(judgedUpdates(receipt).map((u) => [u.trainer, u.accepted, u.reward])).toEqual([[silent.address, false, 0n], [revealed.address, false, 0n]])
    expect(slashes(receipt)).toEqual([
      [silent.address, 10n * E, reasonOf('TRAINING_UPDATE_NOT_REVEALED')],
      [validators[2]!.address, 40n * E, reasonOf('TRAINING_NO_REVEAL')],
    ])

    // Nothing revealed at all: no validator can commit, and every commitment is slashed.
    const other = await setUp()
    for (const t of trainers.slice(0, 2)) await commitUpdate(fx, other.training, t, 1n, await commitmentOf(other.training, 1n, t.address, digestOf(`hidden ${t.address}`)))
    await toScoring(fx, other.training, 1n)
    expect(revertName(await commitScores(fx, other.training, validators[0]!, 1n, validators[0]!.address, [1, 1]).catch((e: unknown) => e))).toBe('NothingToScore')
    await toSettlement(fx, other.training, 1n)
    const none = await settleRound(fx, other.training, proposer, 1n)
    expect(slashes(none)).toEqual(trainers.slice(0, 2).map((t) => [t.address, 10n * E, reasonOf('TRAINING_UPDATE_NOT_REVEALED')]))
    expect(trainingEvents(none).find((e) => e.eventName === 'RoundSettled')?.args).toEqual({ round: 1n, accepted: 0n, rejected: 2n, paid: 0n })
  })

  test('a commitment binds the training, the round and the opening: one made for another does not open', async () => {
    const other = await setUp()
    const { training } = await setUp()
    const digest = digestOf('bound')
    // Each trainer commits in round 1 to a hash bound to something else, then reveals its values.
    const misbound: [PrivateKeyAccount, Address, bigint, number][] = [
      [trainers[0]!, other.training.address, 1n, 1], // another training
      [trainers[1]!, training.address, 2n, 1], // another round
      [trainers[2]!, training.address, 1n, 2], // another opening of the round
    ]
    for (const [t, at, round, attempt] of misbound) {
      await commitUpdate(fx, training, t, 1n, updateCommitment(at, round, attempt, t.address, digest, CODEC.raw, 100, updateSaltOf(1n, t.address)))
    }
    await toUpdateReveal(fx, training, 1n)
    for (const [t] of misbound) expect(revertName(await revealUpdate(fx, training, t, 1n, digest).catch((e: unknown) => e)), t.address).toBe('CommitmentMismatch')
  })

  test('after a dispute reopens a round, nothing committed in the cancelled opening opens, neither updates nor scores', async () => {
    const { training } = await setUp(trainingConfig({ rounds: 3 }))
    const [t1, t2, t3] = trainers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const [v1, v2, v3] = validators as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    await submitUpdate(fx, training, t3, 1n, digestOf('round 1'))
    await scoreRound(fx, training, 1n, [{ key: v1, scores: [8000] }])
    await settleRound(fx, training, proposer, 1n)
    await postModel(fx, training, aggregators[0]!, 1n, digestOf('model 1'))

    // Round 2, first opening: T1 and T2 commit and reveal; the model is disputed but the
    // dispute is resolved only after V3 has revealed its scores (and salt).
    const first = { t1: await commitmentOf(training, 2n, t1.address, digestOf('t1')), scores: [8000, 7000] }
    await commitUpdate(fx, training, t1, 2n, first.t1)
    await submitUpdate(fx, training, t2, 2n, digestOf('t2'))
    await writeContract(fx.ledger, v2, { ...training, functionName: 'disputeModel', args: [1n] })
    await writeContract(fx.ledger, v1, { ...training, functionName: 'voteDispute', args: [1n, true] })
    await toUpdateReveal(fx, training, 2n)
    await revealUpdate(fx, training, t1, 2n, digestOf('t1'))
    await toScoring(fx, training, 2n)
    const firstScores = scoreCommitment(training.address, 2n, 1, v3.address, first.scores, saltOf(2n, v3.address))
    await commitScores(fx, training, v3, 2n, v3.address, first.scores)
    await toReveal(fx, training, 2n)
    await revealScores(fx, training, v3, 2n, v3.address, first.scores)
    await advancePast(fx, (await modelInfo(fx, training, 1n)).voteDeadline)
    await writeContract(fx.ledger, proposer, { ...training, functionName: 'resolveDispute', args: [1n] })
    await postModel(fx, training, aggregators[1]!, 1n, digestOf('model 1 again'))
    expect((await roundInfo(fx, training, 2n)).attempt).toBe(2)

    // Second opening: T1's commitment is gone; replaying the old hash commits, but does not open.
    expect(await fx.ledger.client.readContract({ ...training, functionName: 'hasSubmitted', args: [2n, t1.address] })).toBe(false)
    await commitUpdate(fx, training, t1, 2n, first.t1)
    await submitUpdate(fx, training, t2, 2n, digestOf('t2 again'))
    await toUpdateReveal(fx, training, 2n)
    expect(revertName(await revealUpdate(fx, training, t1, 2n, digestOf('t1')).catch((e: unknown) => e))).toBe('CommitmentMismatch')
    // Likewise V3's scores: their salt is public since the first opening, and the old hash does not open.
    await toScoring(fx, training, 2n)
    await writeContract(fx.ledger, v3, { ...training, functionName: 'commitScores', args: [2n, firstScores] })
    await commitScores(fx, training, v1, 2n, v1.address, first.scores)
    await toReveal(fx, training, 2n)
    expect(revertName(await revealScores(fx, training, v3, 2n, v3.address, first.scores).catch((e: unknown) => e))).toBe('CommitmentMismatch')
    // The same scores under the same (reused) salt, committed for this opening, open.
    expect((await revealScores(fx, training, v1, 2n, v1.address, first.scores)).status).toBe('success')
  })
})
