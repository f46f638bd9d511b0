import { BaseError, ContractFunctionRevertedError } from 'viem'
import { DeaiError, isDeaiError } from '../../errors/base.js'
import { proposalStateName, proposalStatesIn } from './proposal-state.js'
import { lowerCaseNames } from './enum-names.js'
import { CONTRACT_ENUM_MEMBERS } from './generated/protocol-constants.js'

type Hint = (args: readonly unknown[]) => string

function when(seconds: unknown): string {
  return typeof seconds === 'bigint' ? new Date(Number(seconds) * 1000).toISOString() : String(seconds)
}

/** What a user can do about each contract error. */
/** What to do about each custom error, by name (exported for the test that every error has one). */
export const HINTS: Readonly<Record<string, Hint>> = {
  ZeroAmount: () => 'use an amount greater than zero',
  ZeroAddress: () => 'pass a non-zero address',
  BelowMinimumStake: ([, minimum]) => `keep at least ${String(minimum)} wei staked in this pool, or unstake everything`,
  InsufficientStake: ([, available]) => `you have ${String(available)} wei active in this pool`,
  NothingToWithdraw: () => 'request an unstake first (deai unstake), then withdraw after the unbonding delay',
  StillUnbonding: ([releaseAt]) => `wait until ${when(releaseAt)} (chain time) and withdraw again`,
  NothingToClaim: () => 'no rewards are waiting for this owner key; rewards are credited to owners, not operators',
  OperatorTaken: () => 'choose a key that is not another owner\'s operator nor staked in this pool',
  NotPendingOperator: ([key, owner]) => `${String(key)} is not the key ${String(owner)} named (or has already accepted); the owner names it first with deai operator set`,
  NotOperator: ([key, owner]) => `${String(key)} does not work for ${String(owner)} in this pool`,
  PositionLocked: ([until]) => `pending work of this position is judged by ${when(until)} (chain time); withdraw after that`,
  LockTooLong: ([, maximum]) => `a stage may lock a position until ${when(maximum)} at most`,
  FutureLookup: ([block, current]) => `stake is known only for past blocks; ask for a block before ${String(current)}, not ${String(block)}`,
  SnapshotExpired: ([epoch, current]) => `the draw's snapshot is of sortition epoch ${String(epoch)}, now ${String(current)}: draw within the window, or let the task be abandoned`,
  RotationPending: ([to, readyAt]) => `a rotation to ${String(to)} is pending until ${when(readyAt)}; the new key completes it (deai rotation complete), or declines it`,
  RotationDisputedFrozen: () => 'two different new keys were asked for: the rotation is frozen until governance resolves it',
  NoRotation: ([owner]) => `${String(owner)} has no rotation pending (deai rotation show)`,
  RotationNotReady: ([readyAt]) => `complete the rotation after ${when(readyAt)} (chain time)`,
  NotRotationTarget: ([, to]) => `only the new key ${String(to)} can do this`,
  OwnerRotated: ([, to]) => `this owner key rotated to ${String(to)}: act with that key (positions move with deai rotation migrate)`,
  InvalidRotationTarget: () => 'rotate to a fresh key: not zero, not the same key, not a key that rotated away itself',
  SortitionValueTooLarge: () => 'a position (and a pool) cannot exceed 2^96 wei',
  SortitionEpochTooOld: ([epoch]) => `stake as of sortition epoch ${String(epoch)} is no longer kept; draw in the epoch of the seed block`,
  NoPendingOperatorChange: () => 'there is no pending operator change to cancel',
  InvalidSpecCid: () => 'give the CID of the task spec (deai content put spec.json), at most 128 characters',
  BondTooLow: ([, minimum]) => `bond at least ${String(minimum)} wei`,
  BudgetBelowFee: ([, fee]) => `the budget must cover the verification fee of ${String(fee)} wei`,
  ExpiryTooSoon: ([, earliest]) => `set the expiry after ${when(earliest)}`,
  UnknownTask: ([id]) => `no task ${String(id)}; list tasks with deai task list`,
  WrongStatus: ([id, status]) => `task ${String(id)} is ${taskStatusName(status)}, which does not allow this step`,
  SeedNotReady: ([block]) => `wait until block ${String(block)} has been mined`,
  DrawWindowClosed: ([last]) => `the committee had to be drawn by block ${String(last)}; anyone can now abandon the task`,
  BadSeedSecret: () => 'the secret does not match the commitment made at proposal; use the proposer\'s key',
  NotCommitteeMember: () => 'only the drawn committee members (through their operator keys) can vote',
  CommitClosed: ([deadline]) => `the commit phase ended at ${when(deadline)}`,
  RevealNotOpen: ([after]) => `reveal after ${when(after)}`,
  RevealClosed: ([deadline]) => `the reveal phase ended at ${when(deadline)}`,
  AlreadyCommitted: () => 'this member has already committed a vote',
  NoCommitment: () => 'commit a vote first',
  AlreadyRevealed: () => 'this member has already revealed',
  CommitmentMismatch: () => 'reveal exactly the vote, reasons CID and salt that were committed',
  VotingNotOver: ([deadline]) => `finalize after ${when(deadline)}`,
  NotAbandoned: ([last]) => `the proposer can still draw the committee until block ${String(last)}`,
  NotExpired: ([at]) => `the task runs until ${when(at)}`,
  InsufficientBudget: ([, available]) => `the task has ${String(available)} wei of budget left`,
  InvalidParams: ([what]) => `fix the parameter ${String(what)}`,
  DelayTooLong: ([, max]) => `use at most ${String(max)} seconds`,
  LengthMismatch: () => 'pass as many amounts as owners',
  TaskNotOpen: ([id, status]) => `task ${String(id)} is ${taskStatusName(status)}; this stage needs it open (approved and not closed)`,
  NotStaked: () => 'stake in the task\'s pool for this role first (deai stake), at least the minimum; an owner that named an operator must send with that key; a validator\'s stake counts from the round after it staked',
  UpdateRevealNotOpen: ([deadline]) => `reveal the update after the training phase ends at ${when(deadline)}`,
  UpdateRevealClosed: ([deadline]) => `updates had to be revealed by ${when(deadline)}; an unrevealed commitment is slashed`,
  NoUpdateCommitment: () => 'commit to an update during the training phase first (commitUpdate)',
  UpdateAlreadyRevealed: () => 'this trainer has already revealed its update',
  ValidatorSetFull: ([least]) => `the round's validator set is full of validators with at least ${String(least)} wei of stake; stake more before the next round opens to take a seat`,
  ZeroDigest: () => 'pass the CID of real content (its digest cannot be zero)',
  ZeroExamples: () => 'a shard holds at least one example',
  DuplicateShard: ([id, shard]) => `this content is already shard ${String(shard)} of task ${String(id)}`,
  UnknownShard: ([id, shard]) => `task ${String(id)} has no shard ${String(shard)}; list them with listShards`,
  NotProvider: () => 'only the provider named (or its operator key) may do this',
  AlreadyGranted: () => 'this trainer may already use this shard',
  NoTraining: ([id]) => `task ${String(id)} has no training yet`,
  TrainingNotFinished: () => 'finish the training first (finishTraining), once its last model is past its dispute window',
  NoFinalModel: () => 'no model of this training stands (none posted, or the last one was found wrong or is under dispute)',
  AlreadyPublished: ([id]) => `task ${String(id)} already has its model record`,
  ModelNotPublished: ([id]) => `task ${String(id)} has no published model yet; its proposer publishes one after training`,
  ZeroFee: () => 'escrow a fee greater than zero',
  UnknownRequest: ([id]) => `no inference request ${String(id)}`,
  NotPending: () => 'the request was already answered or refunded',
  ResultTooLate: ([deadline]) => `the request expired at ${when(deadline)}; the requester can be refunded`,
  TooEarlyToRefund: ([deadline]) => `the provider may answer until ${when(deadline)}; refund after that`,
  // StakeManager: governance-side and sortition
  NotTracked: () => 'this role keeps no stake history (checkpoints) or sortition tree; governance enables it before anyone stakes in the role',
  RoleInUse: () => 'tracking can only be enabled for a role nobody has staked in yet: a history begun later would be wrong about the past',
  UnknownTracking: ([flags]) => `tracking flags are CHECKPOINTS (1), SORTITION (2) or both (3), not ${String(flags)}`,
  ShareTooLarge: ([bps]) => `a slash share is at most 10,000 basis points, not ${String(bps)}`,
  InvalidEpochBlocks: () => 'a sortition epoch is at least 2 blocks',
  SortitionZeroKey: () => 'the zero address cannot hold stake',
  // Training
  InvalidConfig: ([field]) => `fix the training config's ${String(field)} (deai node --help lists the periods; the whole schedule must fit before the task expires)`,
  ModuleMismatch: () => 'the training clone and its settlement module do not match: create the training through the deployed TrainingFactory',
  ImplementationMismatch: () => 'the factory\'s training implementation does not match its settlement module: redeploy the protocol',
  TrainingExists: ([id, training]) => `task ${String(id)} already has its training at ${String(training)}`,
  NotProposer: ([, proposer]) => `only the task's proposer ${String(proposer)} can do this`,
  WrongRound: ([round, current]) => `round ${String(round)} is not the current round ${String(current)}`,
  RoundNotOpen: ([round, status]) => `round ${String(round)} is ${['not opened', 'open', 'settled', 'cancelled', 'closed'][Number(status)] ?? 'not open'}; it takes no more work`,
  AlreadySubmitted: () => 'this trainer has already committed an update in this round',
  RoundFull: ([max]) => `the round already holds ${String(max)} update commitments; commit earlier in the next round`,
  TrainerUidsExhausted: ([max]) => `all ${String(max)} trainer uids are held by trainers judged in this round; try the next round`,
  SubmissionsClosed: ([deadline]) => `the training phase ended at ${when(deadline)}; commit in the next round`,
  CommitNotOpen: ([after]) => `validators commit scores after the update reveal phase ends at ${when(after)}`,
  NothingToScore: () => 'no update was revealed this round, so there is nothing to score',
  ScoreCountMismatch: ([given, expected]) => `give one score per update commitment: ${String(expected)}, not ${String(given)}`,
  ScoreOutOfRange: ([index, score]) => `score ${String(index)} is ${String(score)}; scores are 0..10,000`,
  AlreadyVoted: () => 'this validator has already voted on the dispute',
  RoundNotOver: ([deadline]) => `settle after the reveal phase ends at ${when(deadline)}`,
  RoundNotSettled: ([round]) => `settle round ${String(round)} first`,
  ModelAlreadyPosted: ([round]) => `round ${String(round)} already has its model`,
  NoModel: ([round]) => `no model is posted for round ${String(round)}`,
  AlreadyDisputed: ([round]) => `the model of round ${String(round)} is already disputed; vote on that dispute instead`,
  DisputeWindowClosed: ([deadline]) => `the model could be disputed until ${when(deadline)}`,
  OwnModel: () => 'an aggregator cannot dispute or vote on its own model',
  DisputeOpen: ([round]) => `the model of round ${String(round)} is under dispute; wait for it to be resolved`,
  NoDispute: ([round]) => `the model of round ${String(round)} has no open dispute`,
  VoteClosed: ([deadline]) => `the dispute vote closed at ${when(deadline)}`,
  VoteNotOver: ([deadline]) => `resolve the dispute after its vote closes at ${when(deadline)}`,
  AlreadyFinished: () => 'the training has finished; its budget is paid out',
  TrainingNotOver: () => 'the training finishes after its last model is past its dispute window, or after the task expires and any open round\'s settle period',
  // Inference
  FeeTooLarge: () => 'the fees escrowed with this log would pass 2^128 wei; use a smaller fee',
  InvalidWindow: ([, max]) => `the result window is between 1 second and ${String(max)} seconds`,
  // Yuma settlement by challenge
  BondTooSmall: ([, minimum]) => `bond at least ${String(minimum)} wei`,
  ChallengePeriodOver: ([id, deadline]) => `claim ${String(id)} could be challenged until ${when(deadline)}`,
  ChallengePeriodNotOver: ([id, deadline]) => `claim ${String(id)} can be settled after ${when(deadline)}`,
  DataMismatch: ([id]) => `the data given does not hash to what claim ${String(id)} committed to`,
  ClaimUpheld: () => 'the recomputed entries agree with the claim: it is not refuted',
  TransferFailed: ([to]) => `the payment to ${String(to)} failed`,
  YumaShapeInvalid: () => 'give weights and bonds with one row per validator and one u16 per trainer',
  YumaClaimShapeInvalid: () => 'the claimed outputs must have one entry per validator and per trainer',
  YumaIndexOutOfRange: ([index, limit]) => `index ${String(index)} is out of range (below ${String(limit)})`,
  YumaMovingAverageTooLarge: ([value]) => `the bonds moving average is at most 1,000,000 (parts per million), not ${String(value)}`,
  AccessControlUnauthorizedAccount: ([account, role]) => `${String(account)} lacks role ${String(role)}`,
  EnforcedPause: () => 'the contract is paused by governance; try again once it is unpaused',
  ERC20InsufficientBalance: ([, balance, needed]) => `the sender holds ${String(balance)} wei of DEAI but ${String(needed)} are needed`,
  ERC20InsufficientAllowance: () => 'approve the contract to spend the tokens first',
  GovernorAlreadyCastVote: () => 'this address has already voted on the proposal; a vote cannot be changed',
  GovernorInsufficientProposerVotes: ([, votes, threshold]) => `proposing needs ${String(threshold)} wei of delegated votes and this address has ${String(votes)}: delegate DEAI to it (deai gov delegate) a block before proposing`,
  GovernorUnexpectedProposalState: ([id, current, expected]) => proposalStatesIn(expected).length === 0
    ? `proposal ${String(id)} already has these calls and this description: make the description unique`
    : `proposal ${String(id)} is ${proposalStateName(current)}; this step needs it ${proposalStatesIn(expected).join(' or ')} (see deai gov show ${String(id)})`,
  GovernorNonexistentProposal: ([id]) => `no proposal ${String(id)}; proposal ids start at 1 (deai gov show lists the latest)`,
  GovernorOnlyExecutor: () => 'only the timelock can do this: make it a governance proposal (deai gov propose)',
  GovernorInvalidProposalLength: () => 'give as many targets as values and calldatas, and at least one',
  GovernorInvalidVoteType: () => 'vote for, against or abstain',
  TimelockUnexpectedOperationState: () => 'the operation is not ready: a queued proposal executes only once the timelock delay has passed (see deai gov show ID)',
  TimelockUnauthorizedCaller: () => 'only the timelock itself can change its delay: make it a governance proposal',
  TimelockInsufficientDelay: ([, minimum]) => `schedule with a delay of at least ${String(minimum)} seconds`,
  ERC5805FutureLookup: () => 'voting power can only be read for past instants; wait for the next block',
}

const TASK_STATUS = lowerCaseNames(CONTRACT_ENUM_MEMBERS.TaskRegistry.Status)
export type TaskStatusName = (typeof TASK_STATUS)[number]

export function taskStatusName(status: unknown): TaskStatusName {
  return TASK_STATUS[Number(status)] ?? 'none'
}

function format(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value)
}

/** A contract call reverted with a custom error; `errorName` and `args` say which. */
export class ContractRevertedError extends DeaiError {
  override name = 'ContractRevertedError'
  readonly errorName: string
  readonly args: readonly unknown[]
  constructor(what: string, errorName: string, args: readonly unknown[], cause: unknown) {
    const hint = HINTS[errorName]
    super('CONTRACT_REVERTED', `${what} reverted: ${errorName}(${args.map(format).join(', ')})`, {
      fixes: hint === undefined ? [] : [hint(args)],
      cause,
    })
    this.errorName = errorName
    this.args = args
  }
}

/**
 * Turns a failed contract call into a DeaiError `CONTRACT_REVERTED` that names the custom
 * error, its arguments and what to do; other failures become `LEDGER_CALL_FAILED`.
 */
export function toContractError(error: unknown, what: string): DeaiError {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? 'unknown error'
      return new ContractRevertedError(what, name, reverted.data?.args ?? [], error)
    }
    return new DeaiError('LEDGER_CALL_FAILED', `${what} failed: ${error.shortMessage}`, { cause: error })
  }
  return new DeaiError('LEDGER_CALL_FAILED', `${what} failed: ${String(error)}`, { cause: error })
}

/** The custom error name of a CONTRACT_REVERTED error, for callers that branch on it. */
export function revertName(error: unknown): string | undefined {
  if (!isDeaiError(error, 'CONTRACT_REVERTED')) return undefined
  return 'errorName' in error && typeof error.errorName === 'string' ? error.errorName : undefined
}
