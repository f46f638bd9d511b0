import { lowerCaseNames } from './enum-names.js'
import { CONTRACT_ENUMS, CONTRACT_ENUM_MEMBERS } from './generated/protocol-constants.js'

/** Governor proposal states, in the order of OpenZeppelin's `IGovernor.ProposalState`. */
export const PROPOSAL_STATES = lowerCaseNames(CONTRACT_ENUM_MEMBERS.IGovernor.ProposalState)

export type ProposalStateName = (typeof PROPOSAL_STATES)[number]

/**
 * The name of a proposal state as the governor returns it.
 *
 * @example
 * ```ts
 * import { proposalStateName } from 'deai/actions'
 * proposalStateName(4) // 'succeeded'
 * ```
 */
export function proposalStateName(state: unknown): ProposalStateName {
  const name = PROPOSAL_STATES[Number(state)]
  if (name === undefined) throw new RangeError(`unknown proposal state ${String(state)}`)
  return name
}

/** The states set in a governor state bitmap (bit i is state i), as in `GovernorUnexpectedProposalState`. */
export function proposalStatesIn(bitmap: unknown): ProposalStateName[] {
  const bits = typeof bitmap === 'bigint' ? bitmap : typeof bitmap === 'string' ? BigInt(bitmap) : 0n
  return PROPOSAL_STATES.filter((_, i) => (bits >> BigInt(i)) & 1n)
}

const { VoteType } = CONTRACT_ENUMS.GovernorCountingSimple

/** How a vote counts (GovernorCountingSimple.VoteType: 0 against, 1 for, 2 abstain). */
export const VOTE_SUPPORT = { against: VoteType.Against, for: VoteType.For, abstain: VoteType.Abstain } as const

export type VoteSupport = keyof typeof VOTE_SUPPORT
