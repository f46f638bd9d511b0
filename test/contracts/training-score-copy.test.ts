import { beforeAll, describe, expect, test } from 'vitest'
import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { writeContract } from '../../src/ledger/write-contract.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { reverted } from '../helpers/reverts.js'
import {
  commitScores,
  digestOf,
  revealScores,
  saltOf,
  scoreCommitment,
  settleRound,
  setUpTraining,
  stakeVerifiers,
  submitUpdate,
  toReveal,
  toScoring,
  toSettlement,
  trainingConfig,
  trainingTestAbi,
} from '../helpers/training-flow.js'
import type { Training } from '../helpers/training-flow.js'

const E = 10n ** 18n

/**
 * Commit–reveal makes copying another validator's scores impossible: while commitments are
 * open nothing but hashes is public, a commitment binds its validator's owner address (and the
 * training and the round's opening), and after the reveals are public the commit phase is over.
 */
describe('a validator cannot copy revealed scores', () => {
  let fx: ProtocolFixture
  let training: Training
  let honest: PrivateKeyAccount
  let copycat: PrivateKeyAccount
  let late: PrivateKeyAccount
  const honestScores = [8123, 7750]

  beforeAll(async () => {
    fx = await createProtocolFixture({ accounts: 12, params: { tasks: { committeeSize: 3 } } })
    const proposer = accountAt(fx, 1)
    const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
    const trainers = [5, 6].map((i) => accountAt(fx, i))
    ;[honest, copycat, late] = [7, 8, 9].map((i) => accountAt(fx, i)) as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    await stakeVerifiers(fx, verifiers)
    const validators = [honest, copycat, late]
    const cast = { fx, proposer, verifiers, trainers, validators, aggregators: [] }
    ;({ training } = await setUpTraining(cast, { config: trainingConfig(), validatorStakes: validators.map(() => 500n * E) }))
    await submitUpdate(fx, training, trainers[0]!, 1n, digestOf('update a'))
    await submitUpdate(fx, training, trainers[1]!, 1n, digestOf('update b'))
    await toScoring(fx, training, 1n)
  })

  test('copying the commitment hash does not let the copier reveal the scores it stands for', async () => {
    await commitScores(fx, training, honest, 1n, honest.address, honestScores)
    // All the copier can see during the commit phase is the honest validator's hash.
    const honestHash = scoreCommitment(training.address, 1n, 1, honest.address, honestScores, saltOf(1n, honest.address))
    await writeContract(fx.ledger, copycat, { ...training, functionName: 'commitScores', args: [1n, honestHash] })
    await toReveal(fx, training, 1n)
    const receipt = await revealScores(fx, training, honest, 1n, honest.address, honestScores)
    // Once revealed, scores and salt are public; replaying them fails for anyone else.
    const [revealedEvent] = parseEventLogs({ abi: trainingTestAbi, eventName: 'ScoresRevealed', logs: receipt.logs })
    const stolen = [...revealedEvent!.args.scores]
    const copy = writeContract(fx.ledger, copycat, { ...training, functionName: 'revealScores', args: [1n, stolen, saltOf(1n, honest.address)] })
    expect(await reverted(copy)).toBe('CommitmentMismatch')
  })

  test('committing after the reveals are public is too late', async () => {
    const copy = writeContract(fx.ledger, late, { ...training, functionName: 'commitScores', args: [1n, scoreCommitment(training.address, 1n, 1, late.address, honestScores, saltOf(1n, late.address))] })
    expect(await reverted(copy)).toBe('CommitClosed')
  })

  test('the copier, having committed and not revealed, is slashed at settlement', async () => {
    await toSettlement(fx, training, 1n)
    const receipt = await settleRound(fx, training, honest, 1n)
    const judged = parseEventLogs({ abi: trainingTestAbi, eventName: 'ValidatorJudged', logs: receipt.logs })
    const copier = judged.find((e) => e.args.validator === copycat.address)
    expect(copier?.args).toMatchObject({ revealed: false, slashed: true, reward: 0n })
    expect(judged.find((e) => e.args.validator === honest.address)?.args.reward).toBeGreaterThan(0n)
  })
})
