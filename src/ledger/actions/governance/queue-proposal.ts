import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { describeWhen } from '../../../shared/describe-when.js'
import { governorCallAbi } from '../../contracts/governance-abi.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { getProposal } from './get-proposal.js'
import type { ProposalRecord } from './get-proposal.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

/** Codes of the DeaiErrors queueProposal throws (besides the ledger's own). */
export type QueueProposalErrorCode = DeaiErrorCodes<'GOV_PROPOSAL_NOT_FOUND' | 'GOV_PROPOSAL_NOT_QUEUEABLE' | 'CONTRACT_REVERTED'>

export type QueueProposalReturnType = {
  /** Chain time (s) from which the proposal can be executed. */
  eta: bigint
  receipt: TransactionReceipt
}

/** Why a proposal that is not `succeeded` cannot be queued, and what to do. */
function notQueueable(p: ProposalRecord): DeaiError {
  const id = p.id
  switch (p.state) {
    case 'pending':
    case 'active':
      return new DeaiError('GOV_PROPOSAL_NOT_QUEUEABLE', `proposal ${id} is ${p.state}: it can be queued once voting closes at ${describeWhen(p.voteEnd, p.readAt)}, if it passes`, {
        fixes: [`run deai gov queue ${id} again after the vote`],
      })
    case 'defeated':
      return new DeaiError('GOV_PROPOSAL_NOT_QUEUEABLE', `proposal ${id} was defeated`, {
        details: [`for ${p.votes.for}, against ${p.votes.against}, abstain ${p.votes.abstain}; quorum ${p.quorum ?? '-'} (for + abstain)`],
        fixes: ['a proposal passes with more votes for than against and a quorum of for and abstain votes; propose again'],
      })
    case 'queued':
      return new DeaiError('GOV_PROPOSAL_NOT_QUEUEABLE', `proposal ${id} is already queued; it can be executed from ${describeWhen(p.eta ?? 0n, p.readAt)}`, {
        fixes: [`deai gov execute ${id} once the timelock delay is over`],
      })
    default:
      return new DeaiError('GOV_PROPOSAL_NOT_QUEUEABLE', `proposal ${id} is ${p.state}; only a succeeded proposal can be queued`)
  }
}

/**
 * Queues a proposal that passed into the timelock, which starts its delay. Anyone may queue.
 *
 * @throws DeaiError `GOV_PROPOSAL_NOT_FOUND`, `GOV_PROPOSAL_NOT_QUEUEABLE` (with the time left
 *   while the vote is open), `CONTRACT_REVERTED`.
 * @example
 * ```ts
 * import { queueProposal } from 'deai/actions'
 * const { eta } = await queueProposal(protocol, anyone, 1n)
 * ```
 */
export async function queueProposal(protocol: Protocol, account: PrivateKeyAccount, proposalId: bigint): Promise<QueueProposalReturnType> {
  const proposal = await getProposal(protocol, proposalId)
  if (proposal.state !== 'succeeded') throw notQueueable(proposal)
  const receipt = await writeContract(protocol.ledger, account, {
    address: protocol.governor.address,
    abi: governorCallAbi,
    functionName: 'queue',
    args: [proposal.calls.map((c) => c.target), proposal.calls.map((c) => c.value), proposal.calls.map((c) => c.calldata), proposal.descriptionHash],
  }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: protocol.governor.abi, eventName: 'ProposalQueued', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'queue succeeded but emitted no ProposalQueued event')
  return { eta: event.args.etaSeconds, receipt }
}
