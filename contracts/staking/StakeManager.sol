// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SortitionTree} from "../sortition/SortitionTree.sol";

/// @title StakeManager: stake per (task, role), unbonding, locks, slashing with reasons, pull-based rewards
/// @notice Every participant stakes DEAI into a pool named by (taskId, role); task 0 is the
/// protocol-wide pool (e.g. code verifiers). Positions belong to an *owner* key, which alone can
/// stake, unstake, withdraw and claim. The owner names an *operator* key per pool that does the
/// day-to-day work (voting, submitting) and can never move funds; the key must accept, and the
/// change takes effect only after `operatorDelay`, so a stolen owner key cannot silently swap in
/// its own operator and nobody can claim a key that is not theirs. An owner can revoke its
/// operator at once. An owner key can be rotated to a new key after `rotationDelay`, during which
/// the old key can neither claim nor withdraw (see `requestRotation`).
///
/// Stake that backs pending work is locked: the stage judging the work (a task's training, the
/// task registry's committee) locks the position until its judgement is due, and `withdraw`
/// waits for the later of the unbonding release and the lock. Unbonding stake stays slashable
/// until withdrawn, so a slash is never escaped by unstaking.
///
/// Snapshots: every position's and every pool's active stake is checkpointed by block
/// (`stakeAt`, `poolStakeAt`), and each pool keeps a sortition tree of active stake whose
/// snapshots are taken per epoch of `epochBlocks` blocks (`drawByStake`): a draw reads stake as
/// it stood at the start of an epoch fixed before its seed was known, in O(count · log n).
///
/// Pause blocks new stake and new operators only: exits (unstake, withdraw, claim) and slashing
/// work the same whether or not the manager is paused.
/// Money invariant: token.balanceOf(this) == totalStaked + totalUnclaimed (barring direct transfers).
contract StakeManager is AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Protocol contracts that may slash and lock positions (each enforces its own rules).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice Protocol contracts that may credit rewards (they pay the tokens in).
    bytes32 public constant REWARDER_ROLE = keccak256("REWARDER_ROLE");
    /// @notice May pause new stake and new operators in an emergency.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Factories that authorise a stage contract for one task (e.g. TrainingFactory).
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    uint256 public constant MAX_DELAY = 365 days;
    /// @notice The longest a stage may lock a position ahead: a training round's five phases of
    /// at most a year each, and more.
    uint256 public constant MAX_LOCK = 10 * MAX_DELAY;

    /// @dev Active stake and the two times share a slot, so locking a staked position rewrites
    /// a slot rather than filling a new one.
    struct Position {
        uint128 active;
        uint64 releaseAt; // when the unbonding stake may be withdrawn
        uint64 lockedUntil; // pending work of this position is judged by then: nothing leaves before
        uint256 unbonding;
    }

    struct OperatorSlot {
        address current;
        address pending;
        uint64 effectiveAt;
        bool accepted; // the pending key agreed to work for this owner
    }

    /// @dev A requested owner-key rotation: `to` takes the owner's rewards and positions from `readyAt`.
    struct Rotation {
        address to;
        uint64 readyAt;
        bool disputed; // two different new keys were asked for: frozen until governance resolves it
    }

    IERC20 public immutable token;
    /// @notice Blocks per sortition epoch: draws read stake as of the start of an epoch.
    uint64 public immutable epochBlocks;
    uint64 public unbondingDelay;
    uint64 public operatorDelay;
    uint64 public rotationDelay;

    uint256 public totalStaked;
    uint256 public totalUnclaimed;

    mapping(bytes32 role => uint256) public minStake;

    /// @notice Per-block checkpoints of stake (`stakeAt`, `poolStakeAt`) are kept for the roles with this flag.
    uint8 public constant CHECKPOINTS = 1;
    /// @notice A sortition tree (`drawByStake`) is kept for the roles with this flag.
    uint8 public constant SORTITION = 2;
    /// @notice What is kept per role beyond balances (CHECKPOINTS, SORTITION): only roles whose
    /// stake is weighed at a past block or drawn from pay for it on every stake change.
    mapping(bytes32 role => uint8) public tracking;
    /// @notice Whether anyone ever staked in a pool of this role (tracking is fixed from then on).
    mapping(bytes32 role => bool) public roleUsed;
    mapping(address owner => uint256) public rewardsOf;

    mapping(uint256 taskId => mapping(bytes32 role => mapping(address owner => Position))) private _positions;
    mapping(uint256 taskId => mapping(bytes32 role => uint256)) public poolActive;
    mapping(uint256 taskId => mapping(bytes32 role => mapping(address owner => OperatorSlot))) private _operators;
    mapping(uint256 taskId => mapping(bytes32 role => mapping(address operator => address owner))) private _claimedBy;
    mapping(uint256 taskId => mapping(bytes32 role => mapping(address owner => Checkpoints.Trace208))) private _activeHistory;
    mapping(uint256 taskId => mapping(bytes32 role => Checkpoints.Trace208)) private _poolHistory;
    mapping(uint256 taskId => mapping(bytes32 role => SortitionTree.Tree)) private _trees;

    /// @notice A pending (or disputed) owner-key rotation of `owner`.
    mapping(address owner => Rotation) public rotationOf;
    /// @notice The key an owner rotated to (zero while it has not).
    mapping(address owner => address) public rotatedTo;

    /// @notice Stage contracts authorised for one task: they may slash and lock that task's pools
    /// (and no other) and credit rewards, without holding SLASHER_ROLE or REWARDER_ROLE.
    mapping(uint256 taskId => mapping(address stage => bool)) public isTaskStage;
    /// @notice How many tasks a stage contract is authorised for (crediting needs at least one).
    mapping(address stage => uint256) public stageTaskCount;

    event Staked(uint256 indexed taskId, bytes32 indexed role, address indexed owner, uint256 amount, uint256 active);
    event UnstakeRequested(uint256 indexed taskId, bytes32 indexed role, address indexed owner, uint256 amount, uint64 releaseAt);
    event Withdrawn(uint256 indexed taskId, bytes32 indexed role, address indexed owner, uint256 amount);
    event Slashed(
        uint256 indexed taskId,
        bytes32 indexed role,
        address indexed owner,
        uint256 amount,
        address beneficiary,
        bytes32 reason,
        bytes32 evidence,
        address slasher
    );
    event Locked(uint256 indexed taskId, bytes32 indexed role, address indexed owner, uint64 until, address stage);
    event RewardCredited(address indexed owner, uint256 amount, address indexed rewarder, bytes32 reason);
    event RewardClaimed(address indexed owner, address to, uint256 amount);
    event OperatorChangeRequested(
        uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator, uint64 effectiveAt
    );
    event OperatorAccepted(uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator);
    event OperatorChangeCancelled(uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator);
    event OperatorRemoved(uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator, address by);
    event RotationRequested(address indexed owner, address indexed to, uint64 readyAt);
    event RotationDisputed(address indexed owner, address first, address second);
    event RotationDeclined(address indexed owner, address indexed to);
    event RotationCompleted(address indexed owner, address indexed to, uint256 rewards);
    event RotationResolved(address indexed owner, address indexed to, address by);
    event PositionMigrated(uint256 indexed taskId, bytes32 indexed role, address indexed from, address to, uint256 active, uint256 unbonding);
    event ParametersChanged(uint64 unbondingDelay, uint64 operatorDelay, uint64 rotationDelay);
    event MinStakeChanged(bytes32 indexed role, uint256 amount);
    event TrackingEnabled(bytes32 indexed role, uint8 flags);
    event TaskStageChanged(uint256 indexed taskId, address indexed stage, bool authorised, address registrar);

    /// @notice An amount is zero.
    /// @custom:fix use an amount greater than zero
    error ZeroAmount();
    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice The stake left in the pool would be above zero but below the minimum.
    /// @custom:fix keep at least {minimum} wei staked in this pool, or unstake everything
    error BelowMinimumStake(uint256 remaining, uint256 minimum);
    /// @notice The pool holds less active stake than asked for.
    /// @custom:fix you have {available} wei active in this pool
    error InsufficientStake(uint256 requested, uint256 available);
    /// @notice No unstaked amount is waiting to be withdrawn.
    /// @custom:fix request an unstake first (deai unstake), then withdraw after the unbonding delay
    error NothingToWithdraw();
    /// @notice The unstaked amount is still unbonding.
    /// @custom:fix wait until {releaseAt:time} (chain time) and withdraw again
    error StillUnbonding(uint64 releaseAt);
    /// @notice The position is locked behind pending work.
    /// @custom:fix pending work of this position is judged by {lockedUntil:time} (chain time); withdraw after that
    error PositionLocked(uint64 lockedUntil);
    /// @notice No rewards are waiting for this owner.
    /// @custom:fix no rewards are waiting for this owner key; rewards are credited to owners, not operators
    error NothingToClaim();
    /// @notice The lists of owners and amounts differ in length.
    /// @custom:fix pass as many amounts as owners
    error LengthMismatch();
    /// @notice A share is above 10,000 basis points.
    /// @custom:fix a slash share is at most 10,000 basis points, not {bps}
    error ShareTooLarge(uint16 bps);
    /// @notice The role keeps no stake history or sortition tree.
    /// @custom:fix this role keeps no stake history (checkpoints) or sortition tree; governance enables it before anyone stakes in the role
    error NotTracked(bytes32 role, uint8 needed);
    /// @notice Someone has already staked in the role.
    /// @custom:fix tracking can only be enabled for a role nobody has staked in yet: a history begun later would be wrong about the past
    error RoleInUse(bytes32 role);
    /// @notice The tracking flags are not a known combination.
    /// @custom:fix tracking flags are CHECKPOINTS (1), SORTITION (2) or both (3), not {flags}
    error UnknownTracking(uint8 flags);
    /// @notice The key is already an operator or staked in this pool.
    /// @custom:fix choose a key that is not another owner's operator nor staked in this pool
    error OperatorTaken(address operator, address owner);
    /// @notice There is no operator change to cancel.
    /// @custom:fix there is no pending operator change to cancel
    error NoPendingOperatorChange();
    /// @notice The key is not the operator the owner named.
    /// @custom:fix {key} is not the key {owner} named (or has already accepted); the owner names it first with deai operator set
    error NotPendingOperator(address key, address owner);
    /// @notice The key does not work for this owner in this pool.
    /// @custom:fix {key} does not work for {owner} in this pool
    error NotOperator(address key, address owner);
    /// @notice A delay is above its maximum.
    /// @custom:fix use at most {maximum} seconds
    error DelayTooLong(uint64 delay, uint64 maximum);
    /// @notice A lock would last beyond the maximum.
    /// @custom:fix a stage may lock a position until {maximum:time} at most
    error LockTooLong(uint64 until, uint64 maximum);
    /// @notice A sortition epoch is shorter than 2 blocks.
    /// @custom:fix a sortition epoch is at least 2 blocks
    error InvalidEpochBlocks();
    /// @notice Stake was asked for at a block not yet final.
    /// @custom:fix stake is known only for past blocks; ask for a block before {current}, not {blockNumber}
    error FutureLookup(uint256 blockNumber, uint256 current);
    /// @notice The draw's stake snapshot is too old.
    /// @custom:fix the draw's snapshot is of sortition epoch {epoch}, now {current}: draw within the window, or let the task be abandoned
    error SnapshotExpired(uint64 epoch, uint64 current);
    /// @notice A rotation of this owner key is pending.
    /// @custom:fix a rotation to {to} is pending until {readyAt:time}; the new key completes it (deai rotation complete), or declines it
    error RotationPending(address to, uint64 readyAt);
    /// @notice Two different new keys were asked for: the rotation is frozen.
    /// @custom:fix two different new keys were asked for: the rotation is frozen until governance resolves it
    error RotationDisputedFrozen(address owner);
    /// @notice The owner has no rotation pending.
    /// @custom:fix {owner} has no rotation pending (deai rotation show)
    error NoRotation(address owner);
    /// @notice The rotation delay has not passed.
    /// @custom:fix complete the rotation after {readyAt:time} (chain time)
    error RotationNotReady(uint64 readyAt);
    /// @notice Only the new key of the rotation may do this.
    /// @custom:fix only the new key {to} can do this
    error NotRotationTarget(address key, address to);
    /// @notice The owner key has rotated to a new key.
    /// @custom:fix this owner key rotated to {to}: act with that key (positions move with deai rotation migrate)
    error OwnerRotated(address owner, address to);
    /// @notice The new key of a rotation is not a fresh key.
    /// @custom:fix rotate to a fresh key: not zero, not the same key, not a key that rotated away itself
    error InvalidRotationTarget(address to);

    /// @param epochBlocks_ blocks per sortition epoch; a committee's whole draw window must fit in one.
    constructor(
        IERC20 token_,
        address admin,
        uint64 unbondingDelay_,
        uint64 operatorDelay_,
        uint64 rotationDelay_,
        uint64 epochBlocks_
    ) {
        if (address(token_) == address(0) || admin == address(0)) revert ZeroAddress();
        if (epochBlocks_ < 2 || epochBlocks_ > 1_000_000) revert InvalidEpochBlocks();
        token = token_;
        epochBlocks = epochBlocks_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _setDelays(unbondingDelay_, operatorDelay_, rotationDelay_);
    }

    // ---------------------------------------------------------------- owner side

    /// @notice Adds `amount` to the caller's position in pool (taskId, role).
    function stake(uint256 taskId, bytes32 role, uint256 amount) external whenNotPaused nonReentrant {
        _stake(taskId, role, msg.sender, msg.sender, amount);
    }

    /// @notice Adds `amount`, paid by the caller, to `owner`'s position (a gift: the position and
    /// everything it earns are the owner's).
    function stakeFor(uint256 taskId, bytes32 role, address owner, uint256 amount) external whenNotPaused nonReentrant {
        if (owner == address(0)) revert ZeroAddress();
        _stake(taskId, role, owner, msg.sender, amount);
    }

    /// @notice Approves by EIP-2612 signature and stakes in one transaction. A permit that was
    /// already used (front-run) is tolerated as long as the allowance is there.
    function stakeWithPermit(uint256 taskId, bytes32 role, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        whenNotPaused
        nonReentrant
    {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(taskId, role, msg.sender, msg.sender, amount);
    }

    /// @notice Moves `amount` from active to unbonding; it can be withdrawn after `unbondingDelay`
    /// (and after any lock) and can still be slashed until then. Unbonding stake counts for no
    /// draw and no weight. A new request restarts the timer for the whole unbonding amount.
    function requestUnstake(uint256 taskId, bytes32 role, uint256 amount) external nonReentrant {
        _checkOwner(msg.sender);
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[taskId][role][msg.sender];
        if (amount > p.active) revert InsufficientStake(amount, p.active);
        uint256 remaining = p.active - amount;
        if (remaining != 0 && remaining < minStake[role]) revert BelowMinimumStake(remaining, minStake[role]);
        p.unbonding += amount;
        p.releaseAt = uint64(block.timestamp) + unbondingDelay;
        _setActive(taskId, role, msg.sender, p, remaining);
        emit UnstakeRequested(taskId, role, msg.sender, amount, p.releaseAt);
    }

    /// @notice Sends the caller's unbonded stake back once the delay has passed and no pending
    /// work locks it.
    function withdraw(uint256 taskId, bytes32 role) external nonReentrant {
        _checkOwner(msg.sender);
        _checkNotRotating(msg.sender);
        Position storage p = _positions[taskId][role][msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert NothingToWithdraw();
        if (block.timestamp < p.releaseAt) revert StillUnbonding(p.releaseAt);
        if (block.timestamp < p.lockedUntil) revert PositionLocked(p.lockedUntil);
        p.unbonding = 0;
        totalStaked -= amount;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(taskId, role, msg.sender, amount);
    }

    /// @notice Sends every reward credited to the caller to `to`.
    function claim(address to) external nonReentrant {
        _checkOwner(msg.sender);
        _checkNotRotating(msg.sender);
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = rewardsOf[msg.sender];
        if (amount == 0) revert NothingToClaim();
        rewardsOf[msg.sender] = 0;
        totalUnclaimed -= amount;
        token.safeTransfer(to, amount);
        emit RewardClaimed(msg.sender, to, amount);
    }

    // ---------------------------------------------------------------- operators

    /// @notice Names the key that works for the caller in pool (taskId, role). The key must
    /// accept (`acceptOperator`); the change takes effect at the later of the acceptance and
    /// `operatorDelay` after this request. Pass the owner's own address to go back to working
    /// with the owner key (no acceptance needed; `revokeOperator` does it at once).
    function setOperator(uint256 taskId, bytes32 role, address operator) external whenNotPaused {
        _checkOwner(msg.sender);
        if (operator == address(0)) revert ZeroAddress();
        OperatorSlot storage slot = _operators[taskId][role][msg.sender];
        _settle(taskId, role, msg.sender, slot);
        _releasePending(taskId, role, msg.sender, slot);
        slot.pending = operator;
        slot.effectiveAt = uint64(block.timestamp) + operatorDelay;
        slot.accepted = operator == msg.sender;
        emit OperatorChangeRequested(taskId, role, msg.sender, operator, slot.effectiveAt);
    }

    /// @notice The named key agrees to work for `owner` in the pool. A key can work for one owner
    /// per pool and cannot also stake there.
    function acceptOperator(uint256 taskId, bytes32 role, address owner) external {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        _settle(taskId, role, owner, slot);
        if (slot.pending != msg.sender || slot.accepted) revert NotPendingOperator(msg.sender, owner);
        address holder = _claimedBy[taskId][role][msg.sender];
        if (holder != address(0) && holder != owner && _holds(taskId, role, holder, msg.sender)) {
            revert OperatorTaken(msg.sender, holder);
        }
        if (_positions[taskId][role][msg.sender].active != 0) revert OperatorTaken(msg.sender, msg.sender);
        _claimedBy[taskId][role][msg.sender] = owner;
        slot.accepted = true;
        emit OperatorAccepted(taskId, role, owner, msg.sender);
    }

    /// @notice Withdraws a pending operator change before it takes effect (the owner noticed a
    /// change it did not make).
    function cancelOperatorChange(uint256 taskId, bytes32 role) external {
        OperatorSlot storage slot = _operators[taskId][role][msg.sender];
        _settle(taskId, role, msg.sender, slot);
        if (slot.pending == address(0)) revert NoPendingOperatorChange();
        address cancelled = slot.pending;
        _releasePending(taskId, role, msg.sender, slot);
        emit OperatorChangeCancelled(taskId, role, msg.sender, cancelled);
    }

    /// @notice The owner removes its operator (current and pending) at once and works with its
    /// own key again: a stolen operator key is cut off without waiting for any delay.
    function revokeOperator(uint256 taskId, bytes32 role) external {
        OperatorSlot storage slot = _operators[taskId][role][msg.sender];
        _settle(taskId, role, msg.sender, slot);
        address removed = slot.current;
        _releasePending(taskId, role, msg.sender, slot);
        _release(taskId, role, msg.sender, slot.current);
        slot.current = address(0);
        emit OperatorRemoved(taskId, role, msg.sender, removed, msg.sender);
    }

    /// @notice An operator key stops working for `owner` (current or pending): nobody can keep a
    /// key bound to them against its holder's will.
    function resignOperator(uint256 taskId, bytes32 role, address owner) external {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        _settle(taskId, role, owner, slot);
        if (slot.current == msg.sender) {
            _release(taskId, role, owner, msg.sender);
            slot.current = address(0);
        } else if (slot.pending == msg.sender) {
            _releasePending(taskId, role, owner, slot);
        } else {
            revert NotOperator(msg.sender, owner);
        }
        emit OperatorRemoved(taskId, role, owner, msg.sender, msg.sender);
    }

    // ---------------------------------------------------------------- owner-key rotation

    /// @notice Starts moving everything the caller owns to the key `to`: after `rotationDelay`,
    /// `to` completes the rotation and takes the rewards, then each pool's position (once no
    /// pending work locks it, `migratePosition`). Until then the caller can neither claim nor
    /// withdraw. A second request for a different key freezes the rotation as disputed until
    /// governance resolves it: a thief holding the same key can stop the owner's rotation but
    /// cannot complete its own or drain anything meanwhile.
    function requestRotation(address to) external {
        _checkOwner(msg.sender);
        if (to == address(0) || to == msg.sender || rotatedTo[to] != address(0)) revert InvalidRotationTarget(to);
        Rotation storage r = rotationOf[msg.sender];
        if (r.disputed) revert RotationDisputedFrozen(msg.sender);
        if (r.to == address(0)) {
            r.to = to;
            r.readyAt = uint64(block.timestamp) + rotationDelay;
            emit RotationRequested(msg.sender, to, r.readyAt);
        } else if (r.to == to) {
            revert RotationPending(r.to, r.readyAt);
        } else {
            r.disputed = true;
            emit RotationDisputed(msg.sender, r.to, to);
        }
    }

    /// @notice The key named in a pending rotation refuses it (undisputed rotations only).
    function declineRotation(address owner) external {
        Rotation storage r = rotationOf[owner];
        if (r.to == address(0)) revert NoRotation(owner);
        if (r.disputed) revert RotationDisputedFrozen(owner);
        if (r.to != msg.sender) revert NotRotationTarget(msg.sender, r.to);
        delete rotationOf[owner];
        emit RotationDeclined(owner, msg.sender);
    }

    /// @notice The new key completes the rotation of `owner` once ready and takes its rewards.
    function completeRotation(address owner) external {
        Rotation storage r = rotationOf[owner];
        if (r.to == address(0)) revert NoRotation(owner);
        if (r.disputed) revert RotationDisputedFrozen(owner);
        if (r.to != msg.sender) revert NotRotationTarget(msg.sender, r.to);
        if (block.timestamp < r.readyAt) revert RotationNotReady(r.readyAt);
        if (rotatedTo[msg.sender] != address(0)) revert InvalidRotationTarget(msg.sender);
        _rotate(owner, msg.sender);
    }

    /// @notice Governance settles a disputed (or any pending) rotation: to `to`, or cancels it with
    /// `to == address(0)`.
    function resolveRotation(address owner, address to) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (rotationOf[owner].to == address(0)) revert NoRotation(owner);
        if (to == owner || (to != address(0) && rotatedTo[to] != address(0))) revert InvalidRotationTarget(to);
        emit RotationResolved(owner, to, msg.sender);
        if (to == address(0)) delete rotationOf[owner];
        else _rotate(owner, to);
    }

    /// @notice Moves a rotated owner's position in one pool to its new key (anyone may send it),
    /// once no pending work locks it; it merges into any position the new key has. A draw may
    /// still pick the old owner from a snapshot taken before the move: locks and slashes of a
    /// rotated owner reach its new key's position too, so the stake still answers for the seat.
    function migratePosition(uint256 taskId, bytes32 role, address from) external nonReentrant {
        address to = rotatedTo[from];
        if (to == address(0)) revert NoRotation(from);
        Position storage p = _positions[taskId][role][from];
        if (block.timestamp < p.lockedUntil) revert PositionLocked(p.lockedUntil);
        address holder = _claimedBy[taskId][role][to];
        if (holder != address(0) && holder != to && _holds(taskId, role, holder, to)) revert OperatorTaken(to, holder);
        Position storage q = _positions[taskId][role][to];
        uint256 active = p.active;
        uint256 unbonding = p.unbonding;
        if (p.releaseAt > q.releaseAt) q.releaseAt = p.releaseAt;
        q.unbonding += unbonding;
        p.unbonding = 0;
        _setActive(taskId, role, from, p, 0);
        _setActive(taskId, role, to, q, q.active + active);
        OperatorSlot storage slot = _operators[taskId][role][from];
        _releasePending(taskId, role, from, slot);
        _release(taskId, role, from, slot.current);
        slot.current = address(0);
        emit PositionMigrated(taskId, role, from, to, active, unbonding);
    }

    // ---------------------------------------------------------------- protocol side

    /// @notice Takes up to `amount` from a position (active first, then unbonding) and sends it
    /// to `beneficiary`, with the reason and evidence (e.g. a task id or record hash) on chain.
    /// @return taken the amount actually slashed (less than `amount` if the position is smaller).
    function slash(
        uint256 taskId,
        bytes32 role,
        address owner,
        uint256 amount,
        address beneficiary,
        bytes32 reason,
        bytes32 evidence
    ) external nonReentrant returns (uint256 taken) {
        if (!isTaskStage[taskId][msg.sender]) _checkRole(SLASHER_ROLE);
        if (beneficiary == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        taken = _take(taskId, role, owner, amount, 0, beneficiary, reason, evidence);
        if (taken == 0) return 0;
        totalStaked -= taken;
        token.safeTransfer(beneficiary, taken);
    }

    /// @notice Slashes each of `owners` `bps` of its stake in the pool (active plus unbonding), one
    /// reason and evidence each, and sends the total to `beneficiary` in one transfer: what a
    /// settlement judging many participants at once calls.
    /// @return total what was taken from them all.
    function slashShares(
        uint256 taskId,
        bytes32 role,
        address[] calldata owners,
        uint16 bps,
        address beneficiary,
        bytes32[] calldata reasons,
        bytes32[] calldata evidence
    ) external nonReentrant returns (uint256 total) {
        if (!isTaskStage[taskId][msg.sender]) _checkRole(SLASHER_ROLE);
        if (beneficiary == address(0)) revert ZeroAddress();
        if (owners.length != reasons.length || owners.length != evidence.length) revert LengthMismatch();
        if (bps > 10_000) revert ShareTooLarge(bps);
        for (uint256 i = 0; i < owners.length; i++) {
            total += _take(taskId, role, owners[i], 0, bps, beneficiary, reasons[i], evidence[i]);
        }
        if (total == 0) return 0;
        totalStaked -= total;
        token.safeTransfer(beneficiary, total);
    }

    /// @notice Keeps a position from being withdrawn (or migrated) before `until`: the stage
    /// judges work the position backs by then. Locks only ever extend.
    function lock(uint256 taskId, bytes32 role, address owner, uint64 until) external {
        if (!isTaskStage[taskId][msg.sender]) _checkRole(SLASHER_ROLE);
        uint64 maximum = uint64(block.timestamp + MAX_LOCK);
        if (until > maximum) revert LockTooLong(until, maximum);
        // A rotated owner's stake may have moved to its new key: lock every position on the way.
        for (address key = owner; key != address(0); key = rotatedTo[key]) {
            Position storage p = _positions[taskId][role][key];
            if (until > p.lockedUntil) p.lockedUntil = until;
            emit Locked(taskId, role, key, until, msg.sender);
        }
    }

    /// @notice Pays rewards in: pulls the sum from the caller and credits each owner (or the key
    /// it rotated to), to be claimed later. Open to REWARDER_ROLE holders and to stage contracts
    /// authorised for a task.
    function creditRewards(address[] calldata owners, uint256[] calldata amounts, bytes32 reason) external nonReentrant {
        if (stageTaskCount[msg.sender] == 0) _checkRole(REWARDER_ROLE);
        if (owners.length != amounts.length) revert LengthMismatch();
        uint256 sum;
        for (uint256 i = 0; i < owners.length; i++) {
            address owner = owners[i];
            if (owner == address(0)) revert ZeroAddress();
            uint256 amount = amounts[i];
            if (amount == 0) continue;
            // Follow every rotation: each completed one waited its delay, so chains stay short.
            owner = currentOwner(owner);
            rewardsOf[owner] += amount;
            sum += amount;
            emit RewardCredited(owner, amount, msg.sender, reason);
        }
        if (sum == 0) revert ZeroAmount();
        totalUnclaimed += sum;
        token.safeTransferFrom(msg.sender, address(this), sum);
    }

    /// @notice Authorises (or de-authorises) `stage` for task `taskId`: it may then slash and lock
    /// that task's pools and credit rewards. Called by a factory when it creates a task's stage.
    function setTaskStage(uint256 taskId, address stage, bool authorised) external onlyRole(REGISTRAR_ROLE) {
        if (stage == address(0)) revert ZeroAddress();
        if (isTaskStage[taskId][stage] == authorised) return;
        isTaskStage[taskId][stage] = authorised;
        if (authorised) stageTaskCount[stage] += 1;
        else stageTaskCount[stage] -= 1;
        emit TaskStageChanged(taskId, stage, authorised, msg.sender);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Changes the delays; each applies to requests made from then on.
    function setDelays(uint64 unbondingDelay_, uint64 operatorDelay_, uint64 rotationDelay_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setDelays(unbondingDelay_, operatorDelay_, rotationDelay_);
    }

    /// @notice Starts keeping checkpoints and/or a sortition tree for a role no one has staked in
    /// yet (a history begun later would be wrong about the past).
    function enableTracking(bytes32 role, uint8 flags) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (flags == 0 || flags & ~(CHECKPOINTS | SORTITION) != 0) revert UnknownTracking(flags);
        if (roleUsed[role]) revert RoleInUse(role);
        tracking[role] |= flags;
        emit TrackingEnabled(role, tracking[role]);
    }

    function setMinStake(bytes32 role, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        minStake[role] = amount;
        emit MinStakeChanged(role, amount);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    function positionOf(uint256 taskId, bytes32 role, address owner) external view returns (Position memory) {
        return _positions[taskId][role][owner];
    }

    function activeStake(uint256 taskId, bytes32 role, address owner) external view returns (uint256) {
        return _positions[taskId][role][owner].active;
    }

    /// @notice `owner`'s active stake in the pool at the end of block `blockNumber` (a past block).
    function stakeAt(uint256 taskId, bytes32 role, address owner, uint256 blockNumber) external view returns (uint256) {
        _checkTracking(role, CHECKPOINTS);
        return _activeHistory[taskId][role][owner].upperLookupRecent(_pastBlock(blockNumber));
    }

    /// @notice The pool's active stake at the end of block `blockNumber` (a past block).
    function poolStakeAt(uint256 taskId, bytes32 role, uint256 blockNumber) external view returns (uint256) {
        _checkTracking(role, CHECKPOINTS);
        return _poolHistory[taskId][role].upperLookupRecent(_pastBlock(blockNumber));
    }

    /// @notice The key that works for `owner` in the pool now (the owner itself if none is set).
    function operatorOf(uint256 taskId, bytes32 role, address owner) external view returns (address) {
        return _effectiveOperator(taskId, role, owner);
    }

    /// @notice The pending operator change of `owner`, if any, and whether the key accepted it.
    function pendingOperator(uint256 taskId, bytes32 role, address owner)
        external
        view
        returns (address operator, uint64 effectiveAt, bool accepted)
    {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        if (slot.pending == address(0) || (slot.accepted && block.timestamp >= slot.effectiveAt)) return (address(0), 0, false);
        return (slot.pending, slot.effectiveAt, slot.accepted);
    }

    /// @notice The owner that `key` works for in the pool now, or address(0). An owner with no
    /// operator set works for itself, unless it rotated away (a rotated key is presumed lost).
    function ownerOfOperator(uint256 taskId, bytes32 role, address key) public view returns (address) {
        address owner = _claimedBy[taskId][role][key];
        if (owner != address(0) && _effectiveOperator(taskId, role, owner) == key) return owner;
        if (rotatedTo[key] == address(0) && _effectiveOperator(taskId, role, key) == key) return key;
        return address(0);
    }

    /// @notice The key `owner` rotated to, through every rotation since (itself if it never rotated).
    function currentOwner(address owner) public view returns (address) {
        for (address next = rotatedTo[owner]; next != address(0); next = rotatedTo[owner]) owner = next;
        return owner;
    }

    /// @notice The current sortition epoch (1-based).
    function currentEpoch() public view returns (uint64) {
        return epochOf(block.number);
    }

    /// @notice The sortition epoch a block belongs to.
    function epochOf(uint256 blockNumber) public view returns (uint64) {
        return uint64(blockNumber / epochBlocks) + 1;
    }

    /// @notice The pool's active stake at the start of sortition epoch `epoch` (the current one).
    function drawableStake(uint256 taskId, bytes32 role, uint64 epoch) external view returns (uint256) {
        _checkTracking(role, SORTITION);
        _checkEpoch(epoch);
        return SortitionTree.totalAt(_trees[taskId][role], epoch);
    }

    /// @notice Draws up to `count` distinct owners from a pool with probability proportional to
    /// their active stake at the start of sortition epoch `epoch`, without replacement, from
    /// `seed`. `epoch` must still be the current epoch (a draw's snapshot is fixed before its seed
    /// is known; stake changed after the epoch began is not seen). Owners below `minimum` and
    /// `exclude` are not eligible. Returns fewer than `count` when fewer are eligible.
    function drawByStake(uint256 taskId, bytes32 role, bytes32 seed, uint256 count, address exclude, uint256 minimum, uint64 epoch)
        external
        view
        returns (address[] memory chosen)
    {
        _checkTracking(role, SORTITION);
        _checkEpoch(epoch);
        return SortitionTree.draw(_trees[taskId][role], seed, count, epoch, exclude, minimum);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Takes `amount` (or, if `bps` is set, that share of active plus unbonding) from the
    /// position, active first, and books it; the caller moves the tokens. A rotated owner whose
    /// stake moved to its new key is judged there.
    function _take(
        uint256 taskId,
        bytes32 role,
        address owner,
        uint256 amount,
        uint16 bps,
        address beneficiary,
        bytes32 reason,
        bytes32 evidence
    ) private returns (uint256 taken) {
        while (_positions[taskId][role][owner].active == 0 && _positions[taskId][role][owner].unbonding == 0) {
            address next = rotatedTo[owner];
            if (next == address(0)) break;
            owner = next;
        }
        Position storage p = _positions[taskId][role][owner];
        uint256 active = p.active;
        if (bps != 0) amount = ((active + p.unbonding) * bps) / 10_000;
        uint256 fromActive = amount < active ? amount : active;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < p.unbonding ? rest : p.unbonding;
        taken = fromActive + fromUnbonding;
        if (taken == 0) return 0;
        p.unbonding -= fromUnbonding;
        if (fromActive > 0) _setActive(taskId, role, owner, p, active - fromActive);
        emit Slashed(taskId, role, owner, taken, beneficiary, reason, evidence, msg.sender);
    }

    function _stake(uint256 taskId, bytes32 role, address owner, address payer, uint256 amount) private {
        _checkOwner(owner);
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[taskId][role][owner];
        uint256 active = p.active + amount;
        if (active < minStake[role]) revert BelowMinimumStake(active, minStake[role]);
        // An address that works as someone's operator in this pool cannot also be an owner there.
        address holder = _claimedBy[taskId][role][owner];
        if (holder != address(0) && holder != owner && _holds(taskId, role, holder, owner)) {
            revert OperatorTaken(owner, holder);
        }
        if (!roleUsed[role]) roleUsed[role] = true;
        totalStaked += amount;
        _setActive(taskId, role, owner, p, active);
        token.safeTransferFrom(payer, address(this), amount);
        emit Staked(taskId, role, owner, amount, active);
    }

    /// @dev The one place active stake changes: the position, the pool total, the staker set,
    /// both checkpoint histories and the sortition tree move together.
    function _setActive(uint256 taskId, bytes32 role, address owner, Position storage p, uint256 active) private {
        uint256 before = p.active;
        if (active == before) return;
        p.active = SafeCast.toUint128(active);
        uint256 pool = poolActive[taskId][role] + active - before;
        poolActive[taskId][role] = pool;
        uint8 flags = tracking[role];
        if (flags & CHECKPOINTS != 0) {
            uint48 key = SafeCast.toUint48(block.number);
            _activeHistory[taskId][role][owner].push(key, SafeCast.toUint208(active));
            _poolHistory[taskId][role].push(key, SafeCast.toUint208(pool));
        }
        if (flags & SORTITION != 0) SortitionTree.set(_trees[taskId][role], owner, active, currentEpoch());
    }

    function _rotate(address owner, address to) private {
        delete rotationOf[owner];
        rotatedTo[owner] = to;
        uint256 rewards = rewardsOf[owner];
        if (rewards > 0) {
            rewardsOf[owner] = 0;
            rewardsOf[to] += rewards;
        }
        emit RotationCompleted(owner, to, rewards);
    }

    /// @dev Owners that rotated away act through their new key only.
    function _checkOwner(address owner) private view {
        address to = rotatedTo[owner];
        if (to != address(0)) revert OwnerRotated(owner, to);
    }

    function _checkNotRotating(address owner) private view {
        Rotation storage r = rotationOf[owner];
        if (r.disputed) revert RotationDisputedFrozen(owner);
        if (r.to != address(0)) revert RotationPending(r.to, r.readyAt);
    }

    function _checkTracking(bytes32 role, uint8 needed) private view {
        if (tracking[role] & needed != needed) revert NotTracked(role, needed);
    }

    function _checkEpoch(uint64 epoch) private view {
        uint64 current = currentEpoch();
        if (epoch != current) revert SnapshotExpired(epoch, current);
    }

    function _pastBlock(uint256 blockNumber) private view returns (uint48) {
        if (blockNumber >= block.number) revert FutureLookup(blockNumber, block.number);
        return SafeCast.toUint48(blockNumber);
    }

    /// @dev Makes an accepted pending change current once its delay has passed.
    function _settle(uint256 taskId, bytes32 role, address owner, OperatorSlot storage slot) private {
        if (slot.pending != address(0) && slot.accepted && block.timestamp >= slot.effectiveAt) {
            if (slot.current != slot.pending) _release(taskId, role, owner, slot.current);
            slot.current = slot.pending;
            slot.pending = address(0);
            slot.effectiveAt = 0;
            slot.accepted = false;
        }
    }

    /// @dev Drops the pending change and frees its key's claim.
    function _releasePending(uint256 taskId, bytes32 role, address owner, OperatorSlot storage slot) private {
        address pending = slot.pending;
        if (pending == address(0)) return;
        slot.pending = address(0);
        slot.effectiveAt = 0;
        slot.accepted = false;
        if (pending != slot.current) _release(taskId, role, owner, pending);
    }

    /// @dev Frees `key`'s claim if `owner` holds it.
    function _release(uint256 taskId, bytes32 role, address owner, address key) private {
        if (key != address(0) && _claimedBy[taskId][role][key] == owner) delete _claimedBy[taskId][role][key];
    }

    function _effectiveOperator(uint256 taskId, bytes32 role, address owner) private view returns (address) {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        address op = slot.current;
        if (slot.pending != address(0) && slot.accepted && block.timestamp >= slot.effectiveAt) op = slot.pending;
        return op == address(0) ? owner : op;
    }

    /// @dev Whether `owner` has `key` as its operator now or as an accepted pending change.
    function _holds(uint256 taskId, bytes32 role, address owner, address key) private view returns (bool) {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        return _effectiveOperator(taskId, role, owner) == key || (slot.pending == key && slot.accepted);
    }

    function _setDelays(uint64 unbondingDelay_, uint64 operatorDelay_, uint64 rotationDelay_) private {
        if (unbondingDelay_ > MAX_DELAY) revert DelayTooLong(unbondingDelay_, uint64(MAX_DELAY));
        if (operatorDelay_ > MAX_DELAY) revert DelayTooLong(operatorDelay_, uint64(MAX_DELAY));
        if (rotationDelay_ > MAX_DELAY) revert DelayTooLong(rotationDelay_, uint64(MAX_DELAY));
        unbondingDelay = unbondingDelay_;
        operatorDelay = operatorDelay_;
        rotationDelay = rotationDelay_;
        emit ParametersChanged(unbondingDelay_, operatorDelay_, rotationDelay_);
    }
}
