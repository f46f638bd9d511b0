import { keccak256, parseEventLogs, stringToBytes } from 'viem'
import type { Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { governorCallAbi } from '../../contracts/governance-abi.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import type { ProposalCalls } from './encode-proposal-actions.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

export type CreateProposalParameters = ProposalCalls & {
  /** What the proposal does and why; it is part of the proposal's identity, so make it unique. */
  description: string
}

/** Codes of the DeaiErrors createProposal throws (besides the ledger's own). */
export type CreateProposalErrorCode = DeaiErrorCodes<'GOV_PROPOSAL_INVALID' | 'GOV_BELOW_PROPOSAL_THRESHOLD' | 'CONTRACT_REVERTED'>

export type CreateProposalReturnType = {
  /** Proposals are numbered 1, 2, 3... */
  proposalId: bigint
  descriptionHash: Hex
  /** Chain time (s) at which voting power is read; voting opens right after it. */
  voteStart: bigint
  /** Chain time (s) at which voting closes. */
  voteEnd: bigint
  receipt: TransactionReceipt
}

/**
 * Proposes that the timelock makes the given calls. The proposer needs the governor's proposal
 * threshold of delegated votes, counted a moment before the proposal (delegate first, in an
 * earlier block).
 *
 * @throws DeaiError `GOV_PROPOSAL_INVALID` for empty or mismatched calls or no description,
 *   `GOV_BELOW_PROPOSAL_THRESHOLD` when the proposer has too few votes.
 * @example
 * ```ts
 * import { createProposal, delegateVotes, encodeProposalActions } from 'deai/actions'
 * await delegateVotes(protocol, holder)
 * const calls = await encodeProposalActions(protocol, [{ kind: 'set-delays', unbondingDelay: 14n * 86400n }])
 * const { proposalId, voteEnd } = await createProposal(protocol, holder, { ...calls, description: 'Two-week unbonding' })
 * ```
 */
export async function createProposal(protocol: Protocol, proposer: PrivateKeyAccount, parameters: CreateProposalParameters): Promise<CreateProposalReturnType> {
  const { targets, values, calldatas, description } = parameters
  if (targets.length === 0 || targets.length !== values.length || targets.length !== calldatas.length) {
    throw new DeaiError('GOV_PROPOSAL_INVALID', `a proposal needs one or more calls, with as many targets (${targets.length}) as values (${values.length}) and calldatas (${calldatas.length})`, {
      fixes: ['build the calls with encodeProposalActions'],
    })
  }
  if (description.trim() === '') {
    throw new DeaiError('GOV_PROPOSAL_INVALID', 'a proposal needs a description', { fixes: ['say what the proposal does and why'] })
  }
  const client = protocol.ledger.client
  const [threshold, votes] = await Promise.all([
    client.readContract({ ...protocol.governor, functionName: 'proposalThreshold' }),
    client.readContract({ ...protocol.token, functionName: 'getVotes', args: [proposer.address] }),
  ])
  if (votes < threshold) {
    const [balance, delegate] = await Promise.all([
      client.readContract({ ...protocol.token, functionName: 'balanceOf', args: [proposer.address] }),
      client.readContract({ ...protocol.token, functionName: 'delegates', args: [proposer.address] }),
    ])
    throw new DeaiError('GOV_BELOW_PROPOSAL_THRESHOLD', `${proposer.address} has ${votes} wei of votes; proposing needs ${threshold}`, {
      details: [`it holds ${balance} wei of DEAI, delegated to ${delegate === '0x0000000000000000000000000000000000000000' ? 'nobody' : delegate}`],
      fixes: [
        'delegate your DEAI to yourself first (deai gov delegate), then propose in a later block',
        'or ask holders to delegate their votes to this address',
      ],
    })
  }
  const receipt = await writeContract(protocol.ledger, proposer, {
    address: protocol.governor.address,
    abi: governorCallAbi,
    functionName: 'propose',
    args: [targets, values, calldatas, description],
  }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: protocol.governor.abi, eventName: 'ProposalCreated', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'propose succeeded but emitted no ProposalCreated event')
  return {
    proposalId: event.args.proposalId,
    descriptionHash: keccak256(stringToBytes(description)),
    voteStart: event.args.voteStart,
    voteEnd: event.args.voteEnd,
    receipt,
  }
}
