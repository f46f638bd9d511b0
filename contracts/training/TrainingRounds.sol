// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {StakeManager} from "../staking/StakeManager.sol";
import {TaskRegistry} from "../tasks/TaskRegistry.sol";
import {ITrainingRounds} from "./ITrainingRounds.sol";
import {TrainingSettlement} from "./TrainingSettlement.sol";
import {TrainingStorage} from "./TrainingStorage.sol";

/// @title TrainingRounds: one task's federated training rounds (what each training clone runs)
/// @notice See ITrainingRounds for the protocol and TrainingSettlement for how a round settles
/// (`settle` runs that contract's code on this contract's storage). TrainingFactory creates one
/// EIP-1167 clone per task, funds it and initialises it, which opens round 1.
/// Money: the token balance equals funded + slashedIn - credited - refunded (see `books`), and
/// `finish` sends the whole balance to the proposer, so nothing stays behind.
contract TrainingRounds is TrainingStorage, ITrainingRounds, Initializable {
    using SafeERC20 for IERC20;

    /// @notice The settlement code `settle` delegates to.
    address public immutable settlement;

    /// @param stakes_ the StakeManager every clone slashes and credits through.
    /// @param registry_ the TaskRegistry whose tasks the clones train.
    /// @param settlement_ the TrainingSettlement deployed for the same StakeManager and TaskRegistry.
    constructor(StakeManager stakes_, TaskRegistry registry_, TrainingSettlement settlement_) TrainingStorage(stakes_, registry_) {
        if (address(settlement_) == address(0)) revert ZeroAddress();
        if (settlement_.stakes() != stakes_ || settlement_.registry() != registry_) revert ModuleMismatch();
        settlement = address(settlement_);
        _disableInitializers();
    }

    /// @notice Sets up a fresh clone and opens round 1 from the initial model. TrainingFactory
    /// calls it in the transaction that creates the clone and funds it with `funded`.
    function initialize(
        uint256 taskId_,
        address proposer_,
        Config calldata config_,
        bytes32 initialModelDigest,
        Codec codec,
        uint256 funded
    ) external initializer {
        _validate(config_);
        if (taskId_ > type(uint64).max) revert InvalidConfig("taskId");
        if (initialModelDigest == bytes32(0)) revert ZeroDigest();
        proposer = proposer_;
        _taskId = uint64(taskId_);
        factory = msg.sender;
        _config = config_;
        _funded = funded;
        // StakeManager pulls rewards from this contract only when this contract credits them.
        token.forceApprove(address(stakes), type(uint256).max);
        emit TrainingStarted(taskId_, config_, funded);
        _open(1, initialModelDigest, codec);
    }

    // ---------------------------------------------------------------- trainers

    /// @inheritdoc ITrainingRounds
    function submitUpdate(uint256 round, bytes32 digest, Codec codec, uint32 examples) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp > r.trainDeadline) revert SubmissionsClosed(r.trainDeadline);
        if (digest == bytes32(0)) revert ZeroDigest();
        (address trainer,) = _staked(taskId_, TRAINER, _config.minTrainerStake);
        uint64 stamp = _stamp(round, r.attempt);
        if (_submitted[trainer] == stamp) revert AlreadySubmitted(trainer);
        uint16 index = r.submissions;
        uint16 maxUpdates = _config.maxUpdates;
        if (index >= maxUpdates) revert RoundFull(maxUpdates);
        if (_config.consensus == Consensus.Yuma && _trainerUid[trainer] == 0) {
            uint256 uids = _trainerUids;
            if (uids >= MAX_YUMA_TRAINERS) revert TrainerUidsExhausted(MAX_YUMA_TRAINERS);
            _trainerUids = uids + 1;
            _trainerUid[trainer] = uids + 1;
        }
        _submitted[trainer] = stamp;
        r.submissions = index + 1;
        r.runningHash = keccak256(abi.encode(r.runningHash, trainer, digest, codec, examples));
        emit UpdateSubmitted(round, index, trainer, digest, codec, examples);
    }

    // ---------------------------------------------------------------- validators

    /// @inheritdoc ITrainingRounds
    function commitScores(uint256 round, bytes32 commitment) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp <= r.trainDeadline) revert CommitNotOpen(r.trainDeadline);
        if (block.timestamp > r.scoreDeadline) revert CommitClosed(r.scoreDeadline);
        if (r.submissions == 0) revert NothingToScore();
        (address validator, uint256 stake) = _staked(taskId_, VALIDATOR, _config.minValidatorStake);
        Validation storage v = _validations[validator];
        uint64 stamp = _stamp(round, r.attempt);
        if (v.stamp == stamp) revert AlreadyCommitted(validator);
        uint8 k = r.committerCount;
        // The submissions are final once commits open, so the cap follows the actual count.
        uint256 cap = _validatorCap(r.submissions);
        if (k >= cap) revert TooManyValidators(cap);
        v.commitment = commitment;
        v.stamp = stamp;
        v.revealed = false;
        v.stakeAtCommit = stake > type(uint128).max ? type(uint128).max : uint128(stake);
        _committers[k] = validator;
        r.committerCount = k + 1;
        emit ScoresCommitted(round, validator);
    }

    /// @inheritdoc ITrainingRounds
    function revealScores(uint256 round, uint16[] calldata scores, bytes32 salt) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp <= r.scoreDeadline) revert RevealNotOpen(r.scoreDeadline);
        if (block.timestamp > r.revealDeadline) revert RevealClosed(r.revealDeadline);
        address validator = stakes.ownerOfOperator(taskId_, VALIDATOR, msg.sender);
        Validation storage v = _validations[validator];
        if (validator == address(0) || v.stamp != _stamp(round, r.attempt)) revert NoCommitment(validator);
        if (v.revealed) revert AlreadyRevealed(validator);
        uint256 n = r.submissions;
        if (scores.length != n) revert ScoreCountMismatch(scores.length, n);
        if (keccak256(abi.encode(round, validator, scores, salt)) != v.commitment) revert CommitmentMismatch();
        uint256[16] storage words = _scoreWords[validator];
        uint256 word;
        for (uint256 i = 0; i < n; i++) {
            uint16 s = scores[i];
            if (s > BPS) revert ScoreOutOfRange(i, s);
            word |= uint256(s) << ((i & 15) * 16);
            if (i & 15 == 15 || i + 1 == n) {
                words[i >> 4] = word;
                word = 0;
            }
        }
        v.revealed = true;
        emit ScoresRevealed(round, validator, scores);
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc ITrainingRounds
    /// @dev Runs TrainingSettlement.settle on this contract's storage.
    function settle(uint256, Submission[] calldata) external {
        (bool ok, bytes memory answer) = settlement.delegatecall(msg.data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(answer, 32), mload(answer))
            }
        }
    }

    // ---------------------------------------------------------------- aggregation and disputes

    /// @inheritdoc ITrainingRounds
    function postModel(uint256 round, bytes32 digest, Codec codec) external {
        if (finished) revert AlreadyFinished();
        if (digest == bytes32(0)) revert ZeroDigest();
        if (_rounds[round].status != RoundStatus.Settled) revert RoundNotSettled(round);
        Model storage m = _models[round];
        if (m.status == ModelStatus.Posted) revert ModelAlreadyPosted(round);
        (address aggregator,) = _staked(_taskId, AGGREGATOR, _config.minAggregatorStake);
        m.digest = digest;
        m.codec = codec;
        m.status = ModelStatus.Posted;
        m.aggregator = aggregator;
        m.postedAt = uint64(block.timestamp);
        m.dispute = DisputeStatus.None;
        m.disputer = address(0);
        m.voteDeadline = 0;
        m.stakeForWrong = 0;
        m.stakeForRight = 0;
        emit ModelPosted(round, aggregator, digest, codec);
        if (round < _config.rounds) _open(round + 1, digest, codec);
    }

    /// @inheritdoc ITrainingRounds
    /// @dev The dispute counts as the disputer's vote that the model is wrong. Votes close
    /// `revealPeriod` after the dispute, which is before the next round can settle.
    function disputeModel(uint256 round) external {
        if (finished) revert AlreadyFinished();
        Model storage m = _models[round];
        if (m.status != ModelStatus.Posted) revert NoModel(round);
        if (m.dispute != DisputeStatus.None) revert AlreadyDisputed(round);
        uint64 deadline = m.postedAt + _config.disputePeriod;
        if (block.timestamp > deadline) revert DisputeWindowClosed(deadline);
        (address disputer, uint256 stake) = _staked(_taskId, VALIDATOR, _config.minValidatorStake);
        if (disputer == m.aggregator) revert OwnModel();
        uint32 id = m.disputes + 1;
        m.disputes = id;
        m.dispute = DisputeStatus.Open;
        m.disputer = disputer;
        m.voteDeadline = uint64(block.timestamp) + _config.revealPeriod;
        m.stakeForWrong = stake;
        _voted[round][id][disputer] = true;
        emit ModelDisputed(round, disputer, m.voteDeadline);
        emit DisputeVoted(round, disputer, true, stake);
    }

    /// @inheritdoc ITrainingRounds
    function voteDispute(uint256 round, bool modelIsWrong) external {
        if (finished) revert AlreadyFinished();
        Model storage m = _models[round];
        if (m.dispute != DisputeStatus.Open) revert NoDispute(round);
        if (block.timestamp > m.voteDeadline) revert VoteClosed(m.voteDeadline);
        (address voter, uint256 stake) = _staked(_taskId, VALIDATOR, _config.minValidatorStake);
        mapping(address => bool) storage voted = _voted[round][m.disputes];
        if (voted[voter]) revert AlreadyVoted(voter);
        voted[voter] = true;
        if (modelIsWrong) m.stakeForWrong += stake;
        else m.stakeForRight += stake;
        emit DisputeVoted(round, voter, modelIsWrong, stake);
    }

    /// @inheritdoc ITrainingRounds
    /// @dev Wrong (more stake for wrong than for right): the aggregator is slashed
    /// slashAggregatorBps to the disputer, the next round (trained on the model) is cancelled and
    /// a new `postModel(round)` is due. Otherwise the disputer is slashed slashValidatorBps to the
    /// aggregator.
    function resolveDispute(uint256 round) external {
        if (finished) revert AlreadyFinished();
        Model storage m = _models[round];
        if (m.dispute != DisputeStatus.Open) revert NoDispute(round);
        if (block.timestamp <= m.voteDeadline) revert VoteNotOver(m.voteDeadline);
        m.dispute = DisputeStatus.Resolved;
        bool wrong = m.stakeForWrong > m.stakeForRight;
        uint256 taskId_ = _taskId;
        if (wrong) {
            m.status = ModelStatus.Rejected;
            _slash(taskId_, AGGREGATOR, m.aggregator, _config.slashAggregatorBps, m.disputer, REASON_WRONG_MODEL, _evidence(round, m.aggregator));
            if (round < _config.rounds) {
                _rounds[round + 1].status = RoundStatus.Cancelled;
                emit RoundCancelled(round + 1, REASON_WRONG_MODEL);
            }
        } else {
            _slash(taskId_, VALIDATOR, m.disputer, _config.slashValidatorBps, m.aggregator, REASON_FAILED_DISPUTE, _evidence(round, m.disputer));
        }
        emit DisputeResolved(round, wrong, m.stakeForWrong, m.stakeForRight);
    }

    // ---------------------------------------------------------------- end

    /// @inheritdoc ITrainingRounds
    /// @dev Possible once the last round is settled, its model posted, not under dispute and past
    /// its dispute window; or at any time after the task's expiry in TaskRegistry.
    function finish() external {
        if (finished) revert AlreadyFinished();
        if (!_finishable()) revert TrainingNotOver();
        finished = true;
        Round storage r = _rounds[_current];
        if (r.status == RoundStatus.Open) r.status = RoundStatus.Closed;
        uint256 refund = token.balanceOf(address(this));
        _refunded += refund;
        if (refund > 0) token.safeTransfer(proposer, refund);
        emit TrainingFinished(refund);
    }

    // ---------------------------------------------------------------- views

    function taskId() external view returns (uint256) {
        return _taskId;
    }

    /// @inheritdoc ITrainingRounds
    /// @dev Final once the round's training phase is over (64 while it has no submission).
    function validatorCap(uint256 round) external view returns (uint256) {
        uint256 submissions = _rounds[round].submissions;
        return submissions == 0 ? MAX_VALIDATORS : _validatorCap(submissions);
    }

    /// @inheritdoc ITrainingRounds
    function currentRound() external view returns (uint256) {
        return _current;
    }

    /// @inheritdoc ITrainingRounds
    function roundInfo(uint256 round) external view returns (RoundInfo memory info) {
        Round storage r = _rounds[round];
        info.trainDeadline = r.trainDeadline;
        info.scoreDeadline = r.scoreDeadline;
        info.revealDeadline = r.revealDeadline;
        info.modelDigest = r.modelDigest;
        info.modelCodec = r.modelCodec;
        info.submissions = r.submissions;
        info.committers = r.committerCount;
        info.runningHash = r.runningHash;
        info.status = r.status;
        info.attempt = r.attempt;
    }

    /// @inheritdoc ITrainingRounds
    function modelInfo(uint256 round) external view returns (ModelInfo memory info) {
        Model storage m = _models[round];
        info.digest = m.digest;
        info.codec = m.codec;
        info.status = m.status;
        info.aggregator = m.aggregator;
        info.postedAt = m.postedAt;
        info.dispute = m.dispute;
        info.disputer = m.disputer;
        info.voteDeadline = m.voteDeadline;
        info.stakeForWrong = m.stakeForWrong;
        info.stakeForRight = m.stakeForRight;
    }

    /// @inheritdoc ITrainingRounds
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc ITrainingRounds
    function hasSubmitted(uint256 round, address trainer) external view returns (bool) {
        uint16 attempt = _rounds[round].attempt;
        return attempt != 0 && _submitted[trainer] == _stamp(round, attempt);
    }

    /// @inheritdoc ITrainingRounds
    function hasCommitted(uint256 round, address validator) public view returns (bool) {
        uint16 attempt = _rounds[round].attempt;
        return attempt != 0 && _validations[validator].stamp == _stamp(round, attempt);
    }

    /// @inheritdoc ITrainingRounds
    function hasRevealed(uint256 round, address validator) public view returns (bool) {
        return hasCommitted(round, validator) && _validations[validator].revealed;
    }

    /// @inheritdoc ITrainingRounds
    /// @dev Only the current round's list is stored; other rounds give an empty list.
    function committers(uint256 round) external view returns (address[] memory list) {
        if (round != _current) return list;
        uint256 count = _rounds[round].committerCount;
        list = new address[](count);
        for (uint256 i = 0; i < count; i++) {
            list[i] = _committers[i];
        }
    }

    /// @inheritdoc ITrainingRounds
    function revealedScores(uint256 round, address validator) external view returns (uint16[] memory scores) {
        if (round != _current || !hasRevealed(round, validator)) return scores;
        uint256 n = _rounds[round].submissions;
        scores = new uint16[](n);
        uint256[16] storage words = _scoreWords[validator];
        for (uint256 i = 0; i < n; i++) {
            scores[i] = uint16(words[i >> 4] >> ((i & 15) * 16));
        }
    }

    /// @inheritdoc ITrainingRounds
    function yumaUids() external view returns (uint256) {
        return _trainerUids;
    }

    /// @inheritdoc ITrainingRounds
    function trainerUid(address trainer) external view returns (bool assigned, uint256 uid) {
        uint256 stored = _trainerUid[trainer];
        return stored == 0 ? (false, 0) : (true, stored - 1);
    }

    /// @inheritdoc ITrainingRounds
    function bondsOf(address validator) external view returns (uint16[] memory bonds) {
        uint256 n = _trainerUids;
        bonds = new uint16[](n);
        uint256[4] storage words = _bondWords[validator];
        for (uint256 u = 0; u < n; u++) {
            bonds[u] = uint16(words[u >> 4] >> (240 - 16 * (u & 15)));
        }
    }

    /// @inheritdoc ITrainingRounds
    function scoreCommitment(uint256 round, address validator, uint16[] calldata scores, bytes32 salt)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(round, validator, scores, salt));
    }

    /// @inheritdoc ITrainingRounds
    function books() external view returns (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded) {
        return (_funded, _slashedIn, _credited, _refunded);
    }

    // ---------------------------------------------------------------- internals

    function _validate(Config calldata c) private pure {
        if (c.rounds == 0) revert InvalidConfig("rounds");
        if (c.trainPeriod == 0 || c.trainPeriod > MAX_PERIOD) revert InvalidConfig("trainPeriod");
        if (c.scorePeriod == 0 || c.scorePeriod > MAX_PERIOD) revert InvalidConfig("scorePeriod");
        if (c.revealPeriod == 0 || c.revealPeriod > MAX_PERIOD) revert InvalidConfig("revealPeriod");
        if (c.disputePeriod == 0 || c.disputePeriod > c.trainPeriod) revert InvalidConfig("disputePeriod");
        if (c.emissionPerRound == 0) revert InvalidConfig("emissionPerRound");
        if (c.trainerShareBps > BPS) revert InvalidConfig("trainerShareBps");
        if (c.acceptFloorBps > BPS) revert InvalidConfig("acceptFloorBps");
        if (c.acceptRelativeBps > BPS) revert InvalidConfig("acceptRelativeBps");
        if (c.deviationBoundBps > BPS) revert InvalidConfig("deviationBoundBps");
        if (c.slashTrainerBps > BPS) revert InvalidConfig("slashTrainerBps");
        if (c.slashValidatorBps > BPS) revert InvalidConfig("slashValidatorBps");
        if (c.slashAggregatorBps > BPS) revert InvalidConfig("slashAggregatorBps");
        if (c.maxUpdates == 0 || c.maxUpdates > MAX_UPDATES) revert InvalidConfig("maxUpdates");
        if (c.consensus == Consensus.Yuma && c.maxUpdates > MAX_YUMA_TRAINERS) revert InvalidConfig("maxUpdates");
        uint256 param = c.aggregationParam;
        bool badParam = (c.aggregation == Aggregation.TrimmedMean && param >= BPS / 2)
            || ((c.aggregation == Aggregation.Krum || c.aggregation == Aggregation.MultiKrum) && param > c.maxUpdates)
            || (c.aggregation == Aggregation.Bulyan && 4 * param + 3 > c.maxUpdates);
        if (badParam) revert InvalidConfig("aggregationParam");
    }

    function _open(uint256 round, bytes32 digest, Codec codec) private {
        Round storage r = _rounds[round];
        uint16 attempt = r.attempt + 1;
        uint64 trainDeadline = uint64(block.timestamp) + _config.trainPeriod;
        uint64 scoreDeadline = trainDeadline + _config.scorePeriod;
        uint64 revealDeadline = scoreDeadline + _config.revealPeriod;
        _rounds[round] = Round({
            trainDeadline: trainDeadline,
            scoreDeadline: scoreDeadline,
            revealDeadline: revealDeadline,
            submissions: 0,
            committerCount: 0,
            status: RoundStatus.Open,
            modelCodec: codec,
            attempt: attempt,
            runningHash: _seed(round, attempt),
            modelDigest: digest
        });
        _current = uint32(round);
        emit RoundOpened(round, digest, codec, trainDeadline, scoreDeadline, revealDeadline);
    }

    /// @dev The owner the caller's key works for in (task, role), with its active stake, which
    /// must be positive and at least `minimum`.
    function _staked(uint256 taskId_, bytes32 role, uint256 minimum) private view returns (address owner, uint256 stake) {
        owner = stakes.ownerOfOperator(taskId_, role, msg.sender);
        if (owner != address(0)) stake = stakes.activeStake(taskId_, role, owner);
        if (stake == 0 || stake < minimum) revert NotStaked(role, owner, stake, minimum);
    }

    function _finishable() private view returns (bool) {
        if (block.timestamp > registry.getTask(_taskId).expiresAt) return true;
        uint256 rounds = _config.rounds;
        if (_current != rounds || _rounds[rounds].status != RoundStatus.Settled) return false;
        Model storage m = _models[rounds];
        return m.status == ModelStatus.Posted && m.dispute != DisputeStatus.Open
            && block.timestamp > m.postedAt + _config.disputePeriod;
    }
}
