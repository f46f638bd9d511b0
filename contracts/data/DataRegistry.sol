// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StakeManager} from "../staking/StakeManager.sol";
import {TaskRegistry} from "../tasks/TaskRegistry.sol";
import {ITrainingRounds} from "../training/ITrainingRounds.sol";

/// @title DataRegistry: the data stage of a task, as a provenance log of dataset shards
/// @notice A data provider registers the shards it offers for an open task: the shard's CID (its
/// sha2-256 digest and codec, as the training contracts store CIDs) and its example count. The
/// provider is an owner with at least `minProviderStake` active in the pool (task, DATA_PROVIDER)
/// of StakeManager, acting through its operator key there (or its own key when it set none), as
/// trainers do in training. The provider then grants trainers the right to use a shard. Only the
/// shard's provider grants: the data is its to hand out, and neither the proposer nor anyone
/// else can widen access to it. A grant is final (there is no revocation: data once handed over
/// cannot be taken back, and the lineage of a published model cites the grants a trainer held
/// when it submitted). The contract checks provenance, not content: whether the bytes behind a
/// CID are any good is for later stages (validators score what trainers make of them).
/// Shard ids are per task, from 0, in registration order; a task cannot hold the same digest twice.
contract DataRegistry {
    bytes32 public constant DATA_PROVIDER = keccak256("DATA_PROVIDER");

    struct Shard {
        address provider; // the owner, not the operator key
        uint32 examples;
        ITrainingRounds.Codec codec;
        bytes32 digest;
    }

    TaskRegistry public immutable registry;
    StakeManager public immutable stakes;
    /// @notice Active stake a provider needs in (task, DATA_PROVIDER) to register a shard (0: none).
    uint256 public immutable minProviderStake;

    mapping(uint256 taskId => Shard[]) private _shards;
    /// @dev shard id + 1 by digest, so 0 means none.
    mapping(uint256 taskId => mapping(bytes32 digest => uint256)) private _shardByDigest;
    mapping(uint256 taskId => mapping(uint256 shardId => mapping(address trainer => bool))) private _granted;
    mapping(uint256 taskId => mapping(address trainer => uint256[])) private _grantsOf;

    event ShardRegistered(
        uint256 indexed taskId, uint256 indexed shardId, address indexed provider, bytes32 digest, ITrainingRounds.Codec codec, uint32 examples
    );
    event ShardGranted(uint256 indexed taskId, uint256 indexed shardId, address indexed trainer, address provider);

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @dev Raised by TaskRegistry.getTask and passed through (same selector), for a task id never issued.
    /// @custom:fix no task {taskId}; list tasks with deai task list
    error UnknownTask(uint256 taskId);
    /// @notice The task is not open.
    /// @custom:fix task {taskId} is {status:taskStatus}; this stage needs it open (approved and not closed)
    error TaskNotOpen(uint256 taskId, TaskRegistry.Status status);
    /// @notice A content digest is zero.
    /// @custom:fix pass the CID of real content (its digest cannot be zero)
    error ZeroDigest();
    /// @notice A shard holds no examples.
    /// @custom:fix a shard holds at least one example
    error ZeroExamples();
    /// @notice The content is already a shard of the task.
    /// @custom:fix this content is already shard {shardId} of task {taskId}
    error DuplicateShard(uint256 taskId, uint256 shardId);
    /// @dev The key works for no owner in (task, DATA_PROVIDER), or its owner's active stake is below the minimum.
    /// @custom:fix stake in the task's pool for this role first (deai stake), at least the minimum; an owner that named an operator must send with that key; a validator's stake counts from the round after it staked
    error NotStaked(address owner, uint256 stake, uint256 minimum);
    /// @notice The task has no shard with this id.
    /// @custom:fix task {taskId} has no shard {shardId}; list them with listShards
    error UnknownShard(uint256 taskId, uint256 shardId);
    /// @notice Only the provider named, or its operator key, may do this.
    /// @custom:fix only the provider named (or its operator key) may do this
    error NotProvider(address caller, address provider);
    /// @notice The trainer may already use this shard.
    /// @custom:fix this trainer may already use this shard
    error AlreadyGranted(uint256 taskId, uint256 shardId, address trainer);

    constructor(TaskRegistry registry_, StakeManager stakes_, uint256 minProviderStake_) {
        if (address(registry_) == address(0) || address(stakes_) == address(0)) revert ZeroAddress();
        registry = registry_;
        stakes = stakes_;
        minProviderStake = minProviderStake_;
    }

    /// @notice Registers a shard of data for open task `taskId`: its CID as `digest` and `codec`,
    /// and how many examples it holds. Sent by the provider's operator key in (task, DATA_PROVIDER).
    /// @return shardId the shard's id within the task.
    function registerShard(uint256 taskId, bytes32 digest, ITrainingRounds.Codec codec, uint32 examples)
        external
        returns (uint256 shardId)
    {
        if (digest == bytes32(0)) revert ZeroDigest();
        if (examples == 0) revert ZeroExamples();
        TaskRegistry.Status status = registry.getTask(taskId).status;
        if (status != TaskRegistry.Status.Open) revert TaskNotOpen(taskId, status);
        address provider = stakes.ownerOfOperator(taskId, DATA_PROVIDER, msg.sender);
        uint256 stake = provider == address(0) ? 0 : stakes.activeStake(taskId, DATA_PROVIDER, provider);
        if (provider == address(0) || stake < minProviderStake) revert NotStaked(provider, stake, minProviderStake);
        uint256 existing = _shardByDigest[taskId][digest];
        if (existing != 0) revert DuplicateShard(taskId, existing - 1);
        Shard[] storage shards = _shards[taskId];
        shardId = shards.length;
        shards.push(Shard({provider: provider, examples: examples, codec: codec, digest: digest}));
        _shardByDigest[taskId][digest] = shardId + 1;
        emit ShardRegistered(taskId, shardId, provider, digest, codec, examples);
    }

    /// @notice The shard's provider (through its operator key) lets `trainer` (an owner) use the shard.
    function grantShard(uint256 taskId, uint256 shardId, address trainer) external {
        if (trainer == address(0)) revert ZeroAddress();
        Shard storage shard = _shard(taskId, shardId);
        address provider = shard.provider;
        address caller = stakes.ownerOfOperator(taskId, DATA_PROVIDER, msg.sender);
        if (caller != provider) revert NotProvider(caller, provider);
        mapping(address => bool) storage granted = _granted[taskId][shardId];
        if (granted[trainer]) revert AlreadyGranted(taskId, shardId, trainer);
        granted[trainer] = true;
        _grantsOf[taskId][trainer].push(shardId);
        emit ShardGranted(taskId, shardId, trainer, provider);
    }

    // ---------------------------------------------------------------- views

    function shardCount(uint256 taskId) external view returns (uint256) {
        return _shards[taskId].length;
    }

    function getShard(uint256 taskId, uint256 shardId) external view returns (Shard memory) {
        return _shard(taskId, shardId);
    }

    /// @notice Every shard of a task, by id.
    function shardsOf(uint256 taskId) external view returns (Shard[] memory) {
        return _shards[taskId];
    }

    /// @notice The shard registered with `digest` for the task, if any.
    function shardByDigest(uint256 taskId, bytes32 digest) external view returns (bool found, uint256 shardId) {
        uint256 id = _shardByDigest[taskId][digest];
        return id == 0 ? (false, 0) : (true, id - 1);
    }

    function isGranted(uint256 taskId, uint256 shardId, address trainer) external view returns (bool) {
        return _granted[taskId][shardId][trainer];
    }

    /// @notice The ids of the shards `trainer` may use in the task, in the order they were granted.
    function grantsOf(uint256 taskId, address trainer) external view returns (uint256[] memory) {
        return _grantsOf[taskId][trainer];
    }

    // ---------------------------------------------------------------- internals

    function _shard(uint256 taskId, uint256 shardId) private view returns (Shard storage) {
        Shard[] storage shards = _shards[taskId];
        if (shardId >= shards.length) revert UnknownShard(taskId, shardId);
        return shards[shardId];
    }
}
