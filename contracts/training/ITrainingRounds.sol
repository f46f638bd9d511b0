// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ITrainingRounds: the on-chain side of one task's federated training
/// @notice One TrainingRounds contract per task (a clone made by TrainingFactory). A round opens
/// with the global model's digest and runs in phases:
///  1. train (until `trainDeadline`): staked trainers commit to their update,
///     keccak256(abi.encode(training, round, attempt, owner, digest, codec, examples, salt)), at
///     most `maxUpdates`, one per trainer; the commitment order is the round's submission order;
///  2. update reveal (until `updateRevealDeadline`): trainers reveal digest, codec, example count
///     and salt. Nobody can copy an update before the commit phase is over, and copies are judged
///     by commitment order, so a front-runner can only copy what is revealed, too late to commit;
///  3. score (until `scoreDeadline`): staked validators score every revealed update on their
///     private validation shard and commit a hash of the scores bound to this training, the
///     round's opening and their owner. Any staked validator may commit; the round's validator set
///     is the `maxValidators` committers with the most stake as of the block before the round
///     opened (ties: the earlier committer), so submissions never shrink it and late or small
///     stake cannot crowd out large;
///  4. reveal (until `revealDeadline`): validators in the set reveal;
///  5. settle (anyone, after `revealDeadline`): the configured consensus rule accepts or rejects
///     each revealed update, the round's emission is split among accepted trainers by consensus
///     score and among validators by agreement with consensus (under Yuma: by incentive and by
///     dividends, with bonds carried from round to round), and rejected or unrevealed trainers and
///     deviating or silent validators are slashed with the reason on chain.
/// A staked aggregator then posts the next global model (the configured aggregation rule over the
/// accepted updates), which opens the next round; any staked validator may dispute it, and
/// validators decide the dispute by stake as of the block before the dispute (the losing side
/// pays). Every action locks the actor's stake until it is judged (`settlePeriod` after its
/// deadline), so no slash is escaped by unstaking. Round 1 opens when TrainingFactory creates
/// the contract (there is no separate start).
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
        uint64 trainPeriod; // seconds trainers have to commit to an update after a round opens
        uint64 updateRevealPeriod; // then trainers reveal their updates
        uint64 scorePeriod; // then validators commit score hashes
        uint64 revealPeriod; // then validators reveal
        uint64 settlePeriod; // a round is settled, and a dispute resolved, within this after its deadline: locks cover it
        uint64 disputePeriod; // a posted model can be disputed this long (<= trainPeriod)
        uint256 emissionPerRound; // DEAI paid per round (trainers + validators)
        uint16 trainerShareBps; // the trainers' share of a round's emission; validators get the rest
        uint16 acceptFloorBps; // an update's score must be at least this (absolute, e.g. accuracy in bps)...
        uint16 acceptRelativeBps; // ...and at least this share of the median update's score
        uint16 deviationBoundBps; // validators deviating more than this from consensus are slashed
        uint16 slashTrainerBps; // share of a rejected trainer's task stake slashed
        uint16 slashValidatorBps; // share of a deviating or silent validator's task stake slashed
        uint16 slashAggregatorBps; // share of an aggregator's stake slashed for a wrong model
        uint16 maxUpdates; // update commitments per round (under Yuma also the trainer uids, at most 64)
        uint16 maxValidators; // the round's validator set (top stake); maxUpdates x maxValidators bounds settlement
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
        Open, // training, revealing updates, scoring, revealing scores, then waiting for `settle`
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
        uint64 updateRevealDeadline;
        uint64 scoreDeadline;
        uint64 revealDeadline;
        uint64 snapshotBlock; // validators are ranked and weighed by their stake at the end of this block
        bytes32 modelDigest; // the global model this round trains from
        Codec modelCodec;
        uint16 submissions; // update commitments, in order
        uint16 revealed; // of which revealed
        uint8 committers; // the validator set's size so far
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
        uint64 snapshotBlock; // votes weigh stake at the end of this block (the one before the dispute)
        uint256 stakeForWrong;
        uint256 stakeForRight;
    }

    /// @dev One update commitment of the current round, as `submission` returns it.
    struct Submission {
        address trainer; // the owner (not the operator key)
        bool revealed;
        bytes32 digest; // zero until revealed
        Codec codec;
        uint32 examples;
    }

    event TrainingStarted(uint256 indexed taskId, Config config, uint256 funded);
    event RoundOpened(
        uint256 indexed round,
        bytes32 modelDigest,
        Codec modelCodec,
        uint64 trainDeadline,
        uint64 updateRevealDeadline,
        uint64 scoreDeadline,
        uint64 revealDeadline
    );
    event UpdateCommitted(uint256 indexed round, uint256 index, address indexed trainer, bytes32 commitment);
    event UpdateRevealed(
        uint256 indexed round, uint256 index, address indexed trainer, bytes32 digest, Codec codec, uint32 examples
    );
    /// @dev `slot` is the validator's place in the round's set; an eviction frees a slot for the newcomer.
    event ScoresCommitted(uint256 indexed round, address indexed validator, uint256 slot, uint256 weight);
    event ValidatorEvicted(uint256 indexed round, address indexed validator, address indexed by);
    event ScoresRevealed(uint256 indexed round, address indexed validator, uint16[] scores);
    event UpdateJudged(
        uint256 indexed round, uint256 index, address indexed trainer, bool accepted, uint16 consensusScore, uint256 reward
    );
    event ValidatorJudged(
        uint256 indexed round, address indexed validator, bool revealed, uint16 deviationBps, uint256 reward, bool slashed
    );
    event RoundSettled(uint256 indexed round, uint256 accepted, uint256 rejected, uint256 paid);
    /// @dev Yuma: `trainer` took `uid` (from `replaced`, which lost it, or a free slot: zero).
    event TrainerUidAssigned(uint256 indexed round, uint256 indexed uid, address indexed trainer, address replaced);
    event ModelPosted(uint256 indexed round, address indexed aggregator, bytes32 digest, Codec codec);
    event ModelDisputed(uint256 indexed round, address indexed disputer, uint64 voteDeadline);
    event DisputeVoted(uint256 indexed round, address indexed validator, bool modelIsWrong, uint256 stake);
    event DisputeVoterEvicted(uint256 indexed round, address indexed validator, address indexed by);
    event DisputeResolved(uint256 indexed round, bool modelWasWrong, uint256 stakeForWrong, uint256 stakeForRight);
    event RoundCancelled(uint256 indexed round, bytes32 reason);
    event TrainingFinished(uint256 refund, uint256 toTreasury);

    /// @notice A trainer's operator key commits to an update for the open round, until its train
    /// deadline: `commitment` = keccak256(abi.encode(address(this), round, attempt, owner, digest,
    /// codec, examples, salt)) (see `updateCommitment`). One per trainer (owner) per round, at most
    /// `maxUpdates`; the owner's active stake in (task, TRAINER) must be at least `minTrainerStake`.
    /// The stake is locked until the round's judgement is due.
    function commitUpdate(uint256 round, bytes32 commitment) external;

    /// @notice Reveals the committed update after the train deadline and until the update reveal
    /// deadline.
    function revealUpdate(uint256 round, bytes32 digest, Codec codec, uint32 examples, bytes32 salt) external;

    /// @notice A validator's operator key commits
    /// keccak256(abi.encode(address(this), round, attempt, validatorOwner, scores, salt)) (see
    /// `scoreCommitment`), after the update reveal deadline and until the score deadline, when the
    /// round has revealed updates. The owner's stake in (task, VALIDATOR), the smaller of that at
    /// the round's snapshot block and now, must be at least `minValidatorStake`. While the set has
    /// fewer than `maxValidators` members the validator joins; otherwise it takes the place of the
    /// member with the least stake if it has strictly more (the evicted member is neither judged
    /// nor paid). Members are judged at settlement: not revealing is slashed.
    function commitScores(uint256 round, bytes32 commitment) external;

    /// @notice Reveals the committed scores (bps, each at most 10000): one per update commitment,
    /// in commitment order (unrevealed updates' scores are ignored), after the score deadline and
    /// until the reveal deadline.
    function revealScores(uint256 round, uint16[] calldata scores, bytes32 salt) external;

    /// @notice Settles a round after its reveal deadline; anyone may call it. Not while the model
    /// the round trained on is under dispute. The rules are in TrainingSettlement.
    function settle(uint256 round) external;

    /// @notice A staked aggregator posts the aggregate of round `round`'s accepted updates; opens the next round.
    /// @dev Allowed once `round` is settled, when its model is not posted yet or was found wrong.
    function postModel(uint256 round, bytes32 digest, Codec codec) external;

    /// @notice A staked validator disputes the model posted for `round`, within `disputePeriod` of
    /// the post; once per post. The dispute counts as the disputer's vote that the model is wrong,
    /// and votes close `revealPeriod` after it.
    function disputeModel(uint256 round) external;

    /// @notice Staked validators vote on an open dispute, once each, weighted by their stake at
    /// the end of the block before the dispute. At most `maxValidators` voters count: the ones
    /// with the most of that stake (ties: the earlier vote).
    function voteDispute(uint256 round, bool modelIsWrong) external;

    /// @notice Ends a dispute after its vote deadline; anyone may call it. Wrong (more stake for
    /// wrong than for right): the aggregator is slashed `slashAggregatorBps` to the disputer, the
    /// next round is cancelled and a new `postModel(round)` reopens it. Otherwise the disputer is
    /// slashed `slashValidatorBps` to the aggregator. The other voters on the losing side are
    /// slashed `slashValidatorBps` to this training (whose slashed stake goes to the treasury).
    function resolveDispute(uint256 round) external;

    /// @notice After the last round settles (or the task expires): the stake slashed into this
    /// training goes to the protocol treasury and the unspent emission back to the proposer.
    /// @dev Anyone, once the last round's model is posted, not under dispute and past its dispute
    /// window; or at any time after the task's `expiresAt` in TaskRegistry.
    function finish() external;

    // ---------------------------------------------------------------- views for off-chain roles

    /// @notice The latest opened round (1-based; rounds open one after another).
    function currentRound() external view returns (uint256);

    function roundInfo(uint256 round) external view returns (RoundInfo memory);

    function modelInfo(uint256 round) external view returns (ModelInfo memory);

    function config() external view returns (Config memory);

    /// @notice Whether `trainer` (an owner) committed to an update in the round's latest opening.
    function hasSubmitted(uint256 round, address trainer) external view returns (bool);

    /// @notice Whether `trainer` (an owner) revealed its update in the round's latest opening.
    function hasRevealedUpdate(uint256 round, address trainer) external view returns (bool);

    /// @notice Update commitment `index` of the current round's latest opening (reused storage:
    /// other rounds are in the events).
    function submission(uint256 round, uint256 index) external view returns (Submission memory);

    function hasCommitted(uint256 round, address validator) external view returns (bool);

    function hasRevealed(uint256 round, address validator) external view returns (bool);

    /// @notice The current round's validator set (owners, by slot; empty for other rounds: the
    /// list is reused). Settlement takes them in this order.
    function committers(uint256 round) external view returns (address[] memory);

    /// @notice A validator's revealed scores while they are stored (the round's latest opening,
    /// until the next round reuses the slots); empty otherwise. Older scores are in the events.
    function revealedScores(uint256 round, address validator) external view returns (uint16[] memory);

    /// @notice Yuma: how many uid slots are in use (at most `maxUpdates`). A trainer takes a uid when
    /// its update is first judged: a free slot, else the uid of the holder with the lowest score
    /// (its incentive in the latest epoch), earliest registration and lowest uid, among holders not
    /// judged in the round and outside their immunity (YUMA_IMMUNITY_ROUNDS) if any is, else among
    /// the immune; that holder loses its uid, and bonds written on the uid before are masked.
    /// 0 under the other rules.
    function yumaUids() external view returns (uint256);

    /// @notice Yuma: the uid a trainer owner holds, if any.
    function trainerUid(address trainer) external view returns (bool assigned, uint256 uid);

    /// @notice Yuma: a uid's holder, the round it registered in and its pruning score (u16).
    function uidInfo(uint256 uid) external view returns (address holder, uint256 registeredRound, uint16 score);

    /// @notice Yuma: a validator owner's stored bonds (u16, Yuma 3's absolute units: 65535 is 1),
    /// one per trainer uid; all 0 before its first settled round.
    function bondsOf(address validator) external view returns (uint16[] memory);

    /// @notice What `commitUpdate` takes for the round's latest opening.
    function updateCommitment(uint256 round, address trainer, bytes32 digest, Codec codec, uint32 examples, bytes32 salt)
        external
        view
        returns (bytes32);

    /// @notice What `commitScores` takes for the round's latest opening.
    function scoreCommitment(uint256 round, address validator, uint16[] calldata scores, bytes32 salt)
        external
        view
        returns (bytes32);

    /// @notice The books: funded + slashedIn - credited - refunded is the balance this contract should hold.
    function books() external view returns (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded);
}
