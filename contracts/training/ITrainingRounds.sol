// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITrainingRounds: the on-chain side of one task's federated training
/// @notice One TrainingRounds contract per task (a clone made by TrainingFactory). A round opens
/// with the global model's digest. Staked trainers submit the digest of their update (a CID's
/// sha2-256 digest plus its codec) and their example count before the training deadline; the
/// contract keeps only a running hash of the submissions (the list itself is in the events and is
/// passed back, checked against the hash, at settlement). Staked validators score every update on
/// their private validation shard, commit a hash of the scores, then reveal them. Anyone settles
/// after the reveal deadline: the configured consensus rule accepts or rejects each update, the
/// round's emission is split among accepted trainers by consensus score and among validators by
/// agreement with consensus (under Yuma: by incentive and by dividends, with bonds carried from
/// round to round), and rejected trainers and deviating or silent validators are slashed
/// with the reason on chain. A staked aggregator then posts the next global model (the configured
/// aggregation rule over the accepted updates), which opens the next round; any staked validator
/// may dispute it, and validators decide the dispute by stake-weighted vote.
/// Round 1 opens when TrainingFactory creates the contract (there is no separate start).
/// Running hash: h starts at keccak256(abi.encode(address(this), round, attempt)) when a round
/// opens, and each submission sets h = keccak256(abi.encode(h, owner, digest, codec, examples)).
interface ITrainingRounds {
    enum Consensus {
        Flock, // per update: stake-weighted accept/reject votes (a validator accepts if its score clears the acceptance bar)
        MedianScore, // per update: stake-weighted median of scores, accepted if it clears the acceptance bar
        Yuma // Bittensor's Yuma 3 over the validators' normalised scores, bonds kept across rounds (see TrainingYuma)
    }

    enum Aggregation {
        FedAvg,
        Median,
        TrimmedMean,
        Krum,
        MultiKrum,
        Bulyan
    }

    /// @dev Content codecs of digests (see the content layer): a raw block, a UnixFS dag-pb root, or dag-json.
    enum Codec {
        Raw,
        DagPb,
        DagJson
    }

    struct Config {
        uint32 rounds;
        uint64 trainPeriod; // seconds trainers have to submit after a round opens
        uint64 scorePeriod; // then validators commit score hashes
        uint64 revealPeriod; // then validators reveal
        uint64 disputePeriod; // a posted model can be disputed this long (<= trainPeriod)
        uint256 emissionPerRound; // DEAI paid per round (trainers + validators)
        uint16 trainerShareBps; // the trainers' share of a round's emission; validators get the rest
        uint16 acceptFloorBps; // an update's score must be at least this (absolute, e.g. accuracy in bps)...
        uint16 acceptRelativeBps; // ...and at least this share of the median update's score
        uint16 deviationBoundBps; // validators deviating more than this from consensus are slashed
        uint16 slashTrainerBps; // share of a rejected trainer's task stake slashed
        uint16 slashValidatorBps; // share of a deviating or silent validator's task stake slashed
        uint16 slashAggregatorBps; // share of an aggregator's stake slashed for a wrong model
        uint16 maxUpdates; // submissions accepted per round (bounds settlement gas; at most 64 under Yuma)
        Consensus consensus;
        Aggregation aggregation;
        uint16 aggregationParam; // trimmed mean: beta in bps; Krum/Bulyan: f; Multi-Krum: k
        uint256 minTrainerStake;
        uint256 minValidatorStake;
        uint256 minAggregatorStake;
    }

    /// @dev Where a round stands. Phases inside `Open` follow from the deadlines.
    enum RoundStatus {
        None, // not opened yet
        Open, // training, then scoring, then revealing, then waiting for `settle`
        Settled,
        Cancelled, // trained on a model that a dispute found wrong; reopened by the next `postModel`
        Closed // the training finished while this round was open
    }

    /// @dev Where the model posted for a round stands.
    enum ModelStatus {
        None, // not posted yet
        Posted,
        Rejected // a dispute found it wrong: a new `postModel` for the same round is due
    }

    enum DisputeStatus {
        None,
        Open, // validators vote until the vote deadline
        Resolved
    }

    /// @dev A round as `roundInfo` returns it (its latest opening when it was reopened).
    struct RoundInfo {
        uint64 trainDeadline;
        uint64 scoreDeadline;
        uint64 revealDeadline;
        bytes32 modelDigest; // the global model this round trains from
        Codec modelCodec;
        uint16 submissions;
        uint8 committers;
        bytes32 runningHash; // starts at keccak256(abi.encode(address(this), round, attempt))
        RoundStatus status;
        uint16 attempt; // 1, plus one per reopening after a cancelled opening
    }

    /// @dev The model posted for a round, and its dispute (the latest one).
    struct ModelInfo {
        bytes32 digest;
        Codec codec;
        ModelStatus status;
        address aggregator; // the owner, not the operator key
        uint64 postedAt;
        DisputeStatus dispute;
        address disputer;
        uint64 voteDeadline;
        uint256 stakeForWrong;
        uint256 stakeForRight;
    }

    /// @dev What a trainer submitted, as passed back to `settle` (in submission order).
    struct Submission {
        address trainer; // the owner (not the operator key)
        bytes32 digest;
        Codec codec;
        uint32 examples;
    }

    event TrainingStarted(uint256 indexed taskId, Config config, uint256 funded);
    event RoundOpened(
        uint256 indexed round,
        bytes32 modelDigest,
        Codec modelCodec,
        uint64 trainDeadline,
        uint64 scoreDeadline,
        uint64 revealDeadline
    );
    event UpdateSubmitted(
        uint256 indexed round, uint256 index, address indexed trainer, bytes32 digest, Codec codec, uint32 examples
    );
    event ScoresCommitted(uint256 indexed round, address indexed validator);
    event ScoresRevealed(uint256 indexed round, address indexed validator, uint16[] scores);
    event UpdateJudged(
        uint256 indexed round, uint256 index, address indexed trainer, bool accepted, uint16 consensusScore, uint256 reward
    );
    event ValidatorJudged(
        uint256 indexed round, address indexed validator, bool revealed, uint16 deviationBps, uint256 reward, bool slashed
    );
    event RoundSettled(uint256 indexed round, uint256 accepted, uint256 rejected, uint256 paid);
    event ModelPosted(uint256 indexed round, address indexed aggregator, bytes32 digest, Codec codec);
    event ModelDisputed(uint256 indexed round, address indexed disputer, uint64 voteDeadline);
    event DisputeVoted(uint256 indexed round, address indexed validator, bool modelIsWrong, uint256 stake);
    event DisputeResolved(uint256 indexed round, bool modelWasWrong, uint256 stakeForWrong, uint256 stakeForRight);
    event RoundCancelled(uint256 indexed round, bytes32 reason);
    event TrainingFinished(uint256 refund);

    /// @notice A trainer's operator key submits an update for the open round, until its train
    /// deadline: one per trainer (owner) per round, at most `maxUpdates`; the owner's active stake
    /// in (task, TRAINER) must be positive and at least `minTrainerStake`. Under Yuma a trainer's
    /// first submission assigns it the next uid (at most 64 per training: MAX_YUMA_TRAINERS).
    function submitUpdate(uint256 round, bytes32 digest, Codec codec, uint32 examples) external;

    /// @notice A validator's operator key commits keccak256(abi.encode(round, validatorOwner, scores, salt)),
    /// after the train deadline and until the score deadline, when the round has submissions. The
    /// owner's active stake in (task, VALIDATOR) must be positive and at least `minValidatorStake`;
    /// at most `validatorCap(round)` validators commit per round (4,096 scores / submissions, under
    /// Yuma 1,024 / trainer uids; at most 64).
    /// Whoever commits is judged at settlement: not revealing is slashed.
    function commitScores(uint256 round, bytes32 commitment) external;

    /// @notice Reveals the committed scores (bps, each at most 10000): one per submission, in
    /// submission order, after the score deadline and until the reveal deadline.
    function revealScores(uint256 round, uint16[] calldata scores, bytes32 salt) external;

    /// @notice Settles a round after its reveal deadline; anyone may call it with the round's
    /// submissions (from the UpdateSubmitted events since the round's last RoundOpened). Not while
    /// the model the round trained on is under dispute. The rules are in TrainingSettlement.
    function settle(uint256 round, Submission[] calldata submissions) external;

    /// @notice A staked aggregator posts the aggregate of round `round`'s accepted updates; opens the next round.
    /// @dev Allowed once `round` is settled, when its model is not posted yet or was found wrong.
    function postModel(uint256 round, bytes32 digest, Codec codec) external;

    /// @notice A staked validator disputes the model posted for `round`, within `disputePeriod` of
    /// the post; once per post. The dispute counts as the disputer's vote that the model is wrong,
    /// and votes close `revealPeriod` after it.
    function disputeModel(uint256 round) external;

    /// @notice Staked validators vote on an open dispute, once each, weighted by active stake.
    function voteDispute(uint256 round, bool modelIsWrong) external;

    /// @notice Ends a dispute after its vote deadline; anyone may call it. Wrong (more stake for
    /// wrong than for right): the aggregator is slashed `slashAggregatorBps` to the disputer, the
    /// next round is cancelled and a new `postModel(round)` reopens it. Otherwise the disputer is
    /// slashed `slashValidatorBps` to the aggregator.
    function resolveDispute(uint256 round) external;

    /// @notice After the last round settles (or the task expires), returns what is left to the proposer.
    /// @dev Anyone, once the last round's model is posted, not under dispute and past its dispute
    /// window; or at any time after the task's `expiresAt` in TaskRegistry.
    function finish() external;

    // ---------------------------------------------------------------- views for off-chain roles

    /// @notice The latest opened round (1-based; rounds open one after another).
    function currentRound() external view returns (uint256);

    function roundInfo(uint256 round) external view returns (RoundInfo memory);

    function modelInfo(uint256 round) external view returns (ModelInfo memory);

    function config() external view returns (Config memory);

    /// @notice Whether `trainer` (an owner) submitted in the round's latest opening.
    function hasSubmitted(uint256 round, address trainer) external view returns (bool);

    function hasCommitted(uint256 round, address validator) external view returns (bool);

    function hasRevealed(uint256 round, address validator) external view returns (bool);

    /// @notice How many validators may commit in `round`: min(64, 4,096 / its submissions), or
    /// under Yuma min(64, 1,024 / the trainer uids assigned), since its epoch spans every uid.
    function validatorCap(uint256 round) external view returns (uint256);

    /// @notice The owners that committed scores in the current round's latest opening, in commit
    /// order (empty for other rounds: the list is reused).
    function committers(uint256 round) external view returns (address[] memory);

    /// @notice A validator's revealed scores while they are stored (the round's latest opening,
    /// until the next round reuses the slots); empty otherwise. Older scores are in the events.
    function revealedScores(uint256 round, address validator) external view returns (uint16[] memory);

    /// @notice Yuma: how many trainer uids the training has assigned (one per trainer owner, at
    /// its first submission, in order; at most 64). 0 under the other rules.
    function yumaUids() external view returns (uint256);

    /// @notice Yuma: the uid of a trainer owner, if it has one.
    function trainerUid(address trainer) external view returns (bool assigned, uint256 uid);

    /// @notice Yuma: a validator owner's stored bonds (u16, Yuma 3's absolute units: 65535 is 1),
    /// one per trainer uid; all 0 before its first settled round.
    function bondsOf(address validator) external view returns (uint16[] memory);

    /// @notice keccak256(abi.encode(round, validator, scores, salt)): what `commitScores` takes.
    function scoreCommitment(uint256 round, address validator, uint16[] calldata scores, bytes32 salt)
        external
        pure
        returns (bytes32);

    /// @notice The books: funded + slashedIn - credited - refunded is the balance this contract should hold.
    function books() external view returns (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded);
}
