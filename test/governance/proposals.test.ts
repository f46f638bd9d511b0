import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encodeFunctionData, getAddress, toHex, zeroHash } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { castVote } from '../../src/ledger/actions/governance/cast-vote.js'
import { createProposal } from '../../src/ledger/actions/governance/create-proposal.js'
import { encodeProposalActions } from '../../src/ledger/actions/governance/encode-proposal-actions.js'
import type { ProposalAction } from '../../src/ledger/actions/governance/encode-proposal-actions.js'
import { executeProposal } from '../../src/ledger/actions/governance/execute-proposal.js'
import { getGovernance } from '../../src/ledger/actions/governance/get-governance.js'
import { getProposal } from '../../src/ledger/actions/governance/get-proposal.js'
import { queueProposal } from '../../src/ledger/actions/governance/queue-proposal.js'
import { deaiGovernorAbi, deaiGovernorBytecode } from '../../src/ledger/contracts/generated/DeaiGovernor.js'
import { deaiTimelockAbi } from '../../src/ledger/contracts/generated/DeaiTimelock.js'
import { PROPOSAL_STATES } from '../../src/ledger/contracts/proposal-state.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { DEFAULT_PROTOCOL_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf } from '../helpers/balances.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { delegateToSelf, governorOf, passProposal, toEta, toVoteEnd, toVoting } from '../helpers/governance-flow.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'

const E = 10n ** 18n
const GOV = DEFAULT_PROTOCOL_PARAMS.governance
const SUPPLY = DEFAULT_PROTOCOL_PARAMS.supply
const QUORUM = (SUPPLY * BigInt(GOV.quorumBps)) / 10_000n
const VERIFIER = roleId('verifier')

const log = createRevertLog()
let fx: ProtocolFixture
// Accounts: 0 deployer (the rest of the supply, never delegates here), 1 alice (31M, delegated),
// 2 bob (16M, delegated), 3 carol (1M, never delegates), 4 dave (1M, delegated), 5 a payee.
let alice: PrivateKeyAccount
let bob: PrivateKeyAccount
let carol: PrivateKeyAccount
let dave: PrivateKeyAccount
let payee: PrivateKeyAccount
let proposals = 0

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error)
}

async function stateOf(proposalId: bigint): Promise<string> {
  return (await getProposal(fx.protocol, proposalId)).state
}

/** Proposes `actions` as `proposer` with a description no other proposal in this file has. */
async function propose(proposer: PrivateKeyAccount, actions: readonly ProposalAction[], label: string): Promise<bigint> {
  const calls = await encodeProposalActions(fx.protocol, actions)
  const { proposalId } = await createProposal(fx.protocol, proposer, { ...calls, description: `${label} (#${proposals++})` })
  return proposalId
}

/** The raw governor arguments of a proposal, to call the contract directly. */
async function rawCalls(proposalId: bigint): Promise<readonly [`0x${string}`[], bigint[], Hex[], Hex]> {
  const p = await getProposal(fx.protocol, proposalId)
  return [p.calls.map((c) => c.target), p.calls.map((c) => c.value), p.calls.map((c) => c.calldata), p.descriptionHash]
}

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 7 })
  alice = accountAt(fx, 1)
  bob = accountAt(fx, 2)
  carol = accountAt(fx, 3)
  dave = accountAt(fx, 4)
  payee = accountAt(fx, 5)
  await writeContract(fx.ledger, fx.deployer, { ...fx.token, functionName: 'transfer', args: [alice.address, 30_000_000n * E] })
  await writeContract(fx.ledger, fx.deployer, { ...fx.token, functionName: 'transfer', args: [bob.address, 15_000_000n * E] })
  await delegateToSelf(fx, [alice, bob, dave])
})

afterAll(async () => {
  await fx.ledger.close()
})

describe('governance: a proposal from creation to execution', () => {
  test('a parameter change goes through propose, vote, queue and execute, each step refused until its time', async () => {
    const before = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
    const id = await propose(alice, [
      { kind: 'set-task-rules', rules: { fee: 20n * E, committeeSize: 3 } },
      { kind: 'set-min-stake', role: 'verifier', amount: 200n * E },
      { kind: 'set-delays', unbondingDelay: 6n * 86_400n },
    ], 'Cheaper committees, a higher verifier minimum, a shorter unbonding')
    const gov = governorOf(fx)
    const created = await getProposal(fx.protocol, id)
    expect(created).toMatchObject({ id, state: 'pending', proposer: alice.address, quorum: null, eta: null, votes: { for: 0n, against: 0n, abstain: 0n } })
    expect(created.voteStart).toBe(created.readAt + GOV.votingDelay)
    expect(created.voteEnd).toBe(created.voteStart + GOV.votingPeriod)
    expect(created.calls.map((c) => `${c.contract}.${c.functionName}`)).toEqual(['taskRegistry.setParams', 'stakeManager.setMinStake', 'stakeManager.setDelays'])

    // Before the vote opens.
    expect((await failureOf(castVote(fx.protocol, alice, { proposalId: id, support: 'for' }))) as { code?: string }).toMatchObject({ code: 'GOV_VOTING_NOT_OPEN' })
    await log.expectRevert(writeContract(fx.ledger, alice, { ...gov, functionName: 'castVote', args: [id, 1] }), 'GovernorUnexpectedProposalState')

    await toVoting(fx, id)
    expect(await stateOf(id)).toBe('active')
    expect((await getProposal(fx.protocol, id)).quorum).toBe(QUORUM)
    expect((await castVote(fx.protocol, alice, { proposalId: id, support: 'for' })).weight).toBe(31_000_000n * E)
    expect((await castVote(fx.protocol, bob, { proposalId: id, support: 'for', reason: 'fees are too high' })).weight).toBe(16_000_000n * E)
    await log.expectRevert(castVote(fx.protocol, alice, { proposalId: id, support: 'against' }), 'GovernorAlreadyCastVote')
    // Carol holds DEAI but never delegated: the governor would count her vote as 0.
    expect(await failureOf(castVote(fx.protocol, carol, { proposalId: id, support: 'against' }))).toMatchObject({ code: 'GOV_NO_VOTING_POWER' })
    expect(await fx.ledger.client.readContract({ ...gov, functionName: 'hasVoted', args: [id, carol.address] })).toBe(false)

    // Not queueable while the vote is open.
    const early = await failureOf(queueProposal(fx.protocol, carol, id))
    expect(early).toMatchObject({ code: 'GOV_PROPOSAL_NOT_QUEUEABLE' })
    expect(String(early)).toMatch(/voting closes at .* \(in 4 d 23 h\)/)
    await log.expectRevert(writeContract(fx.ledger, carol, { ...gov, functionName: 'queue', args: await rawCalls(id) }), 'GovernorUnexpectedProposalState')

    await toVoteEnd(fx, id)
    expect(await getProposal(fx.protocol, id)).toMatchObject({ state: 'succeeded', votes: { for: 47_000_000n * E, against: 0n, abstain: 0n } })
    expect(await failureOf(executeProposal(fx.protocol, carol, id))).toMatchObject({ code: 'GOV_PROPOSAL_NOT_EXECUTABLE' })

    // Anyone may queue; the timelock delay starts.
    const { eta } = await queueProposal(fx.protocol, carol, id)
    const queued = await getProposal(fx.protocol, id)
    expect(queued).toMatchObject({ state: 'queued', eta })
    expect(eta).toBe(queued.readAt + GOV.timelockDelay)
    expect(await failureOf(executeProposal(fx.protocol, carol, id))).toMatchObject({ code: 'GOV_PROPOSAL_NOT_EXECUTABLE' })
    await log.expectRevert(writeContract(fx.ledger, carol, { ...gov, functionName: 'execute', args: await rawCalls(id) }), 'TimelockUnexpectedOperationState')
    expect((await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })).fee).toBe(before.fee)

    await toEta(fx, id)
    await executeProposal(fx.protocol, carol, id)
    expect(await stateOf(id)).toBe('executed')
    const after = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
    expect(after).toEqual({ ...before, fee: 20n * E, committeeSize: 3 })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'minStake', args: [VERIFIER] })).toBe(200n * E)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'unbondingDelay' })).toBe(6n * 86_400n)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'operatorDelay' })).toBe(DEFAULT_PROTOCOL_PARAMS.operatorDelay)
    await log.expectRevert(writeContract(fx.ledger, carol, { ...gov, functionName: 'execute', args: await rawCalls(id) }), 'GovernorUnexpectedProposalState')
  })

  test('a treasury payment: the timelock pays out of what the protocol collected, only after a passed vote and the delay', async () => {
    await writeContract(fx.ledger, fx.deployer, { ...fx.token, functionName: 'transfer', args: [fx.treasury, 10_000n * E] })
    const treasuryBefore = await balanceOf(fx, fx.treasury)
    const payeeBefore = await balanceOf(fx, payee.address)
    expect((await getGovernance(fx.protocol)).treasuryBalance).toBe(treasuryBefore)
    const id = await propose(alice, [{ kind: 'treasury-payment', to: payee.address, amount: 2_500n * E }], 'Pay for the audit')
    expect((await getProposal(fx.protocol, id)).calls).toEqual([{
      target: getAddress(fx.token.address),
      value: 0n,
      calldata: encodeFunctionData({ abi: fx.token.abi, functionName: 'transfer', args: [payee.address, 2_500n * E] }),
      contract: 'token',
      functionName: 'transfer',
      args: [payee.address, 2_500n * E],
    }])
    await toVoting(fx, id)
    await castVote(fx.protocol, alice, { proposalId: id, support: 'for' })
    await castVote(fx.protocol, bob, { proposalId: id, support: 'abstain' })
    await castVote(fx.protocol, dave, { proposalId: id, support: 'against' })
    await toVoteEnd(fx, id)
    expect(await getProposal(fx.protocol, id)).toMatchObject({ state: 'succeeded', votes: { for: 31_000_000n * E, against: 1_000_000n * E, abstain: 16_000_000n * E } })
    await queueProposal(fx.protocol, payee, id)
    expect(await balanceOf(fx, payee.address)).toBe(payeeBefore)
    await toEta(fx, id)
    await executeProposal(fx.protocol, payee, id)
    expect(await stateOf(id)).toBe('executed')
    expect(await balanceOf(fx, payee.address)).toBe(payeeBefore + 2_500n * E)
    expect(await balanceOf(fx, fx.treasury)).toBe(treasuryBefore - 2_500n * E)
  })

  test('a proposal below quorum is defeated and cannot be queued', async () => {
    // Dave has exactly the 1M votes needed to propose, far from the 40M quorum.
    const id = await propose(dave, [{ kind: 'treasury-payment', to: dave.address, amount: 1_000n * E }], 'Pay dave')
    await toVoting(fx, id)
    await castVote(fx.protocol, dave, { proposalId: id, support: 'for' })
    await toVoteEnd(fx, id)
    const defeated = await getProposal(fx.protocol, id)
    expect(defeated).toMatchObject({ state: 'defeated', quorum: QUORUM, votes: { for: 1_000_000n * E, against: 0n, abstain: 0n } })
    expect(await failureOf(queueProposal(fx.protocol, dave, id))).toMatchObject({ code: 'GOV_PROPOSAL_NOT_QUEUEABLE' })
    const args = await log.expectRevert(writeContract(fx.ledger, dave, { ...governorOf(fx), functionName: 'queue', args: await rawCalls(id) }), 'GovernorUnexpectedProposalState')
    expect(args).toEqual([id, PROPOSAL_STATES.indexOf('defeated'), toHex(1n << BigInt(PROPOSAL_STATES.indexOf('succeeded')), { size: 32 })])
  })

  test('more votes against than for defeat a proposal even with a quorum', async () => {
    const id = await propose(bob, [{ kind: 'set-min-stake', role: 'verifier', amount: 1n }], 'Almost no minimum')
    await toVoting(fx, id)
    await castVote(fx.protocol, bob, { proposalId: id, support: 'for' })
    await castVote(fx.protocol, dave, { proposalId: id, support: 'for' })
    await castVote(fx.protocol, alice, { proposalId: id, support: 'against' })
    await toVoteEnd(fx, id)
    expect(await getProposal(fx.protocol, id)).toMatchObject({ state: 'defeated', votes: { for: 17_000_000n * E, against: 31_000_000n * E } })
  })

  test('a proposer can cancel while the proposal is pending, never after voting opens', async () => {
    const kept = await propose(alice, [{ kind: 'pause', contract: 'trainingFactory' }], 'Pause trainings')
    const dropped = await propose(alice, [{ kind: 'pause', contract: 'stakeManager' }], 'Pause staking')
    const gov = governorOf(fx)
    await log.expectRevert(writeContract(fx.ledger, bob, { ...gov, functionName: 'cancel', args: await rawCalls(dropped) }), 'GovernorUnableToCancel')
    await writeContract(fx.ledger, alice, { ...gov, functionName: 'cancel', args: await rawCalls(dropped) })
    expect(await stateOf(dropped)).toBe('canceled')
    await toVoting(fx, kept)
    expect(await failureOf(castVote(fx.protocol, alice, { proposalId: dropped, support: 'for' }))).toMatchObject({ code: 'GOV_VOTING_NOT_OPEN' })
    await log.expectRevert(writeContract(fx.ledger, alice, { ...gov, functionName: 'cancel', args: await rawCalls(kept) }), 'GovernorUnableToCancel')
  })
})

describe('governance: who may do what', () => {
  test('proposing needs the threshold of delegated votes and well-formed calls', async () => {
    const gov = governorOf(fx)
    const calls = await encodeProposalActions(fx.protocol, [{ kind: 'unpause', contract: 'stakeManager' }])
    const low = await failureOf(createProposal(fx.protocol, carol, { ...calls, description: 'undelegated' }))
    expect(low).toMatchObject({ code: 'GOV_BELOW_PROPOSAL_THRESHOLD' })
    expect(String(low)).toContain('delegated to nobody')
    const args = await log.expectRevert(writeContract(fx.ledger, carol, { ...gov, functionName: 'propose', args: [calls.targets, calls.values, calls.calldatas, 'undelegated'] }), 'GovernorInsufficientProposerVotes')
    expect(args).toEqual([carol.address, 0n, GOV.proposalThreshold])
    await log.expectRevert(writeContract(fx.ledger, alice, { ...gov, functionName: 'propose', args: [calls.targets, [], calls.calldatas, 'lengths'] }), 'GovernorInvalidProposalLength')
    await log.expectRevert(writeContract(fx.ledger, alice, { ...gov, functionName: 'propose', args: [[], [], [], 'empty'] }), 'GovernorInvalidProposalLength')
    expect(await failureOf(createProposal(fx.protocol, alice, { targets: [], values: [], calldatas: [], description: 'empty' }))).toMatchObject({ code: 'GOV_PROPOSAL_INVALID' })
    expect(await failureOf(createProposal(fx.protocol, alice, { ...calls, description: ' ' }))).toMatchObject({ code: 'GOV_PROPOSAL_INVALID' })
    // The same calls with the same description are the same proposal.
    const first = await propose(alice, [{ kind: 'unpause', contract: 'stakeManager' }], 'Twice')
    const again = await getProposal(fx.protocol, first)
    const duplicate = writeContract(fx.ledger, alice, { ...gov, functionName: 'propose', args: [again.calls.map((c) => c.target), [0n], again.calls.map((c) => c.calldata), again.description] })
    expect(await log.expectRevert(duplicate, 'GovernorUnexpectedProposalState')).toEqual([first, PROPOSAL_STATES.indexOf('pending'), zeroHash])
    expect(String(await failureOf(createProposal(fx.protocol, alice, { ...calls, description: again.description })))).toContain('make the description unique')
    // A description may reserve a proposal for one proposer (OpenZeppelin's front-running guard).
    await log.expectRevert(writeContract(fx.ledger, bob, { ...gov, functionName: 'propose', args: [calls.targets, calls.values, calls.calldatas, `mine#proposer=${alice.address}`] }), 'GovernorRestrictedProposer')
  })

  test('votes must be for, against or abstain, and signed votes must carry the voter\'s signature', async () => {
    const id = await propose(alice, [{ kind: 'unpause', contract: 'trainingFactory' }], 'Vote kinds')
    await toVoting(fx, id)
    const gov = governorOf(fx)
    await log.expectRevert(writeContract(fx.ledger, alice, { ...gov, functionName: 'castVote', args: [id, 3] }), 'GovernorInvalidVoteType')
    await log.expectRevert(writeContract(fx.ledger, carol, { ...gov, functionName: 'castVoteBySig', args: [id, 1, alice.address, toHex(new Uint8Array(65).fill(7))] }), 'GovernorInvalidSignature')
    await log.expectRevert(fx.ledger.client.readContract({ ...gov, functionName: 'state', args: [999n] }), 'GovernorNonexistentProposal')
    expect(await failureOf(getProposal(fx.protocol, 999n))).toMatchObject({ code: 'GOV_PROPOSAL_NOT_FOUND' })
  })

  test('only the timelock changes governance settings, and only the governor schedules in the timelock', async () => {
    const gov = governorOf(fx)
    const timelock = { address: fx.protocol.timelock.address, abi: deaiTimelockAbi }
    const outsider = carol
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...gov, functionName: 'setVotingPeriod', args: [1] }), 'GovernorOnlyExecutor')
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...gov, functionName: 'relay', args: [fx.token.address, 0n, '0x'] }), 'GovernorOnlyExecutor')
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...gov, functionName: 'onERC721Received', args: [outsider.address, outsider.address, 1n, '0x'] }), 'GovernorDisabledDeposit')
    const proposer = await fx.ledger.client.readContract({ ...timelock, functionName: 'PROPOSER_ROLE' })
    const schedule = [fx.token.address, 0n, '0x', zeroHash, zeroHash, GOV.timelockDelay] as const
    expect(await log.expectRevert(writeContract(fx.ledger, outsider, { ...timelock, functionName: 'schedule', args: schedule }), 'AccessControlUnauthorizedAccount')).toEqual([outsider.address, proposer])
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...timelock, functionName: 'updateDelay', args: [0n] }), 'TimelockUnauthorizedCaller')
    await log.expectRevert(writeContract(fx.ledger, outsider, { ...timelock, functionName: 'renounceRole', args: [proposer, fx.protocol.governor.address] }), 'AccessControlBadConfirmation')
    // Even the governor cannot shorten the delay or schedule malformed batches (simulated as it).
    const asGovernor = { account: fx.protocol.governor.address, ...timelock }
    await log.expectRevert(fx.ledger.client.simulateContract({ ...asGovernor, functionName: 'schedule', args: [fx.token.address, 0n, '0x', zeroHash, zeroHash, GOV.timelockDelay - 1n] }), 'TimelockInsufficientDelay')
    await log.expectRevert(fx.ledger.client.simulateContract({ ...asGovernor, functionName: 'scheduleBatch', args: [[fx.token.address], [], ['0x'], zeroHash, zeroHash, GOV.timelockDelay] }), 'TimelockInvalidOperationLength')
  })

  test('the governor\'s own settings are checked when it is deployed', async () => {
    const deploy = (votingPeriod: number, quorumBps: bigint) => simulateDeploy(fx.ledger, fx.deployer, {
      abi: deaiGovernorAbi,
      bytecode: deaiGovernorBytecode,
      args: [fx.token.address, fx.protocol.timelock.address, 1, votingPeriod, 0n, quorumBps],
    })
    expect(await log.expectRevert(deploy(0, 400n), 'GovernorInvalidVotingPeriod')).toEqual([0n])
    expect(await log.expectRevert(deploy(60, 10_001n), 'GovernorInvalidQuorumFraction')).toEqual([10_001n, 10_000n])
    await deploy(60, 10_000n)
  })

  test('a passed proposal whose call fails stays queued, and the timelock names the failure', async () => {
    const id = await propose(alice, [{ kind: 'call', target: fx.stakeManager.address, data: '0xdeadbeef' }], 'A call StakeManager does not have')
    await toVoting(fx, id)
    await castVote(fx.protocol, alice, { proposalId: id, support: 'for' })
    await castVote(fx.protocol, bob, { proposalId: id, support: 'for' })
    await toVoteEnd(fx, id)
    await queueProposal(fx.protocol, alice, id)
    await toEta(fx, id)
    await log.expectRevert(executeProposal(fx.protocol, alice, id), 'FailedCall')
    expect(await stateOf(id)).toBe('queued')
  })
})

describe('governance: limits', () => {
  test('governance can lock itself: a voting delay past 2^48 seconds makes every later proposal revert', async () => {
    // A separate chain: this breaks the governor for good.
    const own = await createProtocolFixture({ accounts: 2 })
    try {
      await delegateToSelf(own, [own.deployer])
      const setDelay = encodeFunctionData({ abi: deaiGovernorAbi, functionName: 'setVotingDelay', args: [2 ** 48 - 1] })
      await passProposal(own, own.deployer, [own.deployer], [{ kind: 'call', target: own.protocol.governor.address, data: setDelay }], 'An absurd voting delay')
      const calls = await encodeProposalActions(own.protocol, [{ kind: 'unpause', contract: 'stakeManager' }])
      await log.expectRevert(createProposal(own.protocol, own.deployer, { ...calls, description: 'anything' }), 'SafeCastOverflowedUintDowncast')
    } finally {
      await own.ledger.close()
    }
  })

  test('checklist: every error the governor and the timelock declare is raised by a test or cannot be', () => {
    const viaGovernance = 'reachable only if a proposal first gives timelock roles to another account'
    assertErrorChecklist(deaiGovernorAbi, log, {
      covered: {
        FailedCall: 'a passed proposal whose call fails stays queued, and the timelock names the failure',
        GovernorAlreadyCastVote: 'a parameter change goes through propose, vote, queue and execute, each step refused until its time',
        GovernorDisabledDeposit: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        GovernorInsufficientProposerVotes: 'proposing needs the threshold of delegated votes and well-formed calls',
        GovernorInvalidProposalLength: 'proposing needs the threshold of delegated votes and well-formed calls',
        GovernorInvalidQuorumFraction: 'the governor\'s own settings are checked when it is deployed',
        GovernorInvalidSignature: 'votes must be for, against or abstain, and signed votes must carry the voter\'s signature',
        GovernorInvalidVoteType: 'votes must be for, against or abstain, and signed votes must carry the voter\'s signature',
        GovernorInvalidVotingPeriod: 'the governor\'s own settings are checked when it is deployed',
        GovernorNonexistentProposal: 'votes must be for, against or abstain, and signed votes must carry the voter\'s signature',
        GovernorOnlyExecutor: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        GovernorRestrictedProposer: 'proposing needs the threshold of delegated votes and well-formed calls',
        GovernorUnableToCancel: 'a proposer can cancel while the proposal is pending, never after voting opens',
        GovernorUnexpectedProposalState: 'a proposal below quorum is defeated and cannot be queued',
        SafeCastOverflowedUintDowncast: 'governance can lock itself: a voting delay past 2^48 seconds makes every later proposal revert',
      },
      unreachable: {
        CheckpointUnorderedInsertion: 'quorum checkpoints are keyed by chain time, which only grows',
        ERC6372InconsistentClock: 'raised only for a token without a clock; DEAI has a timestamp clock',
        GovernorAlreadyInitializedLatestProposalId: 'DeaiGovernor never calls _initializeLatestProposalId',
        GovernorAlreadyQueuedProposal: 'declared by IGovernor for other timelock extensions; GovernorTimelockControl does not raise it',
        GovernorInvalidVoteParams: 'GovernorCountingSimple ignores vote params',
        GovernorProposalQueueingFailed: 'the timelock always gives a non-zero eta',
        GovernorProposalQueueingNotRequired: 'every proposal needs queueing with GovernorTimelockControl',
        InvalidAccountNonce: 'signed votes use unchecked nonces; nothing calls _useCheckedNonce',
        InvalidShortString: 'the EIP-712 name is the constant "deai"',
        StringTooLong: 'the EIP-712 name is the constant "deai"',
      },
    })
    assertErrorChecklist(deaiTimelockAbi, log, {
      covered: {
        AccessControlBadConfirmation: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        AccessControlUnauthorizedAccount: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        FailedCall: 'a passed proposal whose call fails stays queued, and the timelock names the failure',
        TimelockInsufficientDelay: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        TimelockInvalidOperationLength: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        TimelockUnauthorizedCaller: 'only the timelock changes governance settings, and only the governor schedules in the timelock',
        TimelockUnexpectedOperationState: 'a parameter change goes through propose, vote, queue and execute, each step refused until its time',
      },
      unreachable: {
        TimelockUnexecutedPredecessor: `the governor schedules without predecessors; ${viaGovernance}`,
      },
    })
  })
})
