import type { PrivateKeyAccount } from 'viem'
import { castVote } from '../../src/ledger/actions/governance/cast-vote.js'
import { createProposal } from '../../src/ledger/actions/governance/create-proposal.js'
import { delegateVotes } from '../../src/ledger/actions/governance/delegate-votes.js'
import { encodeProposalActions } from '../../src/ledger/actions/governance/encode-proposal-actions.js'
import type { ProposalAction } from '../../src/ledger/actions/governance/encode-proposal-actions.js'
import { executeProposal } from '../../src/ledger/actions/governance/execute-proposal.js'
import { getProposal } from '../../src/ledger/actions/governance/get-proposal.js'
import { queueProposal } from '../../src/ledger/actions/governance/queue-proposal.js'
import { governorCallAbi } from '../../src/ledger/contracts/governance-abi.js'
import type { ProtocolFixture } from './protocol-fixture.js'
import { advancePast } from './task-flow.js'

/** The governor with an ABI that decodes the errors of everything a proposal runs through. */
export function governorOf(fx: ProtocolFixture): { address: `0x${string}`; abi: typeof governorCallAbi } {
  return { address: fx.protocol.governor.address, abi: governorCallAbi }
}

/** Each account delegates its DEAI to itself. */
export async function delegateToSelf(fx: ProtocolFixture, accounts: readonly PrivateKeyAccount[]): Promise<void> {
  for (const account of accounts) await delegateVotes(fx.protocol, account)
}

/** Lets time pass until the proposal's vote is open. */
export async function toVoting(fx: ProtocolFixture, proposalId: bigint): Promise<void> {
  await advancePast(fx, (await getProposal(fx.protocol, proposalId)).voteStart)
}

/** Lets time pass until the proposal's vote has closed. */
export async function toVoteEnd(fx: ProtocolFixture, proposalId: bigint): Promise<void> {
  await advancePast(fx, (await getProposal(fx.protocol, proposalId)).voteEnd)
}

/** Lets time pass until a queued proposal can be executed. */
export async function toEta(fx: ProtocolFixture, proposalId: bigint): Promise<void> {
  const { eta } = await getProposal(fx.protocol, proposalId)
  if (eta === null) throw new Error(`proposal ${proposalId} is not queued`)
  await advancePast(fx, eta - 1n)
}

/**
 * Takes actions through the whole of governance: `proposer` proposes, every voter votes
 * `support` (for by default), then anyone queues and executes once the timelock allows.
 * The voters must have delegated before.
 */
export async function passProposal(
  fx: ProtocolFixture,
  proposer: PrivateKeyAccount,
  voters: readonly PrivateKeyAccount[],
  actions: readonly ProposalAction[],
  description: string,
): Promise<bigint> {
  const calls = await encodeProposalActions(fx.protocol, actions)
  const { proposalId } = await createProposal(fx.protocol, proposer, { ...calls, description })
  await toVoting(fx, proposalId)
  for (const voter of voters) await castVote(fx.protocol, voter, { proposalId, support: 'for' })
  await toVoteEnd(fx, proposalId)
  await queueProposal(fx.protocol, proposer, proposalId)
  await toEta(fx, proposalId)
  await executeProposal(fx.protocol, proposer, proposalId)
  return proposalId
}
