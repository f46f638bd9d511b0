import { decodeFunctionData, getAddress, keccak256, stringToBytes } from 'viem'
import type { Abi, Address, Hex } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { proposalStateName } from '../../contracts/proposal-state.js'
import type { ProposalStateName } from '../../contracts/proposal-state.js'
import type { Protocol } from '../../protocol.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

/** One call of a proposal, decoded when it targets a contract of the protocol. */
export type ProposalCall = {
  target: Address
  value: bigint
  calldata: Hex
  /** The protocol contract it targets (as named in the deployment), if any. */
  contract?: string
  /** The function called and its arguments, when the calldata decodes against that contract. */
  functionName?: string
  args?: readonly unknown[]
}

/** A proposal as the governor holds it, with its calls and description from its creation event. */
export type ProposalRecord = {
  id: bigint
  state: ProposalStateName
  proposer: Address
  description: string
  descriptionHash: Hex
  calls: ProposalCall[]
  /** Chain time (s) at which voting power is read; voting opens right after it. */
  voteStart: bigint
  /** Chain time (s) at which voting closes. */
  voteEnd: bigint
  /** Once queued: chain time (s) from which it can be executed; else null. */
  eta: bigint | null
  votes: { for: bigint; against: bigint; abstain: bigint }
  /** Votes (wei) that must be cast for or abstain; null until the vote has started. */
  quorum: bigint | null
  /** Chain time (s) of the block this record was read at. */
  readAt: bigint
}

/** Codes of the DeaiErrors getProposal throws (besides the ledger's own). */
export type GetProposalErrorCode = DeaiErrorCodes<'GOV_PROPOSAL_NOT_FOUND' | 'LEDGER_EVENT_MISSING'>

/**
 * Reads a proposal: its state, tallies, quorum, deadlines and calls.
 *
 * @throws DeaiError `GOV_PROPOSAL_NOT_FOUND` for an id no proposal has.
 * @example
 * ```ts
 * import { getProposal } from 'deai/actions'
 * const { state, votes, quorum, voteEnd } = await getProposal(protocol, 1n)
 * ```
 */
export async function getProposal(protocol: Protocol, proposalId: bigint): Promise<ProposalRecord> {
  const client = protocol.ledger.client
  // Every read at one block, so state, tallies and times agree.
  const block = await client.getBlock({ blockTag: 'latest' })
  const at = { blockNumber: block.number }
  const governor = protocol.governor
  const voteStart = await client.readContract({ ...governor, functionName: 'proposalSnapshot', args: [proposalId], ...at })
  if (voteStart === 0n) {
    const latest = await client.readContract({ ...governor, functionName: 'latestProposalId', ...at })
    throw new DeaiError('GOV_PROPOSAL_NOT_FOUND', `no proposal ${proposalId}`, {
      fixes: [latest === 0n ? 'no proposal has been made yet (deai gov propose)' : `proposals are numbered 1 to ${latest}`],
    })
  }
  const [state, voteEnd, eta, proposer, [against, forVotes, abstain]] = await Promise.all([
    client.readContract({ ...governor, functionName: 'state', args: [proposalId], ...at }),
    client.readContract({ ...governor, functionName: 'proposalDeadline', args: [proposalId], ...at }),
    client.readContract({ ...governor, functionName: 'proposalEta', args: [proposalId], ...at }),
    client.readContract({ ...governor, functionName: 'proposalProposer', args: [proposalId], ...at }),
    client.readContract({ ...governor, functionName: 'proposalVotes', args: [proposalId], ...at }),
  ])
  const stateName = proposalStateName(state)
  // Quorum is a share of the supply at the snapshot, which can only be read once it is past
  // (a proposal canceled while pending never gets one).
  const quorum = voteStart < block.timestamp ? await client.readContract({ ...governor, functionName: 'quorum', args: [voteStart], ...at }) : null
  const created = await client.getContractEvents({
    address: governor.address,
    abi: governor.abi,
    eventName: 'ProposalCreated',
    fromBlock: BigInt(protocol.deployment.blockNumber),
    toBlock: block.number,
  })
  const event = created.find((e) => e.args.proposalId === proposalId)
  if (event === undefined) {
    throw new DeaiError('LEDGER_EVENT_MISSING', `proposal ${proposalId} exists but its ProposalCreated event was not found`, {
      fixes: ['use an RPC endpoint that serves logs from the deployment block on'],
    })
  }
  const { targets = [], calldatas = [], description = '' } = event.args
  const values = event.args.values ?? []
  return {
    id: proposalId,
    state: stateName,
    proposer,
    description,
    descriptionHash: keccak256(stringToBytes(description)),
    calls: targets.map((target, i) => describeCall(protocol, target, values[i] ?? 0n, calldatas[i] ?? '0x')),
    voteStart,
    voteEnd,
    eta: eta === 0n ? null : eta,
    votes: { for: forVotes, against, abstain },
    quorum,
    readAt: block.timestamp,
  }
}

function describeCall(protocol: Protocol, target: Address, value: bigint, calldata: Hex): ProposalCall {
  const known: readonly [string, { address: Address; abi: Abi }][] = [
    ['token', protocol.token],
    ['stakeManager', protocol.stakeManager],
    ['taskRegistry', protocol.taskRegistry],
    ['trainingFactory', protocol.trainingFactory],
    ['dataRegistry', protocol.dataRegistry],
    ['modelRegistry', protocol.modelRegistry],
    ['inferenceLog', protocol.inferenceLog],
    ['governor', protocol.governor],
    ['timelock', protocol.timelock],
  ]
  const call: ProposalCall = { target, value, calldata }
  const match = known.find(([, c]) => getAddress(c.address) === getAddress(target))
  if (match === undefined) return call
  const [contract, { abi }] = match
  try {
    const decoded = decodeFunctionData({ abi, data: calldata })
    return { ...call, contract, functionName: decoded.functionName, args: decoded.args ?? [] }
  } catch {
    return { ...call, contract }
  }
}
