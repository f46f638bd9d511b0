// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {StakeManager} from "../staking/StakeManager.sol";
import {TaskRegistry} from "../tasks/TaskRegistry.sol";
import {ITrainingRounds} from "./ITrainingRounds.sol";

/// @title TrainingStorage: the state, errors and shared helpers of a training clone
/// @notice TrainingRounds (what each clone delegates to) and TrainingSettlement (the settlement
/// code TrainingRounds delegates `settle` to, kept apart so that neither passes the 24,576-byte
/// code limit and on-chain Yuma has room) both inherit this, and only this declares state, so
/// both see the clone's storage the same way.
abstract contract TrainingStorage {
    bytes32 public constant TRAINER = keccak256("TRAINER");
    bytes32 public constant VALIDATOR = keccak256("VALIDATOR");
    bytes32 public constant AGGREGATOR = keccak256("AGGREGATOR");

    bytes32 public constant REASON_REJECTED = keccak256("TRAINING_UPDATE_REJECTED");
    bytes32 public constant REASON_UPDATE_NOT_REVEALED = keccak256("TRAINING_UPDATE_NOT_REVEALED");
    bytes32 public constant REASON_FREE_RIDING = keccak256("TRAINING_FREE_RIDING");
    bytes32 public constant REASON_COPIED = keccak256("TRAINING_COPIED_UPDATE");
    bytes32 public constant REASON_NO_REVEAL = keccak256("TRAINING_NO_REVEAL");
    bytes32 public constant REASON_DEVIATION = keccak256("TRAINING_SCORE_DEVIATION");
    bytes32 public constant REASON_WRONG_MODEL = keccak256("TRAINING_WRONG_MODEL");
    bytes32 public constant REASON_FAILED_DISPUTE = keccak256("TRAINING_FAILED_DISPUTE");
    bytes32 public constant REASON_LOST_DISPUTE_VOTE = keccak256("TRAINING_LOST_DISPUTE_VOTE");
    bytes32 public constant REWARD_UPDATE = keccak256("TRAINING_UPDATE");
    bytes32 public constant REWARD_VALIDATION = keccak256("TRAINING_VALIDATION");

    uint256 internal constant BPS = 10_000;
    uint256 public constant MAX_UPDATES = 256;
    uint256 public constant MAX_VALIDATORS = 64;
    /// @notice Scores one round may hold (maxValidators x maxUpdates): bounds settlement gas well
    /// under a transaction's gas cap (EIP-7825) whatever the scores are.
    uint256 public constant MAX_SCORES = 4096;
    uint64 public constant MAX_PERIOD = 365 days;
    /// @notice Yuma: trainer uids one training may have (the bond matrix has one column per uid).
    uint256 public constant MAX_YUMA_TRAINERS = 64;
    /// @notice Yuma: rounds a trainer's uid is immune from a newcomer (its registration round and the next).
    uint256 public constant YUMA_IMMUNITY_ROUNDS = 2;
    /// @notice Yuma: the epoch's cells one round may hold (maxValidators x trainer uids): an epoch
    /// cell, with its bond written for the first time, costs several times a score of the other
    /// rules, so the bound is a quarter of MAX_SCORES.
    uint256 public constant MAX_YUMA_SCORES = 1024;

    struct Round {
        uint64 trainDeadline;
        uint64 updateRevealDeadline;
        uint64 scoreDeadline;
        uint64 revealDeadline;
        uint64 snapshotBlock;
        uint16 submissions; // update commitments
        uint16 revealed; // of which revealed
        uint8 committerCount; // the validator set's size
        uint8 commitSeq; // score commitments so far (saturating): the tie-break order of the set
        ITrainingRounds.RoundStatus status;
        ITrainingRounds.Codec modelCodec;
        uint16 attempt;
        bytes32 modelDigest;
    }

    /// @dev One update commitment of the current opening, reused from round to round. Until the
    /// reveal `hash` is the commitment, afterwards the update's digest.
    struct Entry {
        address trainer;
        uint48 stamp;
        bool revealed;
        ITrainingRounds.Codec codec;
        uint32 examples;
        bytes32 hash;
    }

    /// @dev One validator's commitment, reused from round to round (the stamp names the opening).
    struct Validation {
        bytes32 commitment;
        uint64 stamp;
        bool revealed;
        uint128 stakeAtCommit; // the smaller of snapshot and active stake at commit; settlement weighs min(this, active then)
    }

    struct Model {
        bytes32 digest;
        address aggregator;
        uint64 postedAt;
        ITrainingRounds.Codec codec;
        ITrainingRounds.ModelStatus status;
        ITrainingRounds.DisputeStatus dispute;
        address disputer;
        uint64 voteDeadline;
        uint64 snapshotBlock;
        uint32 disputes; // disputes this round's models have had (keys the votes)
        uint8 voterCount; // the dispute's voter set (top stake), in `_disputeVoters`
        uint8 voteSeq; // votes so far (saturating): the tie-break order of the voter set
        uint256 stakeForWrong; // the voter set's weight on each side
        uint256 stakeForRight;
    }

    StakeManager public immutable stakes;
    TaskRegistry public immutable registry;
    IERC20 public immutable token;

    // Read together on every submission and vote: one slot.
    address public proposer;
    uint64 internal _taskId;
    uint32 internal _current;

    address public factory;
    bool public finished;
    ITrainingRounds.Config internal _config;

    uint256 internal _funded;
    uint256 internal _slashedIn;
    uint256 internal _credited;
    uint256 internal _refunded;

    mapping(uint256 round => Round) internal _rounds;
    mapping(uint256 round => Model) internal _models;
    /// @dev Per trainer: the opening it last committed in (stamp << 16) and its index there.
    mapping(address trainer => uint256) internal _submitted;
    /// @dev The current opening's update commitments, reused every round.
    Entry[256] internal _entries;
    mapping(address validator => Validation) internal _validations;
    /// @dev The current round's validator set: owner << 96 | rank (see _admit); reused every round.
    uint256[64] internal _committers;
    /// @dev The open dispute's voter set (one dispute is open at a time), as _committers.
    uint256[64] internal _disputeVoters;
    /// @dev A validator's revealed scores, 16 per slot, reused every round.
    mapping(address validator => uint256[16]) internal _scoreWords;
    /// @dev Per voter: weight << 8 | side (1: the model is wrong, 2: right, 3: evicted from the voter set).
    mapping(uint256 round => mapping(uint32 dispute => mapping(address validator => uint256))) internal _voted;
    /// @dev Yuma: each trainer owner's uid plus one (0: none), given when its update is first judged.
    mapping(address trainer => uint256) internal _trainerUid;
    /// @dev Yuma: uid slots in use so far (uids are 0.._trainerUids - 1; at most maxUpdates).
    uint256 internal _trainerUids;
    /// @dev Yuma: each uid's holder.
    address[64] internal _uidHolder;
    /// @dev Yuma: per uid, the round its holder registered in (u32, 8 per word, uid 8w + k in bits 32k..32k + 31).
    uint256[8] internal _uidRegistered;
    /// @dev Yuma: per uid, its incentive in the latest epoch (u16, packed as the bond rows), the pruning score.
    uint256[4] internal _uidScores;
    /// @dev Yuma: the round each validator owner's bond row was last written in.
    mapping(address validator => uint256) internal _bondRound;
    /// @dev Yuma: each validator owner's bond row, one u16 per trainer uid, 16 per word,
    /// big-endian (uid 16w + k in bits 255 - 16k .. 240 - 16k of word w), as the epoch packs rows;
    /// MAX_YUMA_TRAINERS / 16 words.
    mapping(address validator => uint256[4]) internal _bondWords;

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice The training clone and its settlement module do not match.
    /// @custom:fix the training clone and its settlement module do not match: create the training through the deployed TrainingFactory
    error ModuleMismatch();
    /// @notice A field of the training config is out of range.
    /// @custom:fix fix the training config's {field} (deai node --help lists the periods; the whole schedule must fit before the task expires)
    error InvalidConfig(string field);
    /// @notice A content digest is zero.
    /// @custom:fix pass the CID of real content (its digest cannot be zero)
    error ZeroDigest();
    /// @notice The round is not the current round.
    /// @custom:fix round {round} is not the current round {current}
    error WrongRound(uint256 round, uint256 current);
    /// @notice The round is not open.
    /// @custom:fix round {round} is {status:roundStatus}; it takes no more work
    error RoundNotOpen(uint256 round, ITrainingRounds.RoundStatus status);
    /// @notice The training phase has ended.
    /// @custom:fix the training phase ended at {trainDeadline:time}; commit in the next round
    error SubmissionsClosed(uint64 trainDeadline);
    /// @notice The key works for no owner with at least the minimum stake in the pool.
    /// @custom:fix stake in the task's pool for this role first (deai stake), at least the minimum; an owner that named an operator must send with that key; a validator's stake counts from the round after it staked
    error NotStaked(bytes32 role, address owner, uint256 stake, uint256 minimum);
    /// @notice The trainer has already committed an update in this round.
    /// @custom:fix this trainer has already committed an update in this round
    error AlreadySubmitted(address trainer);
    /// @notice The round holds the most update commitments it can.
    /// @custom:fix the round already holds {maxUpdates} update commitments; commit earlier in the next round
    error RoundFull(uint256 maxUpdates);
    /// @notice Every trainer uid is held by a trainer judged in this round.
    /// @custom:fix all {maximum} trainer uids are held by trainers judged in this round; try the next round
    error TrainerUidsExhausted(uint256 maximum);
    /// @notice The update reveal phase has not opened.
    /// @custom:fix reveal the update after the training phase ends at {trainDeadline:time}
    error UpdateRevealNotOpen(uint64 trainDeadline);
    /// @notice The update reveal phase has ended.
    /// @custom:fix updates had to be revealed by {updateRevealDeadline:time}; an unrevealed commitment is slashed
    error UpdateRevealClosed(uint64 updateRevealDeadline);
    /// @notice The trainer committed no update this round.
    /// @custom:fix commit to an update during the training phase first (commitUpdate)
    error NoUpdateCommitment(address trainer);
    /// @notice The trainer has already revealed its update.
    /// @custom:fix this trainer has already revealed its update
    error UpdateAlreadyRevealed(address trainer);
    /// @notice The score commit phase has not opened.
    /// @custom:fix validators commit scores after the update reveal phase ends at {updateRevealDeadline:time}
    error CommitNotOpen(uint64 updateRevealDeadline);
    /// @notice The commit phase has ended.
    /// @custom:fix the commit phase ended at {scoreDeadline:time}
    error CommitClosed(uint64 scoreDeadline);
    /// @notice No update was revealed this round.
    /// @custom:fix no update was revealed this round, so there is nothing to score
    error NothingToScore();
    /// @notice This voter has already committed in this phase.
    /// @custom:fix this member has already committed a vote
    error AlreadyCommitted(address validator);
    /// @notice The round's validator set is full.
    /// @custom:fix the round's validator set is full of validators with at least {leastStake} wei of stake; stake more before the next round opens to take a seat
    error ValidatorSetFull(uint256 leastStake);
    /// @notice The reveal phase has not opened.
    /// @custom:fix reveal after {scoreDeadline:time}
    error RevealNotOpen(uint64 scoreDeadline);
    /// @notice The reveal phase has ended.
    /// @custom:fix the reveal phase ended at {revealDeadline:time}
    error RevealClosed(uint64 revealDeadline);
    /// @notice There is no commitment to reveal.
    /// @custom:fix commit a vote first
    error NoCommitment(address validator);
    /// @notice This voter has already revealed.
    /// @custom:fix this member has already revealed
    error AlreadyRevealed(address validator);
    /// @notice The number of scores is not the number of update commitments.
    /// @custom:fix give one score per update commitment: {expected}, not {given}
    error ScoreCountMismatch(uint256 given, uint256 expected);
    /// @notice A score is above 10,000.
    /// @custom:fix score {index} is {score}; scores are 0..10,000
    error ScoreOutOfRange(uint256 index, uint16 score);
    /// @notice The revealed values do not hash to the commitment.
    /// @custom:fix reveal exactly the vote, reasons CID and salt that were committed
    error CommitmentMismatch();
    /// @notice The round's reveal phase has not ended.
    /// @custom:fix settle after the reveal phase ends at {revealDeadline:time}
    error RoundNotOver(uint64 revealDeadline);
    /// @notice The round's model is under dispute.
    /// @custom:fix the model of round {round} is under dispute; wait for it to be resolved
    error DisputeOpen(uint256 round);
    /// @notice The round is not settled.
    /// @custom:fix settle round {round} first
    error RoundNotSettled(uint256 round);
    /// @notice The round already has its model.
    /// @custom:fix round {round} already has its model
    error ModelAlreadyPosted(uint256 round);
    /// @notice No model is posted for the round.
    /// @custom:fix no model is posted for round {round}
    error NoModel(uint256 round);
    /// @notice The round's model is already under dispute.
    /// @custom:fix the model of round {round} is already disputed; vote on that dispute instead
    error AlreadyDisputed(uint256 round);
    /// @notice The model can no longer be disputed.
    /// @custom:fix the model could be disputed until {deadline:time}
    error DisputeWindowClosed(uint64 deadline);
    /// @notice An aggregator cannot dispute or vote on its own model.
    /// @custom:fix an aggregator cannot dispute or vote on its own model
    error OwnModel();
    /// @notice The round's model has no open dispute.
    /// @custom:fix the model of round {round} has no open dispute
    error NoDispute(uint256 round);
    /// @notice The dispute vote has closed.
    /// @custom:fix the dispute vote closed at {voteDeadline:time}
    error VoteClosed(uint64 voteDeadline);
    /// @notice The validator has already voted on this dispute.
    /// @custom:fix this validator has already voted on the dispute
    error AlreadyVoted(address validator);
    /// @notice The dispute vote has not closed.
    /// @custom:fix resolve the dispute after its vote closes at {voteDeadline:time}
    error VoteNotOver(uint64 voteDeadline);
    /// @notice The training cannot finish yet.
    /// @custom:fix the training finishes after its last model is past its dispute window, or after the task expires and any open round's settle period
    error TrainingNotOver();
    /// @notice The training has already finished and paid out its budget.
    /// @custom:fix the training has finished; its budget is paid out
    error AlreadyFinished();

    constructor(StakeManager stakes_, TaskRegistry registry_) {
        if (address(stakes_) == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        stakes = stakes_;
        registry = registry_;
        token = stakes_.token();
    }

    /// @dev The task id and the round, which must be the current one and open.
    function _openRound(uint256 round) internal view returns (uint256 taskId_, Round storage r) {
        uint256 current = _current;
        if (round != current) revert WrongRound(round, current);
        r = _rounds[round];
        if (r.status != ITrainingRounds.RoundStatus.Open) revert RoundNotOpen(round, r.status);
        taskId_ = _taskId;
    }

    /// @dev Admits `who` with `weight` into a set of at most `capacity` members kept in `slots`
    /// (owner << 96 | rank, rank = min(weight, 2^88 - 1) << 8 | 255 - seq): appended while there
    /// is room, else in place of the member with the lowest rank if `who` ranks higher. The rank
    /// orders by weight, then by arrival (`seq`, earlier ranks higher), so arrival only breaks ties.
    /// @return slot where `who` went.
    /// @return evicted the member it replaced, or zero.
    function _admit(uint256[64] storage slots, uint256 count, uint256 capacity, address who, uint256 weight, uint8 seq)
        internal
        returns (uint256 slot, address evicted)
    {
        uint256 cap88 = (uint256(1) << 88) - 1;
        uint256 rank = ((weight < cap88 ? weight : cap88) << 8) | (255 - uint256(seq));
        uint256 entry = (uint256(uint160(who)) << 96) | rank;
        if (count < capacity) {
            slots[count] = entry;
            return (count, address(0));
        }
        uint256 least = type(uint256).max;
        for (uint256 i = 0; i < count; i++) {
            uint256 r = slots[i] & ((uint256(1) << 96) - 1);
            if (r < least) {
                least = r;
                slot = i;
            }
        }
        if (rank <= least) revert ValidatorSetFull(least >> 8);
        evicted = address(uint160(slots[slot] >> 96));
        slots[slot] = entry;
    }

    /// @dev The owner in a set slot.
    function _member(uint256 entry) internal pure returns (address) {
        return address(uint160(entry >> 96));
    }

    /// @dev The owner's stake in the role's pool, the smaller of that at `snapshotBlock` and now:
    /// stake added after the snapshot buys nothing and stake leaving counts no more.
    function _snapshotStake(uint256 taskId_, bytes32 role, address owner, uint256 snapshotBlock) internal view returns (uint256 stake) {
        stake = stakes.stakeAt(taskId_, role, owner, snapshotBlock);
        uint256 active = stakes.activeStake(taskId_, role, owner);
        if (active < stake) stake = active;
    }

    /// @dev Keeps the owner's stake in the role's pool from leaving before `until`.
    function _lock(uint256 taskId_, bytes32 role, address owner, uint64 until) internal {
        stakes.lock(taskId_, role, owner, until);
    }

    /// @dev Yuma: the round uid `u`'s holder registered in.
    function _registeredRound(uint256 u) internal view returns (uint256) {
        return uint32(_uidRegistered[u >> 3] >> (32 * (u & 7)));
    }

    function _setRegisteredRound(uint256 u, uint256 round) internal {
        uint256 shift = 32 * (u & 7);
        uint256 word = _uidRegistered[u >> 3] & ~(uint256(type(uint32).max) << shift);
        _uidRegistered[u >> 3] = word | (uint256(uint32(round)) << shift);
    }

    /// @dev Yuma: uid `u`'s pruning score, its incentive in the latest epoch.
    function _uidScore(uint256 u) internal view returns (uint16) {
        return uint16(_uidScores[u >> 4] >> (240 - 16 * (u & 15)));
    }

    function _setUidScore(uint256 u, uint16 score) internal {
        uint256 shift = 240 - 16 * (u & 15);
        uint256 word = _uidScores[u >> 4] & ~(uint256(type(uint16).max) << shift);
        _uidScores[u >> 4] = word | (uint256(score) << shift);
    }

    /// @dev Names one opening of a round in the per-participant flags (0 is never an opening).
    function _stamp(uint256 round, uint16 attempt) internal pure returns (uint64) {
        return (uint64(round) << 16) | attempt;
    }

    /// @dev Slashing evidence naming this training, the round and the participant.
    function _evidence(uint256 round, address who) internal view returns (bytes32) {
        return keccak256(abi.encode(address(this), round, who));
    }

    /// @dev Slashes `bps` of an owner's task stake (active + unbonding) to `beneficiary`.
    /// @return taken what StakeManager actually took.
    function _slash(
        uint256 taskId_,
        bytes32 role,
        address owner,
        uint16 bps,
        address beneficiary,
        bytes32 reason,
        bytes32 evidence
    ) internal returns (uint256 taken) {
        if (bps == 0) return 0;
        StakeManager.Position memory p = stakes.positionOf(taskId_, role, owner);
        uint256 amount = ((p.active + p.unbonding) * bps) / BPS;
        if (amount == 0) return 0;
        taken = stakes.slash(taskId_, role, owner, amount, beneficiary, reason, evidence);
    }
}
