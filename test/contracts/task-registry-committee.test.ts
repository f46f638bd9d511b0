import { describe, expect, test } from 'vitest'
import { decodeFunctionData, parseEther, parseEventLogs } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, rewardsOf, verifierStake } from '../helpers/balances.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import {
  ballot,
  bytes32Of,
  commitmentOf,
  commitVote,
  drawWithSecret,
  endCommitPhase,
  endRevealPhase,
  proposeWithSecret,
  revealVote,
} from '../helpers/task-flow.js'

const VERIFIER = roleId('verifier')
const OPERATOR_DELAY = 600n
const FEE = parseEther('9')
const STAKE = parseEther('1000')

/** Committee of 3 drawn from exactly the verifiers staked here, so every verifier sits on it. */
async function setup(stakes: readonly bigint[], committeeSize = 3): Promise<{ fx: ProtocolFixture; proposer: PrivateKeyAccount; verifiers: PrivateKeyAccount[] }> {
  const fx = await createProtocolFixture({
    accounts: 2 + stakes.length + 2,
    funded: Array.from({ length: 2 + stakes.length }, (_, i) => i),
    params: { operatorDelay: OPERATOR_DELAY, tasks: { committeeSize, fee: FEE } },
  })
  const verifiers = stakes.map((_, i) => accountAt(fx, 2 + i))
  for (const [i, v] of verifiers.entries()) {
    await writeContract(fx.ledger, v, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, stakes[i] ?? 0n] })
    await writeContract(fx.ledger, v, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, stakes[i] ?? 0n] })
  }
  return { fx, proposer: accountAt(fx, 1), verifiers }
}

function attempt(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(() => 'ok', revertName)
}

describe('TaskRegistry: committee membership', () => {
  test('an operator key votes for its owner once the change is in effect; the owner key then cannot', async () => {
    const { fx, proposer, verifiers } = await setup([STAKE, STAKE, STAKE])
    const [owner, b, c] = verifiers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const operator = accountAt(fx, 2 + verifiers.length) // holds no DEAI
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, operator.address] })
    await writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, owner.address] })

    const secret = bytes32Of('operator task')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    const { committee } = await drawWithSecret(fx, proposer, taskId, secret)
    expect([...committee].sort()).toEqual(verifiers.map((v) => v.address).sort())
    const vote = ballot(taskId, owner.address, true)

    // Accepted but before the delay: the operator is not yet anyone's key.
    expect(await attempt(commitVote(fx, operator, taskId, commitmentOf(taskId, owner.address, vote)))).toBe('NotCommitteeMember')
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await attempt(commitVote(fx, owner, taskId, commitmentOf(taskId, owner.address, vote)))).toBe('NotCommitteeMember')
    const receipt = await commitVote(fx, operator, taskId, commitmentOf(taskId, owner.address, vote))
    const [committed] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'VoteCommitted', logs: receipt.logs })
    expect(committed?.args).toMatchObject({ member: owner.address, operator: operator.address })
    for (const m of [b, c]) await commitVote(fx, m, taskId, commitmentOf(taskId, m.address, ballot(taskId, m.address, true)))

    await endCommitPhase(fx, taskId)
    expect(await attempt(revealVote(fx, owner, taskId, vote))).toBe('NotCommitteeMember')
    const revealed = await revealVote(fx, operator, taskId, vote)
    expect(parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'VoteRevealed', logs: revealed.logs })[0]?.args.member).toBe(owner.address)
    for (const m of [b, c]) await revealVote(fx, m, taskId, ballot(taskId, m.address, true))
    await endRevealPhase(fx, taskId)
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })

    // The reward is the owner's; the operator key holds nothing and can claim nothing.
    expect(await rewardsOf(fx, owner.address)).toBe(FEE / 3n)
    expect(await rewardsOf(fx, operator.address)).toBe(0n)
    expect(await attempt(writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'claim', args: [operator.address] }))).toBe('NothingToClaim')
    expect(await balanceOf(fx, operator.address)).toBe(0n)
    expect(await verifierStake(fx, owner.address)).toBe(STAKE)
  })

  test('a key named as operator but never accepted gives its owner nothing: the owner key keeps voting', async () => {
    const { fx, proposer, verifiers } = await setup([STAKE, STAKE, STAKE])
    const [owner] = verifiers as [PrivateKeyAccount]
    const named = accountAt(fx, 2 + verifiers.length)
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, named.address] })
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    const secret = bytes32Of('unaccepted operator')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    await drawWithSecret(fx, proposer, taskId, secret)
    const vote = ballot(taskId, owner.address, true)
    expect(await attempt(commitVote(fx, named, taskId, commitmentOf(taskId, owner.address, vote)))).toBe('NotCommitteeMember')
    await commitVote(fx, owner, taskId, commitmentOf(taskId, owner.address, vote))
  })

  test('the owner revokes a compromised operator key at once: it cannot vote from the next block, the owner key votes instead', async () => {
    const { fx, proposer, verifiers } = await setup([STAKE, STAKE, STAKE])
    const [owner, b, c] = verifiers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const stolen = accountAt(fx, 2 + verifiers.length)
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, stolen.address] })
    await writeContract(fx.ledger, stolen, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, owner.address] })
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    const secret = bytes32Of('revoked operator')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    await drawWithSecret(fx, proposer, taskId, secret)

    // The owner learns its operator key was stolen and revokes it: no delay applies.
    const vote = ballot(taskId, owner.address, true)
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'revokeOperator', args: [0n, VERIFIER] })
    expect(await attempt(commitVote(fx, stolen, taskId, commitmentOf(taskId, owner.address, ballot(taskId, owner.address, false))))).toBe('NotCommitteeMember')
    await commitVote(fx, owner, taskId, commitmentOf(taskId, owner.address, vote))
    for (const m of [b, c]) await commitVote(fx, m, taskId, commitmentOf(taskId, m.address, ballot(taskId, m.address, true)))
    await endCommitPhase(fx, taskId)
    expect(await attempt(revealVote(fx, stolen, taskId, vote))).toBe('NotCommitteeMember')
    await revealVote(fx, owner, taskId, vote)
    for (const m of [b, c]) await revealVote(fx, m, taskId, ballot(taskId, m.address, true))
    await endRevealPhase(fx, taskId)
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })
    expect(await rewardsOf(fx, owner.address)).toBe(FEE / 3n)
  })

  test('a member who copies another member\'s commitment cannot reveal it', async () => {
    const { fx, proposer, verifiers } = await setup([STAKE, STAKE, STAKE])
    const [honest, copier, other] = verifiers as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount]
    const secret = bytes32Of('copy task')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    await drawWithSecret(fx, proposer, taskId, secret)

    const vote = ballot(taskId, honest.address, true)
    await commitVote(fx, honest, taskId, commitmentOf(taskId, honest.address, vote))
    const { commitment } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getVote', args: [taskId, honest.address] })
    await commitVote(fx, copier, taskId, commitment)
    await commitVote(fx, other, taskId, commitmentOf(taskId, other.address, ballot(taskId, other.address, true)))
    await endCommitPhase(fx, taskId)

    // The copier replays the honest member's reveal, read from its public transaction.
    const receipt = await revealVote(fx, honest, taskId, vote)
    const tx = await fx.ledger.client.getTransaction({ hash: receipt.transactionHash })
    const { args } = decodeFunctionData({ abi: fx.taskRegistry.abi, data: tx.input })
    const [, approve, reasonsCid, salt] = args as readonly [bigint, boolean, string, `0x${string}`]
    expect(await attempt(revealVote(fx, copier, taskId, { approve, reasonsCid, salt }))).toBe('CommitmentMismatch')
    await revealVote(fx, other, taskId, ballot(taskId, other.address, true))
    await endRevealPhase(fx, taskId)
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'finalize', args: [taskId] })

    // The copier counts as not having revealed: slashed and unpaid.
    expect(await verifierStake(fx, copier.address)).toBe(STAKE - STAKE / 10n)
    expect(await rewardsOf(fx, copier.address)).toBe(0n)
    expect(await rewardsOf(fx, honest.address)).toBe(FEE / 2n)
  })

  test('the committee never contains the proposer, even as by far the largest verifier', async () => {
    const stakes = [parseEther('100000'), STAKE, STAKE, STAKE, STAKE, STAKE]
    const { fx, verifiers } = await setup(stakes, 5)
    const [proposer, ...others] = verifiers as [PrivateKeyAccount, ...PrivateKeyAccount[]]
    for (let i = 0; i < 3; i++) {
      const secret = bytes32Of(`proposer excluded ${i}`)
      const taskId = await proposeWithSecret(fx, proposer, { secret })
      const { committee } = await drawWithSecret(fx, proposer, taskId, secret)
      expect([...committee].sort()).toEqual(others.map((o) => o.address).sort())
    }
    // And over many seeds of the draw itself, with a smaller committee. (One call at a time:
    // the embedded chain serves concurrent calls far slower.)
    const epoch = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'currentEpoch' })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawableStake', args: [0n, VERIFIER, epoch] })).toBe(stakes.reduce((a, b) => a + b, 0n))
    for (let i = 0; i < 300; i++) {
      const chosen = await fx.ledger.client.readContract({
        ...fx.stakeManager,
        functionName: 'drawByStake',
        args: [0n, VERIFIER, bytes32Of(`exclude ${i}`), 3n, proposer.address, 0n, epoch],
      })
      expect(chosen).toHaveLength(3)
      expect(chosen).not.toContain(proposer.address)
    }
  })
})
