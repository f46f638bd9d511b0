/**
 * What to do about the custom errors deai's contracts inherit from OpenZeppelin, whose sources
 * carry no `@custom:fix` line; deai's own errors get theirs from NatSpec (contract-errors.ts).
 */
import { proposalStateName, proposalStatesIn } from './proposal-state.js'

/** A fix line built from a custom error's decoded arguments. */
export type Hint = (args: readonly unknown[]) => string

/** A chain timestamp (seconds) as an ISO date. */
export function when(seconds: unknown): string {
  return typeof seconds === 'bigint' ? new Date(Number(seconds) * 1000).toISOString() : String(seconds)
}

export const OPENZEPPELIN_HINTS: Readonly<Record<string, Hint>> = {
  AccessControlBadConfirmation: () => 'an account can renounce a role only for itself',
  AccessControlUnauthorizedAccount: ([account, role]) => `${String(account)} lacks role ${String(role)}`,
  CheckpointUnorderedInsertion: () => 'vote checkpoints are written in time order; a clock that went backwards is a bug',
  ECDSAInvalidSignature: () => 'the signature recovers to no key: sign the message again',
  ECDSAInvalidSignatureLength: ([length]) => `a signature is 65 bytes, not ${String(length)}`,
  ECDSAInvalidSignatureS: () => 'the signature is in its malleable form (high s): sign again with a standard signer',
  EnforcedPause: () => 'the contract is paused by governance; try again once it is unpaused',
  ERC20ExceededSafeSupply: ([, cap]) => `the total supply would pass ${String(cap)} wei, the most votes can count`,
  ERC20InsufficientAllowance: () => 'approve the contract to spend the tokens first',
  ERC20InsufficientBalance: ([, balance, needed]) => `the sender holds ${String(balance)} wei of DEAI but ${String(needed)} are needed`,
  ERC20InvalidApprover: () => 'the approving account cannot be the zero address',
  ERC20InvalidReceiver: ([receiver]) => `tokens cannot be sent to ${String(receiver)}: send them to a non-zero address`,
  ERC20InvalidSender: () => 'tokens cannot come from the zero address',
  ERC20InvalidSpender: () => 'approve a non-zero spender',
  ERC2612ExpiredSignature: ([deadline]) => `the permit expired at ${when(deadline)}; sign a new one`,
  ERC2612InvalidSigner: ([signer, owner]) => `the permit was signed by ${String(signer)}, not by the owner ${String(owner)}`,
  ERC5805FutureLookup: () => 'voting power can only be read for past instants; wait for the next block',
  ERC6372InconsistentClock: () => 'the token\'s clock changed: the governor and the token must count time the same way',
  ExpectedPause: () => 'the contract is not paused',
  FailedCall: () => 'a call made by the contract failed without a reason: check its target and arguments',
  FailedDeployment: () => 'the contract could not deploy a clone: check the gas limit',
  GovernorAlreadyCastVote: () => 'this address has already voted on the proposal; a vote cannot be changed',
  GovernorAlreadyInitializedLatestProposalId: () => 'the governor\'s proposal count is set once, at deployment',
  GovernorAlreadyQueuedProposal: ([id]) => `proposal ${String(id)} is already queued; execute it after the timelock delay (deai gov execute ${String(id)})`,
  GovernorDisabledDeposit: () => 'the governor holds no funds: send them to the timelock, which holds the treasury',
  GovernorInsufficientProposerVotes: ([, votes, threshold]) => `proposing needs ${String(threshold)} wei of delegated votes and this address has ${String(votes)}: delegate DEAI to it (deai gov delegate) a block before proposing`,
  GovernorInvalidProposalLength: () => 'give as many targets as values and calldatas, and at least one',
  GovernorInvalidQuorumFraction: ([, denominator]) => `the quorum is a fraction of the supply, at most ${String(denominator)}/${String(denominator)}`,
  GovernorInvalidSignature: ([voter]) => `the vote is not signed by ${String(voter)}: sign it with that key`,
  GovernorInvalidVoteParams: () => 'this governor takes no vote parameters: cast the vote without them',
  GovernorInvalidVoteType: () => 'vote for, against or abstain',
  GovernorInvalidVotingPeriod: () => 'a voting period lasts at least 1 second',
  GovernorNonexistentProposal: ([id]) => `no proposal ${String(id)}; proposal ids start at 1 (deai gov show lists the latest)`,
  GovernorOnlyExecutor: () => 'only the timelock can do this: make it a governance proposal (deai gov propose)',
  GovernorProposalQueueingFailed: ([id]) => `the timelock did not queue proposal ${String(id)}: check that the governor holds the timelock's proposer role`,
  GovernorProposalQueueingNotRequired: ([id]) => `proposal ${String(id)} needs no queueing: execute it (deai gov execute ${String(id)})`,
  GovernorRestrictedProposer: ([proposer]) => `the description restricts who may propose it; ${String(proposer)} may not`,
  GovernorUnableToCancel: ([id]) => `only the proposer can cancel proposal ${String(id)}, and only while it is pending`,
  GovernorUnexpectedProposalState: ([id, current, expected]) => proposalStatesIn(expected).length === 0
    ? `proposal ${String(id)} already has these calls and this description: make the description unique`
    : `proposal ${String(id)} is ${proposalStateName(current)}; this step needs it ${proposalStatesIn(expected).join(' or ')} (see deai gov show ${String(id)})`,
  InsufficientBalance: ([balance, needed]) => `the contract holds ${String(balance)} wei of ether but ${String(needed)} are needed`,
  InvalidAccountNonce: ([account, nonce]) => `the signature's nonce is stale: ${String(account)}'s next nonce is ${String(nonce)}; sign again`,
  InvalidInitialization: () => 'the contract is already initialized: create a new clone instead',
  InvalidShortString: () => 'the stored name is not a valid short string: this is a bug in the deployment',
  NotInitializing: () => 'this function runs only while the contract is being initialized',
  ReentrancyGuardReentrantCall: () => 'the contract was called again from inside a call to it: call it once the first call has returned',
  SafeCastOverflowedUintDowncast: ([bits, value]) => `${String(value)} does not fit in ${String(bits)} bits: use a smaller value`,
  SafeERC20FailedOperation: ([token]) => `the token ${String(token)} refused the transfer: check balance and allowance`,
  StringTooLong: () => 'the name is too long for the contract to store: use a shorter one',
  TimelockInsufficientDelay: ([, minimum]) => `schedule with a delay of at least ${String(minimum)} seconds`,
  TimelockInvalidOperationLength: () => 'give as many targets as payloads and values',
  TimelockUnauthorizedCaller: () => 'only the timelock itself can change its delay: make it a governance proposal',
  TimelockUnexecutedPredecessor: ([predecessor]) => `execute operation ${String(predecessor)} first: this one follows it`,
  TimelockUnexpectedOperationState: () => 'the operation is not ready: a queued proposal executes only once the timelock delay has passed (see deai gov show ID)',
  VotesExpiredSignature: ([expiry]) => `the delegation signature expired at ${when(expiry)}; sign a new one`,
}
