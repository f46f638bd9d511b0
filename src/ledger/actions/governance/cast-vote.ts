import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { governorCallAbi } from '../../contracts/governance-abi.js'
import { proposalStateName, VOTE_SUPPORT } from '../../contracts/proposal-state.js'
import type { VoteSupport } from '../../contracts/proposal-state.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { describeWhen } from '../../../shared/describe-when.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

export type CastVoteParameters = {
  proposalId: bigint
  support: VoteSupport
  /** Published with the vote. */
  reason?: string
}

/** Codes of the DeaiErrors castVote throws (besides the ledger's own). */
export type CastVoteErrorCode = DeaiErrorCodes<'GOV_VOTING_NOT_OPEN' | 'GOV_NO_VOTING_POWER' | 'CONTRACT_REVERTED'>

export type CastVoteReturnType = {
  /** The votes cast (wei of DEAI): the voter's delegated votes at the proposal's snapshot. */
  weight: bigint
  receipt: TransactionReceipt
}

/**
 * Votes on an active proposal with the votes delegated to `voter` at the proposal's snapshot.
 * A vote is final: voting twice reverts with `GovernorAlreadyCastVote`.
 *
 * @throws DeaiError `GOV_VOTING_NOT_OPEN` before the vote opens or after it closes,
 *   `GOV_NO_VOTING_POWER` when the voter had no votes delegated at the snapshot (the governor
 *   would count a vote of weight 0), `CONTRACT_REVERTED` from the governor.
 * @example
 * ```ts
 * import { castVote } from 'deai/actions'
 * await castVote(protocol, holder, { proposalId: 1n, support: 'for', reason: 'fees are too low' })
 * ```
 */
export async function castVote(protocol: Protocol, voter: PrivateKeyAccount, parameters: CastVoteParameters): Promise<CastVoteReturnType> {
  const { proposalId, support } = parameters
  const client = protocol.ledger.client
  const block = await client.getBlock({ blockTag: 'latest' })
  const at = { blockNumber: block.number }
  const governor = protocol.governor
  const snapshot = await client.readContract({ ...governor, functionName: 'proposalSnapshot', args: [proposalId], ...at })
  if (snapshot !== 0n) {
    const state = proposalStateName(await client.readContract({ ...governor, functionName: 'state', args: [proposalId], ...at }))
    if (state === 'pending') {
      throw new DeaiError('GOV_VOTING_NOT_OPEN', `proposal ${proposalId} is pending: voting opens after ${describeWhen(snapshot, block.timestamp)}`, {
        fixes: ['vote once the snapshot instant has passed'],
      })
    }
    if (state !== 'active') {
      const deadline = await client.readContract({ ...governor, functionName: 'proposalDeadline', args: [proposalId], ...at })
      throw new DeaiError('GOV_VOTING_NOT_OPEN', `proposal ${proposalId} is ${state}: voting closed at ${describeWhen(deadline, block.timestamp)}`, {
        fixes: [`see where it stands with deai gov show ${proposalId}`],
      })
    }
    const weight = await client.readContract({ ...governor, functionName: 'getVotes', args: [voter.address, snapshot], ...at })
    if (weight === 0n) {
      const balance = await client.readContract({ ...protocol.token, functionName: 'balanceOf', args: [voter.address], ...at })
      throw new DeaiError('GOV_NO_VOTING_POWER', `no voting power: ${voter.address} had no votes delegated to it at proposal ${proposalId}'s snapshot`, {
        details: [`it holds ${balance} wei of DEAI now; votes count only once delegated, and only as delegated before the snapshot`],
        fixes: ['delegate first (deai gov delegate): your votes count on proposals made after that', 'or ask a holder who had delegated by the snapshot to vote'],
      })
    }
  }
  // An unknown proposal falls through: the governor names it (GovernorNonexistentProposal).
  const receipt = parameters.reason === undefined
    ? await writeContract(protocol.ledger, voter, { address: governor.address, abi: governorCallAbi, functionName: 'castVote', args: [proposalId, VOTE_SUPPORT[support]] }, { gasMeter: protocol.gasMeter })
    : await writeContract(protocol.ledger, voter, { address: governor.address, abi: governorCallAbi, functionName: 'castVoteWithReason', args: [proposalId, VOTE_SUPPORT[support], parameters.reason] }, { gasMeter: protocol.gasMeter })
  const [event] = parseEventLogs({ abi: governor.abi, eventName: 'VoteCast', logs: receipt.logs })
  if (event === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'castVote succeeded but emitted no VoteCast event')
  return { weight: event.args.weight, receipt }
}
