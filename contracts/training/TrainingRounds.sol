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
        if (taskId_ > type(uint64).max) revert InvalidConfig("taskId");
        _validate(config_, registry.getTask(taskId_).expiresAt);
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
    function commitUpdate(uint256 round, bytes32 commitment) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp > r.trainDeadline) revert SubmissionsClosed(r.trainDeadline);
        if (commitment == bytes32(0)) revert ZeroDigest();
        (address trainer,) = _staked(taskId_, TRAINER, _config.minTrainerStake);
        uint64 stamp = _stamp(round, r.attempt);
        if (_submitted[trainer] >> 16 == stamp) revert AlreadySubmitted(trainer);
        uint16 index = r.submissions;
        uint16 maxUpdates = _config.maxUpdates;
        if (index >= maxUpdates) revert RoundFull(maxUpdates);
        _submitted[trainer] = (uint256(stamp) << 16) | index;
        _entries[index] = Entry({
            trainer: trainer,
            stamp: uint48(stamp),
            revealed: false,
            codec: Codec.Raw,
            examples: 0,
            hash: commitment
        });
        r.submissions = index + 1;
        _lock(taskId_, TRAINER, trainer, r.revealDeadline + _config.settlePeriod);
        emit UpdateCommitted(round, index, trainer, commitment);
    }

    /// @inheritdoc ITrainingRounds
    function revealUpdate(uint256 round, bytes32 digest, Codec codec, uint32 examples, bytes32 salt) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp <= r.trainDeadline) revert UpdateRevealNotOpen(r.trainDeadline);
        if (block.timestamp > r.updateRevealDeadline) revert UpdateRevealClosed(r.updateRevealDeadline);
        if (digest == bytes32(0)) revert ZeroDigest();
        address trainer = stakes.ownerOfOperator(taskId_, TRAINER, msg.sender);
        uint256 record = _submitted[trainer];
        if (trainer == address(0) || record >> 16 != _stamp(round, r.attempt)) revert NoUpdateCommitment(trainer);
        uint256 index = record & 0xffff;
        Entry storage e = _entries[index];
        if (e.revealed) revert UpdateAlreadyRevealed(trainer);
        if (_updateCommitment(round, r.attempt, trainer, digest, codec, examples, salt) != e.hash) revert CommitmentMismatch();
        e.revealed = true;
        e.codec = codec;
        e.examples = examples;
        e.hash = digest;
        r.revealed += 1;
        emit UpdateRevealed(round, index, trainer, digest, codec, examples);
    }

    // ---------------------------------------------------------------- validators

    /// @inheritdoc ITrainingRounds
    function commitScores(uint256 round, bytes32 commitment) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp <= r.updateRevealDeadline) revert CommitNotOpen(r.updateRevealDeadline);
        if (block.timestamp > r.scoreDeadline) revert CommitClosed(r.scoreDeadline);
        if (r.revealed == 0) revert NothingToScore();
        address validator = stakes.ownerOfOperator(taskId_, VALIDATOR, msg.sender);
        uint256 stake = validator == address(0) ? 0 : _snapshotStake(taskId_, VALIDATOR, validator, r.snapshotBlock);
        uint256 minimum = _config.minValidatorStake;
        if (stake == 0 || stake < minimum) revert NotStaked(VALIDATOR, validator, stake, minimum);
        Validation storage v = _validations[validator];
        uint64 stamp = _stamp(round, r.attempt);
        if (v.stamp == stamp) revert AlreadyCommitted(validator);
        uint8 count = r.committerCount;
        uint8 seq = r.commitSeq;
        (uint256 slot, address evicted) = _admit(_committers, count, _config.maxValidators, validator, stake, seq);
        if (evicted == address(0)) r.committerCount = count + 1;
        else {
            _validations[evicted].stamp = 0;
            emit ValidatorEvicted(round, evicted, validator);
        }
        if (seq < type(uint8).max) r.commitSeq = seq + 1;
        v.commitment = commitment;
        v.stamp = stamp;
        v.revealed = false;
        v.stakeAtCommit = stake > type(uint128).max ? type(uint128).max : uint128(stake);
        _lock(taskId_, VALIDATOR, validator, r.revealDeadline + _config.settlePeriod);
        emit ScoresCommitted(round, validator, slot, stake);
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
        if (_scoreCommitment(round, r.attempt, validator, scores, salt) != v.commitment) revert CommitmentMismatch();
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
    function settle(uint256) external {
        _delegateToSettlement();
    }

    /// @dev Runs the same function of the settlement module on this contract's storage, passing
    /// its revert data through.
    function _delegateToSettlement() private {
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
        // Judged by a dispute, if one comes: its window, its vote, then time to resolve it.
        _lock(_taskId, AGGREGATOR, aggregator, m.postedAt + _config.disputePeriod + _config.revealPeriod + _config.settlePeriod);
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
        m.snapshotBlock = uint64(block.number - 1);
        (address disputer, uint256 stake) = _voter(m);
        if (disputer == m.aggregator) revert OwnModel();
        uint32 id = m.disputes + 1;
        m.disputes = id;
        m.dispute = DisputeStatus.Open;
        m.disputer = disputer;
        m.voteDeadline = uint64(block.timestamp) + _config.revealPeriod;
        m.voterCount = 0;
        m.voteSeq = 0;
        m.stakeForWrong = 0;
        m.stakeForRight = 0;
        emit ModelDisputed(round, disputer, m.voteDeadline);
        _vote(round, m, disputer, stake, true);
    }

    /// @inheritdoc ITrainingRounds
    function voteDispute(uint256 round, bool modelIsWrong) external {
        if (finished) revert AlreadyFinished();
        Model storage m = _models[round];
        if (m.dispute != DisputeStatus.Open) revert NoDispute(round);
        if (block.timestamp > m.voteDeadline) revert VoteClosed(m.voteDeadline);
        (address voter, uint256 stake) = _voter(m);
        if (_voted[round][m.disputes][voter] != 0) revert AlreadyVoted(voter);
        _vote(round, m, voter, stake, modelIsWrong);
    }

    /// @inheritdoc ITrainingRounds
    /// @dev Runs TrainingSettlement.resolveDispute on this contract's storage.
    function resolveDispute(uint256) external {
        _delegateToSettlement();
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
        uint256 balance = token.balanceOf(address(this));
        // Rewards come out of the emission only, so the slashed stake is all still here.
        uint256 slashed = _slashedIn < balance ? _slashedIn : balance;
        uint256 refund = balance - slashed;
        _refunded += balance;
        if (slashed > 0) token.safeTransfer(registry.treasury(), slashed);
        if (refund > 0) token.safeTransfer(proposer, refund);
        emit TrainingFinished(refund, slashed);
    }

    // ---------------------------------------------------------------- views

    function taskId() external view returns (uint256) {
        return _taskId;
    }

    /// @inheritdoc ITrainingRounds
    function currentRound() external view returns (uint256) {
        return _current;
    }

    /// @inheritdoc ITrainingRounds
    function roundInfo(uint256 round) external view returns (RoundInfo memory info) {
        Round storage r = _rounds[round];
        info.trainDeadline = r.trainDeadline;
        info.updateRevealDeadline = r.updateRevealDeadline;
        info.scoreDeadline = r.scoreDeadline;
        info.revealDeadline = r.revealDeadline;
        info.snapshotBlock = r.snapshotBlock;
        info.modelDigest = r.modelDigest;
        info.modelCodec = r.modelCodec;
        info.submissions = r.submissions;
        info.revealed = r.revealed;
        info.committers = r.committerCount;
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
        info.snapshotBlock = m.snapshotBlock;
        info.stakeForWrong = m.stakeForWrong;
        info.stakeForRight = m.stakeForRight;
    }

    /// @inheritdoc ITrainingRounds
    function config() external view returns (Config memory) {
        return _config;
    }

    /// @inheritdoc ITrainingRounds
    function hasSubmitted(uint256 round, address trainer) public view returns (bool) {
        uint16 attempt = _rounds[round].attempt;
        return attempt != 0 && _submitted[trainer] >> 16 == _stamp(round, attempt);
    }

    /// @inheritdoc ITrainingRounds
    function hasRevealedUpdate(uint256 round, address trainer) external view returns (bool) {
        return hasSubmitted(round, trainer) && _entries[_submitted[trainer] & 0xffff].revealed;
    }

    /// @inheritdoc ITrainingRounds
    function submission(uint256 round, uint256 index) external view returns (Submission memory sub) {
        Round storage r = _rounds[round];
        if (round != _current || index >= r.submissions) return sub;
        Entry storage e = _entries[index];
        sub.trainer = e.trainer;
        sub.revealed = e.revealed;
        if (e.revealed) {
            sub.digest = e.hash;
            sub.codec = e.codec;
            sub.examples = e.examples;
        }
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
    function committers(uint256 round) external view returns (address[] memory list) {
        if (round != _current) return list;
        uint256 count = _rounds[round].committerCount;
        list = new address[](count);
        for (uint256 i = 0; i < count; i++) {
            list[i] = _member(_committers[i]);
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
    function uidInfo(uint256 uid) external view returns (address holder, uint256 registeredRound, uint16 score) {
        if (uid >= _trainerUids) return (address(0), 0, 0);
        return (_uidHolder[uid], _registeredRound(uid), _uidScore(uid));
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
    function updateCommitment(uint256 round, address trainer, bytes32 digest, Codec codec, uint32 examples, bytes32 salt)
        external
        view
        returns (bytes32)
    {
        return _updateCommitment(round, _rounds[round].attempt, trainer, digest, codec, examples, salt);
    }

    /// @inheritdoc ITrainingRounds
    function scoreCommitment(uint256 round, address validator, uint16[] calldata scores, bytes32 salt)
        external
        view
        returns (bytes32)
    {
        return _scoreCommitment(round, _rounds[round].attempt, validator, scores, salt);
    }

    /// @inheritdoc ITrainingRounds
    function books() external view returns (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded) {
        return (_funded, _slashedIn, _credited, _refunded);
    }

    // ---------------------------------------------------------------- internals

    function _validate(Config calldata c, uint64 expiresAt) private view {
        if (c.rounds == 0) revert InvalidConfig("rounds");
        if (c.trainPeriod == 0 || c.trainPeriod > MAX_PERIOD) revert InvalidConfig("trainPeriod");
        if (c.updateRevealPeriod == 0 || c.updateRevealPeriod > MAX_PERIOD) revert InvalidConfig("updateRevealPeriod");
        if (c.scorePeriod == 0 || c.scorePeriod > MAX_PERIOD) revert InvalidConfig("scorePeriod");
        if (c.revealPeriod == 0 || c.revealPeriod > MAX_PERIOD) revert InvalidConfig("revealPeriod");
        if (c.settlePeriod == 0 || c.settlePeriod > MAX_PERIOD) revert InvalidConfig("settlePeriod");
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
        // The validator set is fixed by the config, never by what submitters do, and with the
        // update cap it bounds the scores one settlement handles.
        uint256 cells = uint256(c.maxValidators) * c.maxUpdates;
        if (c.maxValidators == 0 || c.maxValidators > MAX_VALIDATORS || cells > (c.consensus == Consensus.Yuma ? MAX_YUMA_SCORES : MAX_SCORES)) {
            revert InvalidConfig("maxValidators");
        }
        uint256 param = c.aggregationParam;
        bool badParam = (c.aggregation == Aggregation.TrimmedMean && param >= BPS / 2)
            || ((c.aggregation == Aggregation.Krum || c.aggregation == Aggregation.MultiKrum) && param > c.maxUpdates)
            || (c.aggregation == Aggregation.Bulyan && 4 * param + 3 > c.maxUpdates);
        if (badParam) revert InvalidConfig("aggregationParam");
        // Every round's phases and its settlement must fit before the task expires, so expiry never
        // cuts a worked round.
        uint256 roundTime = uint256(c.trainPeriod) + c.updateRevealPeriod + c.scorePeriod + c.revealPeriod + c.settlePeriod;
        if (block.timestamp + roundTime * c.rounds > expiresAt) revert InvalidConfig("schedule");
    }

    function _open(uint256 round, bytes32 digest, Codec codec) private {
        Round storage r = _rounds[round];
        uint16 attempt = r.attempt + 1;
        uint64 trainDeadline = uint64(block.timestamp) + _config.trainPeriod;
        uint64 updateRevealDeadline = trainDeadline + _config.updateRevealPeriod;
        uint64 scoreDeadline = updateRevealDeadline + _config.scorePeriod;
        uint64 revealDeadline = scoreDeadline + _config.revealPeriod;
        _rounds[round] = Round({
            trainDeadline: trainDeadline,
            updateRevealDeadline: updateRevealDeadline,
            scoreDeadline: scoreDeadline,
            revealDeadline: revealDeadline,
            snapshotBlock: uint64(block.number - 1),
            submissions: 0,
            revealed: 0,
            committerCount: 0,
            commitSeq: 0,
            status: RoundStatus.Open,
            modelCodec: codec,
            attempt: attempt,
            modelDigest: digest
        });
        _current = uint32(round);
        emit RoundOpened(round, digest, codec, trainDeadline, updateRevealDeadline, scoreDeadline, revealDeadline);
    }

    /// @dev The owner the caller's key works for in (task, role), with its active stake, which
    /// must be positive and at least `minimum`.
    function _staked(uint256 taskId_, bytes32 role, uint256 minimum) private view returns (address owner, uint256 stake) {
        owner = stakes.ownerOfOperator(taskId_, role, msg.sender);
        if (owner != address(0)) stake = stakes.activeStake(taskId_, role, owner);
        if (stake == 0 || stake < minimum) revert NotStaked(role, owner, stake, minimum);
    }

    /// @dev The validator owner the caller's key works for, with its stake for the dispute's vote
    /// (as of the dispute's snapshot block, and no more than it has now), at least the minimum.
    function _voter(Model storage m) private view returns (address voter, uint256 stake) {
        uint256 taskId_ = _taskId;
        voter = stakes.ownerOfOperator(taskId_, VALIDATOR, msg.sender);
        if (voter != address(0)) stake = _snapshotStake(taskId_, VALIDATOR, voter, m.snapshotBlock);
        uint256 minimum = _config.minValidatorStake;
        if (stake == 0 || stake < minimum) revert NotStaked(VALIDATOR, voter, stake, minimum);
    }

    /// @dev Records a dispute vote (side and weight) in the voter set (top stake), keeps the
    /// tallies, and locks the voter's stake until the dispute can be resolved.
    function _vote(uint256 round, Model storage m, address voter, uint256 stake, bool modelIsWrong) private {
        mapping(address => uint256) storage voted = _voted[round][m.disputes];
        uint8 seq = m.voteSeq;
        (, address evicted) = _admit(_disputeVoters, m.voterCount, _config.maxValidators, voter, stake, seq);
        if (evicted == address(0)) m.voterCount += 1;
        else {
            uint256 record = voted[evicted];
            if (record & 0xff == 1) m.stakeForWrong -= record >> 8;
            else m.stakeForRight -= record >> 8;
            voted[evicted] = 3;
            emit DisputeVoterEvicted(round, evicted, voter);
        }
        if (seq < type(uint8).max) m.voteSeq = seq + 1;
        if (modelIsWrong) m.stakeForWrong += stake;
        else m.stakeForRight += stake;
        voted[voter] = (stake << 8) | (modelIsWrong ? 1 : 2);
        _lock(_taskId, VALIDATOR, voter, m.voteDeadline + _config.settlePeriod);
        emit DisputeVoted(round, voter, modelIsWrong, stake);
    }

    function _updateCommitment(uint256 round, uint16 attempt, address trainer, bytes32 digest, Codec codec, uint32 examples, bytes32 salt)
        private
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(address(this), round, attempt, trainer, digest, codec, examples, salt));
    }

    function _scoreCommitment(uint256 round, uint16 attempt, address validator, uint16[] calldata scores, bytes32 salt)
        private
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(address(this), round, attempt, validator, scores, salt));
    }

    function _finishable() private view returns (bool) {
        if (block.timestamp > registry.getTask(_taskId).expiresAt) {
            // A round whose phases are over is still settled (and paid) within its settle period.
            Round storage open = _rounds[_current];
            return open.status != RoundStatus.Open || block.timestamp <= open.revealDeadline
                || block.timestamp > open.revealDeadline + _config.settlePeriod;
        }
        uint256 rounds = _config.rounds;
        if (_current != rounds || _rounds[rounds].status != RoundStatus.Settled) return false;
        Model storage m = _models[rounds];
        return m.status == ModelStatus.Posted && m.dispute != DisputeStatus.Open
            && block.timestamp > m.postedAt + _config.disputePeriod;
    }
}
