// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ITrainingRounds} from "../training/ITrainingRounds.sol";
import {TrainingFactory} from "../training/TrainingFactory.sol";
import {TrainingRounds} from "../training/TrainingRounds.sol";

/// @title ModelRegistry: the public record of a task's final model and its lineage
/// @notice The simplest form of the marketplace stage: once a task's training has finished, its
/// proposer publishes one record for the task. What the chain already knows is read, not taken
/// from the caller: the training contract (TrainingFactory.trainingOf), the final round (the last
/// round whose model stands: posted and not under dispute) and that model's digest and codec.
/// What the chain holds only in events is the lineage, which the proposer gives in two forms:
///  - `lineageDigest`: the sha2-256 digest of a DAG-JSON document (its CID's codec is always
///    dag-json) listing, for every round up to the final one, the model it trained from, the
///    model posted for it, the accepted updates (index, trainer owner, update CID, examples) and
///    the data shards each contributor had been granted in DataRegistry when it submitted;
///  - `lineageRoot`: the root of a Merkle tree (OpenZeppelin's standard tree: sorted pairs,
///    leaves double-hashed) with one leaf per accepted update:
///    keccak256(bytes.concat(keccak256(abi.encode(round, index, trainer, digest, codec, examples,
///    shardsHash)))), shardsHash = keccak256(abi.encode(uint256[] shardIds ascending)); zero when
///    no update was accepted. `verifyContribution` checks a contributor's inclusion on chain.
/// The contract cannot check the lineage (it is in the logs, which contracts cannot read), so the
/// record states the proposer's claim; anyone can rebuild both forms from the training contract's
/// and DataRegistry's events and compare (the SDK's `verifyModelRecord`). That is why only the
/// proposer publishes, once: a wrong lineage is on its name, and nobody else can take the slot.
contract ModelRegistry {
    struct ModelRecord {
        address training; // zero while the task has no record
        uint64 publishedAt;
        uint32 finalRound;
        bytes32 modelDigest;
        ITrainingRounds.Codec modelCodec;
        bytes32 lineageDigest; // a DAG-JSON document
        bytes32 lineageRoot;
    }

    /// @notice One accepted update, as a leaf of the lineage tree.
    struct Contribution {
        uint32 round;
        uint16 index; // in the round's submissions
        address trainer; // the owner
        bytes32 digest;
        ITrainingRounds.Codec codec;
        uint32 examples;
        bytes32 shardsHash; // keccak256(abi.encode(uint256[] shard ids ascending))
    }

    TrainingFactory public immutable factory;

    mapping(uint256 taskId => ModelRecord) private _records;

    event ModelPublished(
        uint256 indexed taskId,
        address indexed training,
        uint256 finalRound,
        bytes32 modelDigest,
        ITrainingRounds.Codec modelCodec,
        bytes32 lineageDigest,
        bytes32 lineageRoot
    );

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice The task has no training.
    /// @custom:fix task {taskId} has no training yet
    error NoTraining(uint256 taskId);
    /// @notice Only the task's proposer may do this.
    /// @custom:fix only the task's proposer {proposer} can do this
    error NotProposer(address caller, address proposer);
    /// @notice The training has not finished.
    /// @custom:fix finish the training first (finishTraining), once its last model is past its dispute window
    error TrainingNotFinished(address training);
    /// @notice No model of the training stands.
    /// @custom:fix no model of this training stands (none posted, or the last one was found wrong or is under dispute)
    error NoFinalModel(address training);
    /// @notice The task already has its model record.
    /// @custom:fix task {taskId} already has its model record
    error AlreadyPublished(uint256 taskId);
    /// @notice A content digest is zero.
    /// @custom:fix pass the CID of real content (its digest cannot be zero)
    error ZeroDigest();

    constructor(TrainingFactory factory_) {
        if (address(factory_) == address(0)) revert ZeroAddress();
        factory = factory_;
    }

    /// @notice The task's proposer records the final model of its finished training, with the
    /// lineage's document digest and tree root (see the contract's notice). Once per task.
    function publish(uint256 taskId, bytes32 lineageDigest, bytes32 lineageRoot) external {
        if (lineageDigest == bytes32(0)) revert ZeroDigest();
        ModelRecord storage record = _records[taskId];
        if (record.training != address(0)) revert AlreadyPublished(taskId);
        address training = factory.trainingOf(taskId);
        if (training == address(0)) revert NoTraining(taskId);
        TrainingRounds t = TrainingRounds(training);
        address proposer = t.proposer();
        if (msg.sender != proposer) revert NotProposer(msg.sender, proposer);
        if (!t.finished()) revert TrainingNotFinished(training);
        (uint256 round, ITrainingRounds.ModelInfo memory model) = _finalModel(t);
        record.training = training;
        record.publishedAt = uint64(block.timestamp);
        record.finalRound = uint32(round);
        record.modelDigest = model.digest;
        record.modelCodec = model.codec;
        record.lineageDigest = lineageDigest;
        record.lineageRoot = lineageRoot;
        emit ModelPublished(taskId, training, round, model.digest, model.codec, lineageDigest, lineageRoot);
    }

    // ---------------------------------------------------------------- views

    /// @notice The task's record (all zero while it has none).
    function recordOf(uint256 taskId) external view returns (ModelRecord memory) {
        return _records[taskId];
    }

    function isPublished(uint256 taskId) external view returns (bool) {
        return _records[taskId].training != address(0);
    }

    /// @notice Whether `c` is a leaf of the task's lineage tree, by its Merkle proof.
    function verifyContribution(uint256 taskId, Contribution calldata c, bytes32[] calldata proof) external view returns (bool) {
        bytes32 root = _records[taskId].lineageRoot;
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, contributionLeaf(c));
    }

    /// @notice The lineage tree's leaf for one accepted update.
    function contributionLeaf(Contribution calldata c) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(c.round, c.index, c.trainer, c.digest, c.codec, c.examples, c.shardsHash))));
    }

    // ---------------------------------------------------------------- internals

    /// @dev The last round whose model stands: the current round's if posted (the last round),
    /// else the previous round's (the one that opened the current round). A model under dispute
    /// (a training may finish by expiry during one) or found wrong does not stand.
    function _finalModel(TrainingRounds t) private view returns (uint256 round, ITrainingRounds.ModelInfo memory model) {
        round = t.currentRound();
        model = t.modelInfo(round);
        if (model.status != ITrainingRounds.ModelStatus.Posted && round > 1) {
            round -= 1;
            model = t.modelInfo(round);
        }
        if (model.status != ITrainingRounds.ModelStatus.Posted || model.dispute == ITrainingRounds.DisputeStatus.Open) {
            revert NoFinalModel(address(t));
        }
    }
}
