import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { describeWhen } from '../../../shared/describe-when.js'
import { governorCallAbi } from '../../contracts/governance-abi.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'
import { getProposal } from './get-proposal.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

/** Codes of the DeaiErrors executeProposal throws (besides the ledger's own). */
export type ExecuteProposalErrorCode = DeaiErrorCodes<'GOV_PROPOSAL_NOT_FOUND' | 'GOV_PROPOSAL_NOT_EXECUTABLE' | 'CONTRACT_REVERTED'>

/**
 * Executes a queued proposal once its timelock delay is over: the timelock makes its calls.
 * Anyone may execute.
 *
 * @throws DeaiError `GOV_PROPOSAL_NOT_FOUND`, `GOV_PROPOSAL_NOT_EXECUTABLE` (not queued, or
 *   with the time left in the timelock), `CONTRACT_REVERTED` (also when a call reverts: the
 *   error of the called contract).
 * @example
 * ```ts
 * import { executeProposal } from 'deai/actions'
 * await executeProposal(protocol, anyone, 1n)
 * ```
 */
export async function executeProposal(protocol: Protocol, account: PrivateKeyAccount, proposalId: bigint): Promise<TransactionReceipt> {
  const proposal = await getProposal(protocol, proposalId)
  if (proposal.state === 'succeeded') {
    throw new DeaiError('GOV_PROPOSAL_NOT_EXECUTABLE', `proposal ${proposalId} passed but is not queued`, {
      fixes: [`queue it first (deai gov queue ${proposalId}); it can be executed after the timelock delay`],
    })
  }
  if (proposal.state !== 'queued') {
    throw new DeaiError('GOV_PROPOSAL_NOT_EXECUTABLE', `proposal ${proposalId} is ${proposal.state}; only a queued proposal can be executed`, {
      fixes: [`see where it stands with deai gov show ${proposalId}`],
    })
  }
  if (proposal.eta !== null && proposal.readAt < proposal.eta) {
    throw new DeaiError('GOV_PROPOSAL_NOT_EXECUTABLE', `proposal ${proposalId} is in the timelock until ${describeWhen(proposal.eta, proposal.readAt)}`, {
      fixes: [`run deai gov execute ${proposalId} again after that`],
    })
  }
  return writeContract(protocol.ledger, account, {
    address: protocol.governor.address,
    abi: governorCallAbi,
    functionName: 'execute',
    args: [proposal.calls.map((c) => c.target), proposal.calls.map((c) => c.value), proposal.calls.map((c) => c.calldata), proposal.descriptionHash],
  }, { gasMeter: protocol.gasMeter })
}
