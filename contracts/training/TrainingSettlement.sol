// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StakeManager} from "../staking/StakeManager.sol";
import {TaskRegistry} from "../tasks/TaskRegistry.sol";
import {ITrainingRounds} from "./ITrainingRounds.sol";
import {TrainingConsensus} from "./TrainingConsensus.sol";
import {TrainingStorage} from "./TrainingStorage.sol";
import {TrainingYuma} from "./TrainingYuma.sol";

/// @title TrainingSettlement: how a training clone settles a round
/// @notice Runs only by DELEGATECALL from TrainingRounds.settle, on the clone's storage and as the
/// clone (which StakeManager authorises for its task). Called directly it sees its own empty
/// storage, where no round is open, so it can do nothing.
///
/// Settlement, as implemented:
///  1. The round's update commitments are read in commitment order.
///  2. A commitment never revealed, a revealed update whose digest equals the round's global
///     model (free riding) and one whose digest an earlier commitment revealed (copying: the
///     order is that of the commitments, made before any update was visible) are rejected without
///     a vote. The others are "judged"; auto-rejected updates take no part in the consensus nor
///     in any median.
///  3. The consensus set is the round's validator set (the top stake among the committers) that
///     revealed, each weighted by its stake in (task, VALIDATOR): the smallest of that at the
///     round's snapshot block, at commit time and at settlement.
///     The configured rule (TrainingConsensus for Flock and MedianScore, TrainingYuma for Yuma)
///     gives each judged update a consensus score c_j, a pay share p_j and accept or reject, and
///     each validator a deviation and a weight. Flock and MedianScore: p_j = c_j and the weight is
///     stake * (10000 - deviation); Yuma: p_j is the update's incentive and the weight the
///     validator's dividends (see TrainingYuma).
///  4. Trainers' pot = floor(emission * trainerShareBps / 10000); each accepted update gets
///     floor(pot * p_j / sum of accepted p). Validators' pot = emission - trainers' pot; each
///     revealed validator with deviation <= deviationBoundBps gets floor(pot * weight / sum of
///     those validators' weights). Rewards are credited in StakeManager (claimed there);
///     unpaid shares and division remainders stay in the clone.
///  5. Slashed (a share of active + unbonding task stake, paid to the clone and at the end to the
///     treasury): rejected, unrevealed and auto-rejected trainers (slashTrainerBps), validators of
///     the set that committed but did not reveal and validators deviating more than
///     deviationBoundBps (slashValidatorBps).
///  6. With no revealed stake there is no consensus: nothing is accepted or paid, and only the
///     validators that committed without revealing are slashed.
contract TrainingSettlement is TrainingYuma {
    uint8 private constant JUDGED = 0;
    uint8 private constant FREE_RIDING = 1;
    uint8 private constant COPIED = 2;
    uint8 private constant NOT_REVEALED = 3;

    /// @dev Working memory of one settlement.
    struct Settlement {
        uint256 round;
        uint256 taskId;
        address[] trainers;
        uint8[] fate; // per update: JUDGED, FREE_RIDING, COPIED or NOT_REVEALED
        bool consensus; // some revealed validator has stake
        uint16[] score; // per update: consensus score (0 unless judged)
        uint256[] share; // per update: its weight in the trainers' pot (0 unless judged)
        bool[] accepted;
        address[] validators; // the validator set, by slot
        bool[] revealed;
        uint256[] stake;
        uint16[] deviation;
        uint256[] weight;
    }

    constructor(StakeManager stakes_, TaskRegistry registry_) TrainingStorage(stakes_, registry_) {}

    /// @notice See ITrainingRounds.settle.
    function settle(uint256 round) external {
        (uint256 taskId_, Round storage r) = _openRound(round);
        if (block.timestamp <= r.revealDeadline) revert RoundNotOver(r.revealDeadline);
        if (round > 1 && _models[round - 1].dispute == ITrainingRounds.DisputeStatus.Open) revert DisputeOpen(round - 1);
        r.status = ITrainingRounds.RoundStatus.Settled;
        uint256 n = r.submissions;

        Settlement memory s;
        s.round = round;
        s.taskId = taskId_;
        _screen(s, n, r.modelDigest);
        _loadValidators(s, r.committerCount);
        if (s.consensus) _judge(s);
        uint256 emission = _config.emissionPerRound;
        uint256 trainerPot = (emission * _config.trainerShareBps) / BPS;
        (uint256 accepted, uint256 paidTrainers) = _payTrainers(s, trainerPot);
        uint256 paidValidators = _payValidators(s, emission - trainerPot);
        emit ITrainingRounds.RoundSettled(round, accepted, n - accepted, paidTrainers + paidValidators);
    }

    /// @notice See ITrainingRounds.resolveDispute.
    /// @dev Wrong (more stake for wrong than for right): the aggregator is slashed
    /// slashAggregatorBps to the disputer, the next round (trained on the model) is cancelled and
    /// a new `postModel(round)` is due. Otherwise the disputer is slashed slashValidatorBps to the
    /// aggregator. Either way the other voters on the losing side are slashed slashValidatorBps
    /// to this training.
    function resolveDispute(uint256 round) external {
        if (finished) revert AlreadyFinished();
        Model storage m = _models[round];
        if (m.dispute != ITrainingRounds.DisputeStatus.Open) revert NoDispute(round);
        if (block.timestamp <= m.voteDeadline) revert VoteNotOver(m.voteDeadline);
        m.dispute = ITrainingRounds.DisputeStatus.Resolved;
        bool wrong = m.stakeForWrong > m.stakeForRight;
        uint256 taskId_ = _taskId;
        uint16 bps = _config.slashValidatorBps;
        if (wrong) {
            m.status = ITrainingRounds.ModelStatus.Rejected;
            _slash(taskId_, AGGREGATOR, m.aggregator, _config.slashAggregatorBps, m.disputer, REASON_WRONG_MODEL, _evidence(round, m.aggregator));
            if (round < _config.rounds) {
                _rounds[round + 1].status = ITrainingRounds.RoundStatus.Cancelled;
                emit ITrainingRounds.RoundCancelled(round + 1, REASON_WRONG_MODEL);
            }
        } else {
            _slash(taskId_, VALIDATOR, m.disputer, bps, m.aggregator, REASON_FAILED_DISPUTE, _evidence(round, m.disputer));
        }
        // Losing voters pay too, so a vote is not a free option.
        uint256 losing = wrong ? 2 : 1;
        mapping(address => uint256) storage voted = _voted[round][m.disputes];
        for (uint256 i = 0; i < m.voterCount; i++) {
            address voter = _member(_disputeVoters[i]);
            if (voter == m.disputer || voted[voter] & 0xff != losing) continue;
            _slashedIn += _slash(taskId_, VALIDATOR, voter, bps, address(this), REASON_LOST_DISPUTE_VOTE, _evidence(round, voter));
        }
        emit ITrainingRounds.DisputeResolved(round, wrong, m.stakeForWrong, m.stakeForRight);
    }

    // ---------------------------------------------------------------- steps

    /// @dev Marks unrevealed commitments, free riders (digest = the round's global model) and
    /// copies (digest revealed by an earlier commitment). The digests seen sit in an
    /// open-addressing table in memory; zero marks an empty cell (`revealUpdate` refuses a zero
    /// digest).
    function _screen(Settlement memory s, uint256 n, bytes32 modelDigest) private view {
        s.trainers = new address[](n);
        s.fate = new uint8[](n);
        s.score = new uint16[](n);
        s.share = new uint256[](n);
        s.accepted = new bool[](n);
        uint256 size = 2;
        while (size < 2 * n) size <<= 1;
        bytes32[] memory table = new bytes32[](size);
        for (uint256 i = 0; i < n; i++) {
            Entry storage e = _entries[i];
            s.trainers[i] = e.trainer;
            if (!e.revealed) {
                s.fate[i] = NOT_REVEALED;
                continue;
            }
            bytes32 digest = e.hash;
            if (digest == modelDigest) {
                s.fate[i] = FREE_RIDING;
                continue;
            }
            uint256 cell = uint256(digest) & (size - 1);
            while (table[cell] != bytes32(0) && table[cell] != digest) cell = (cell + 1) & (size - 1);
            if (table[cell] == digest) s.fate[i] = COPIED;
            else table[cell] = digest;
        }
    }

    /// @dev Reads the validator set, whether each revealed, and its weight: the smaller of the
    /// stake at commit (itself no more than at the round's snapshot) and now, so stake added
    /// after the round opened buys no say in the consensus, and stake leaving earns no reward.
    function _loadValidators(Settlement memory s, uint256 m) private view {
        s.validators = new address[](m);
        s.revealed = new bool[](m);
        s.stake = new uint256[](m);
        s.deviation = new uint16[](m);
        s.weight = new uint256[](m);
        uint256 total;
        for (uint256 v = 0; v < m; v++) {
            address validator = _member(_committers[v]);
            s.validators[v] = validator;
            Validation storage record = _validations[validator];
            if (!record.revealed) continue;
            s.revealed[v] = true;
            uint256 stake = stakes.activeStake(s.taskId, VALIDATOR, validator);
            if (stake > record.stakeAtCommit) stake = record.stakeAtCommit;
            s.stake[v] = stake;
            total += stake;
        }
        s.consensus = total > 0;
    }

    /// @dev Runs the configured rule over the revealed validators and the judged updates, and
    /// writes the outcome back into `s` (per update and per committer).
    function _judge(Settlement memory s) private {
        uint256 m = s.validators.length;
        uint256 n = s.trainers.length;
        uint256[] memory rows = new uint256[](m);
        uint256 rowCount;
        for (uint256 v = 0; v < m; v++) {
            if (s.revealed[v]) rows[rowCount++] = v;
        }
        uint256[] memory columns = new uint256[](n);
        uint256 columnCount;
        for (uint256 j = 0; j < n; j++) {
            if (s.fate[j] == JUDGED) columns[columnCount++] = j;
        }
        if (columnCount == 0) {
            // Nothing to judge: every revealed validator agrees with the (empty) consensus.
            for (uint256 k = 0; k < rowCount; k++) {
                s.weight[rows[k]] = s.stake[rows[k]] * BPS;
            }
            return;
        }

        uint16[][] memory matrix = new uint16[][](rowCount);
        uint256[] memory weights = new uint256[](rowCount);
        address[] memory validators = new address[](rowCount);
        uint256 total;
        uint256 wordCount = (n + 15) / 16;
        uint256[] memory words = new uint256[](wordCount);
        for (uint256 k = 0; k < rowCount; k++) {
            uint256 v = rows[k];
            validators[k] = s.validators[v];
            weights[k] = s.stake[v];
            total += s.stake[v];
            uint256[16] storage stored = _scoreWords[s.validators[v]];
            for (uint256 w = 0; w < wordCount; w++) {
                words[w] = stored[w];
            }
            uint16[] memory row = new uint16[](columnCount);
            // row[c] = score of update columns[c], unpacked (every index is in range by construction).
            assembly ("memory-safe") {
                let from := add(words, 32)
                let to := add(row, 32)
                let col := add(columns, 32)
                for { let end := add(col, mul(columnCount, 32)) } lt(col, end) {
                    col := add(col, 32)
                    to := add(to, 32)
                } {
                    let j := mload(col)
                    mstore(to, and(shr(shl(4, and(j, 15)), mload(add(from, shl(5, shr(4, j))))), 0xffff))
                }
            }
            matrix[k] = row;
        }

        TrainingConsensus.Outcome memory o;
        uint256[] memory share;
        ITrainingRounds.Consensus rule = _config.consensus;
        if (rule == ITrainingRounds.Consensus.Flock) {
            o = TrainingConsensus.flock(matrix, weights, total, _config.acceptFloorBps, _config.acceptRelativeBps);
        } else if (rule == ITrainingRounds.Consensus.MedianScore) {
            o = TrainingConsensus.medianScore(matrix, weights, total, _config.acceptFloorBps, _config.acceptRelativeBps);
        } else {
            address[] memory trainers = new address[](columnCount);
            for (uint256 c = 0; c < columnCount; c++) {
                trainers[c] = s.trainers[columns[c]];
            }
            (o, share) = _yumaConsensus(s.round, validators, trainers, matrix, weights);
        }
        for (uint256 c = 0; c < columnCount; c++) {
            s.score[columns[c]] = o.consensus[c];
            s.share[columns[c]] = share.length == 0 ? o.consensus[c] : share[c];
            s.accepted[columns[c]] = o.accepted[c];
        }
        for (uint256 k = 0; k < rowCount; k++) {
            s.deviation[rows[k]] = o.deviation[k];
            s.weight[rows[k]] = o.weight[k];
        }
    }

    /// @dev Pays accepted updates pro rata to their share, slashes the rejected (when there
    /// was a consensus) and emits UpdateJudged for every update.
    function _payTrainers(Settlement memory s, uint256 pot) private returns (uint256 accepted, uint256 paid) {
        uint256 n = s.trainers.length;
        uint256 shareSum;
        for (uint256 j = 0; j < n; j++) {
            if (s.accepted[j]) {
                shareSum += s.share[j];
                accepted++;
            }
        }
        address[] memory owners = new address[](accepted);
        uint256[] memory amounts = new uint256[](accepted);
        uint256 k;
        Slashes memory slashes = _slashes(n - accepted);
        for (uint256 j = 0; j < n; j++) {
            uint256 reward;
            if (s.accepted[j]) {
                if (shareSum > 0) reward = (pot * s.share[j]) / shareSum;
                owners[k] = s.trainers[j];
                amounts[k] = reward;
                k++;
                paid += reward;
            } else if (s.consensus || s.fate[j] == NOT_REVEALED) {
                // An unrevealed commitment is its trainer's own doing: slashed even with no consensus.
                uint8 fate = s.fate[j];
                bytes32 reason = fate == FREE_RIDING
                    ? REASON_FREE_RIDING
                    : fate == COPIED ? REASON_COPIED : fate == NOT_REVEALED ? REASON_UPDATE_NOT_REVEALED : REASON_REJECTED;
                _add(slashes, s.trainers[j], reason, keccak256(abi.encode(address(this), s.round, j)));
            }
            emit ITrainingRounds.UpdateJudged(s.round, j, s.trainers[j], s.accepted[j], s.score[j], reward);
        }
        _slashIn(s.taskId, TRAINER, _config.slashTrainerBps, slashes);
        _credit(owners, amounts, paid, REWARD_UPDATE);
    }

    /// @dev Slashes silent and deviating validators, pays the others pro rata to their weight
    /// and emits ValidatorJudged for every committer.
    function _payValidators(Settlement memory s, uint256 pot) private returns (uint256 paid) {
        uint256 m = s.validators.length;
        bool[] memory punished = new bool[](m);
        Slashes memory slashes = _slashes(m);
        uint256 weightSum;
        uint256 payees;
        for (uint256 v = 0; v < m; v++) {
            punished[v] = !s.revealed[v] || (s.consensus && s.deviation[v] > _config.deviationBoundBps);
            if (punished[v]) {
                _add(slashes, s.validators[v], s.revealed[v] ? REASON_DEVIATION : REASON_NO_REVEAL, _evidence(s.round, s.validators[v]));
            } else if (s.weight[v] > 0) {
                weightSum += s.weight[v];
                payees++;
            }
        }
        address[] memory owners = new address[](payees);
        uint256[] memory amounts = new uint256[](payees);
        uint256 k;
        for (uint256 v = 0; v < m; v++) {
            uint256 reward;
            if (!punished[v] && s.weight[v] > 0) {
                reward = (pot * s.weight[v]) / weightSum;
                owners[k] = s.validators[v];
                amounts[k] = reward;
                k++;
                paid += reward;
            }
            emit ITrainingRounds.ValidatorJudged(s.round, s.validators[v], s.revealed[v], s.deviation[v], reward, punished[v]);
        }
        _slashIn(s.taskId, VALIDATOR, _config.slashValidatorBps, slashes);
        _credit(owners, amounts, paid, REWARD_VALIDATION);
    }

    /// @dev The participants one settlement slashes in one role, with a reason and evidence each.
    struct Slashes {
        address[] owners;
        bytes32[] reasons;
        bytes32[] evidence;
        uint256 count;
    }

    function _slashes(uint256 capacity) private pure returns (Slashes memory list) {
        list.owners = new address[](capacity);
        list.reasons = new bytes32[](capacity);
        list.evidence = new bytes32[](capacity);
    }

    function _add(Slashes memory list, address owner, bytes32 reason, bytes32 evidence) private pure {
        uint256 k = list.count++;
        list.owners[k] = owner;
        list.reasons[k] = reason;
        list.evidence[k] = evidence;
    }

    /// @dev Slashes them all to this training in one call (one token transfer), and books what
    /// came in (it goes to the treasury when the training finishes).
    function _slashIn(uint256 taskId_, bytes32 role, uint16 bps, Slashes memory list) private {
        uint256 k = list.count;
        if (k == 0 || bps == 0) return;
        address[] memory owners = list.owners;
        bytes32[] memory reasons = list.reasons;
        bytes32[] memory evidence = list.evidence;
        assembly ("memory-safe") {
            mstore(owners, k)
            mstore(reasons, k)
            mstore(evidence, k)
        }
        _slashedIn += stakes.slashShares(taskId_, role, owners, bps, address(this), reasons, evidence);
    }

    function _credit(address[] memory owners, uint256[] memory amounts, uint256 sum, bytes32 reason) private {
        if (sum == 0) return;
        _credited += sum;
        stakes.creditRewards(owners, amounts, reason);
    }
}
