// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title StakeManager: stake per (task, role), unbonding, slashing with reasons, pull-based rewards
/// @notice Every participant stakes DEAI into a pool named by (taskId, role); task 0 is the
/// protocol-wide pool (e.g. code verifiers). Positions belong to an *owner* key, which alone can
/// stake, unstake, withdraw and claim. The owner names an *operator* key per pool that does the
/// day-to-day work (voting, submitting) and can never move funds; changing it takes effect only
/// after `operatorDelay`, so a stolen owner key cannot silently swap in its own operator, and the
/// change is announced on chain first. Unbonding stake stays slashable until withdrawn.
/// Money invariant: token.balanceOf(this) == totalStaked + totalUnclaimed (barring direct transfers).
contract StakeManager is AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Protocol contracts that may slash positions (each enforces its own rules).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice Protocol contracts that may credit rewards (they pay the tokens in).
    bytes32 public constant REWARDER_ROLE = keccak256("REWARDER_ROLE");
    /// @notice May pause user-facing operations in an emergency.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Factories that authorise a stage contract for one task (e.g. TrainingFactory).
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    uint256 public constant MAX_DELAY = 365 days;

    struct Position {
        uint256 active;
        uint256 unbonding;
        uint64 releaseAt;
    }

    struct OperatorSlot {
        address current;
        address pending;
        uint64 effectiveAt;
    }

    IERC20 public immutable token;
    uint64 public unbondingDelay;
    uint64 public operatorDelay;

    uint256 public totalStaked;
    uint256 public totalUnclaimed;

    mapping(bytes32 role => uint256) public minStake;
    mapping(address owner => uint256) public rewardsOf;

    mapping(uint256 taskId => mapping(bytes32 role => mapping(address owner => Position))) private _positions;
    mapping(uint256 taskId => mapping(bytes32 role => uint256)) public poolActive;
    mapping(uint256 taskId => mapping(bytes32 role => EnumerableSet.AddressSet)) private _stakers;
    mapping(uint256 taskId => mapping(bytes32 role => mapping(address owner => OperatorSlot))) private _operators;
    mapping(uint256 taskId => mapping(bytes32 role => mapping(address operator => address owner))) private _claimedBy;

    /// @notice Stage contracts authorised for one task: they may slash that task's pools (and no
    /// other) and credit rewards, without holding SLASHER_ROLE or REWARDER_ROLE.
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
    event RewardCredited(address indexed owner, uint256 amount, address indexed rewarder, bytes32 reason);
    event RewardClaimed(address indexed owner, address to, uint256 amount);
    event OperatorChangeRequested(
        uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator, uint64 effectiveAt
    );
    event OperatorChangeCancelled(uint256 indexed taskId, bytes32 indexed role, address indexed owner, address operator);
    event ParametersChanged(uint64 unbondingDelay, uint64 operatorDelay);
    event MinStakeChanged(bytes32 indexed role, uint256 amount);
    event TaskStageChanged(uint256 indexed taskId, address indexed stage, bool authorised, address registrar);

    error ZeroAmount();
    error ZeroAddress();
    error BelowMinimumStake(uint256 remaining, uint256 minimum);
    error InsufficientStake(uint256 requested, uint256 available);
    error NothingToWithdraw();
    error StillUnbonding(uint64 releaseAt);
    error NothingToClaim();
    error LengthMismatch();
    error OperatorTaken(address operator, address owner);
    error NoPendingOperatorChange();
    error DelayTooLong(uint64 delay, uint64 maximum);

    constructor(IERC20 token_, address admin, uint64 unbondingDelay_, uint64 operatorDelay_) {
        if (address(token_) == address(0) || admin == address(0)) revert ZeroAddress();
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _setDelays(unbondingDelay_, operatorDelay_);
    }

    // ---------------------------------------------------------------- owner side

    /// @notice Adds `amount` to the caller's position in pool (taskId, role).
    function stake(uint256 taskId, bytes32 role, uint256 amount) external whenNotPaused nonReentrant {
        _stake(taskId, role, msg.sender, amount);
    }

    /// @notice Approves by EIP-2612 signature and stakes in one transaction. A permit that was
    /// already used (front-run) is tolerated as long as the allowance is there.
    function stakeWithPermit(uint256 taskId, bytes32 role, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        whenNotPaused
        nonReentrant
    {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(taskId, role, msg.sender, amount);
    }

    /// @notice Moves `amount` from active to unbonding; it can be withdrawn after `unbondingDelay`
    /// and can still be slashed until then. A new request restarts the timer for the whole
    /// unbonding amount.
    function requestUnstake(uint256 taskId, bytes32 role, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[taskId][role][msg.sender];
        if (amount > p.active) revert InsufficientStake(amount, p.active);
        uint256 remaining = p.active - amount;
        if (remaining != 0 && remaining < minStake[role]) revert BelowMinimumStake(remaining, minStake[role]);
        p.active = remaining;
        p.unbonding += amount;
        p.releaseAt = uint64(block.timestamp) + unbondingDelay;
        poolActive[taskId][role] -= amount;
        if (remaining == 0) _stakers[taskId][role].remove(msg.sender);
        emit UnstakeRequested(taskId, role, msg.sender, amount, p.releaseAt);
    }

    /// @notice Sends the caller's unbonded stake back once the delay has passed.
    function withdraw(uint256 taskId, bytes32 role) external nonReentrant {
        Position storage p = _positions[taskId][role][msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert NothingToWithdraw();
        if (block.timestamp < p.releaseAt) revert StillUnbonding(p.releaseAt);
        p.unbonding = 0;
        totalStaked -= amount;
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(taskId, role, msg.sender, amount);
    }

    /// @notice Sends every reward credited to the caller to `to`.
    function claim(address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = rewardsOf[msg.sender];
        if (amount == 0) revert NothingToClaim();
        rewardsOf[msg.sender] = 0;
        totalUnclaimed -= amount;
        token.safeTransfer(to, amount);
        emit RewardClaimed(msg.sender, to, amount);
    }

    /// @notice Names the key that works for the caller in pool (taskId, role). Takes effect after
    /// `operatorDelay`; pass the owner's own address to work with the owner key again.
    function setOperator(uint256 taskId, bytes32 role, address operator) external whenNotPaused {
        if (operator == address(0)) revert ZeroAddress();
        OperatorSlot storage slot = _operators[taskId][role][msg.sender];
        _settle(slot);
        address holder = _claimedBy[taskId][role][operator];
        if (holder != address(0) && holder != msg.sender && _holds(taskId, role, holder, operator)) {
            revert OperatorTaken(operator, holder);
        }
        if (_stakers[taskId][role].contains(operator) && operator != msg.sender) revert OperatorTaken(operator, operator);
        _claimedBy[taskId][role][operator] = msg.sender;
        slot.pending = operator;
        slot.effectiveAt = uint64(block.timestamp) + operatorDelay;
        emit OperatorChangeRequested(taskId, role, msg.sender, operator, slot.effectiveAt);
    }

    /// @notice Withdraws a pending operator change before it takes effect (the owner noticed a
    /// change it did not make).
    function cancelOperatorChange(uint256 taskId, bytes32 role) external {
        OperatorSlot storage slot = _operators[taskId][role][msg.sender];
        _settle(slot);
        if (slot.pending == address(0)) revert NoPendingOperatorChange();
        address cancelled = slot.pending;
        slot.pending = address(0);
        slot.effectiveAt = 0;
        emit OperatorChangeCancelled(taskId, role, msg.sender, cancelled);
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
        Position storage p = _positions[taskId][role][owner];
        uint256 fromActive = amount < p.active ? amount : p.active;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < p.unbonding ? rest : p.unbonding;
        taken = fromActive + fromUnbonding;
        if (taken == 0) return 0;
        p.active -= fromActive;
        p.unbonding -= fromUnbonding;
        poolActive[taskId][role] -= fromActive;
        if (p.active == 0) _stakers[taskId][role].remove(owner);
        totalStaked -= taken;
        token.safeTransfer(beneficiary, taken);
        emit Slashed(taskId, role, owner, taken, beneficiary, reason, evidence, msg.sender);
    }

    /// @notice Pays rewards in: pulls the sum from the caller and credits each owner, to be
    /// claimed later. Open to REWARDER_ROLE holders and to stage contracts authorised for a task.
    function creditRewards(address[] calldata owners, uint256[] calldata amounts, bytes32 reason) external nonReentrant {
        if (stageTaskCount[msg.sender] == 0) _checkRole(REWARDER_ROLE);
        if (owners.length != amounts.length) revert LengthMismatch();
        uint256 sum;
        for (uint256 i = 0; i < owners.length; i++) {
            if (owners[i] == address(0)) revert ZeroAddress();
            uint256 amount = amounts[i];
            if (amount == 0) continue;
            rewardsOf[owners[i]] += amount;
            sum += amount;
            emit RewardCredited(owners[i], amount, msg.sender, reason);
        }
        if (sum == 0) revert ZeroAmount();
        totalUnclaimed += sum;
        token.safeTransferFrom(msg.sender, address(this), sum);
    }

    /// @notice Authorises (or de-authorises) `stage` for task `taskId`: it may then slash that
    /// task's pools and credit rewards. Called by a factory when it creates a task's stage contract.
    function setTaskStage(uint256 taskId, address stage, bool authorised) external onlyRole(REGISTRAR_ROLE) {
        if (stage == address(0)) revert ZeroAddress();
        if (isTaskStage[taskId][stage] == authorised) return;
        isTaskStage[taskId][stage] = authorised;
        if (authorised) stageTaskCount[stage] += 1;
        else stageTaskCount[stage] -= 1;
        emit TaskStageChanged(taskId, stage, authorised, msg.sender);
    }

    // ---------------------------------------------------------------- governance

    function setDelays(uint64 unbondingDelay_, uint64 operatorDelay_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setDelays(unbondingDelay_, operatorDelay_);
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

    /// @notice Owners with active stake in a pool, in insertion order (order changes on removal).
    function stakers(uint256 taskId, bytes32 role) external view returns (address[] memory) {
        return _stakers[taskId][role].values();
    }

    function stakerCount(uint256 taskId, bytes32 role) external view returns (uint256) {
        return _stakers[taskId][role].length();
    }

    /// @notice The key that works for `owner` in the pool now (the owner itself if none is set).
    function operatorOf(uint256 taskId, bytes32 role, address owner) external view returns (address) {
        return _effectiveOperator(taskId, role, owner);
    }

    /// @notice The pending operator change of `owner`, if any.
    function pendingOperator(uint256 taskId, bytes32 role, address owner)
        external
        view
        returns (address operator, uint64 effectiveAt)
    {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        if (slot.pending == address(0) || block.timestamp >= slot.effectiveAt) return (address(0), 0);
        return (slot.pending, slot.effectiveAt);
    }

    /// @notice The owner that `key` works for in the pool now, or address(0). An owner with no
    /// operator set works for itself.
    function ownerOfOperator(uint256 taskId, bytes32 role, address key) public view returns (address) {
        address owner = _claimedBy[taskId][role][key];
        if (owner != address(0) && _effectiveOperator(taskId, role, owner) == key) return owner;
        if (_effectiveOperator(taskId, role, key) == key) return key;
        return address(0);
    }

    /// @notice Draws up to `count` distinct owners from a pool with probability proportional to
    /// active stake, without replacement, from `seed`. Owners below `minimum` and `exclude` are
    /// not eligible. Returns fewer than `count` when fewer are eligible.
    function drawByStake(uint256 taskId, bytes32 role, bytes32 seed, uint256 count, address exclude, uint256 minimum)
        external
        view
        returns (address[] memory chosen)
    {
        address[] memory pool = _stakers[taskId][role].values();
        uint256[] memory weights = new uint256[](pool.length);
        uint256 total;
        uint256 eligible;
        for (uint256 i = 0; i < pool.length; i++) {
            uint256 w = _positions[taskId][role][pool[i]].active;
            if (pool[i] == exclude || w < minimum || w == 0) continue;
            weights[i] = w;
            total += w;
            eligible++;
        }
        if (count > eligible) count = eligible;
        chosen = new address[](count);
        for (uint256 k = 0; k < count; k++) {
            uint256 r = uint256(keccak256(abi.encode(seed, k))) % total;
            uint256 j = 0;
            while (r >= weights[j]) {
                r -= weights[j];
                j++;
            }
            chosen[k] = pool[j];
            total -= weights[j];
            weights[j] = 0;
        }
    }

    // ---------------------------------------------------------------- internals

    function _stake(uint256 taskId, bytes32 role, address owner, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[taskId][role][owner];
        uint256 active = p.active + amount;
        if (active < minStake[role]) revert BelowMinimumStake(active, minStake[role]);
        // An address that works as someone's operator in this pool cannot also be an owner there.
        address holder = _claimedBy[taskId][role][owner];
        if (holder != address(0) && holder != owner && _holds(taskId, role, holder, owner)) {
            revert OperatorTaken(owner, holder);
        }
        p.active = active;
        poolActive[taskId][role] += amount;
        totalStaked += amount;
        _stakers[taskId][role].add(owner);
        token.safeTransferFrom(owner, address(this), amount);
        emit Staked(taskId, role, owner, amount, active);
    }

    function _settle(OperatorSlot storage slot) private {
        if (slot.pending != address(0) && block.timestamp >= slot.effectiveAt) {
            slot.current = slot.pending;
            slot.pending = address(0);
            slot.effectiveAt = 0;
        }
    }

    function _effectiveOperator(uint256 taskId, bytes32 role, address owner) private view returns (address) {
        OperatorSlot storage slot = _operators[taskId][role][owner];
        address op = slot.current;
        if (slot.pending != address(0) && block.timestamp >= slot.effectiveAt) op = slot.pending;
        return op == address(0) ? owner : op;
    }

    /// @dev Whether `owner` has `key` as its operator now or as a pending change.
    function _holds(uint256 taskId, bytes32 role, address owner, address key) private view returns (bool) {
        return _effectiveOperator(taskId, role, owner) == key || _operators[taskId][role][owner].pending == key;
    }

    function _setDelays(uint64 unbondingDelay_, uint64 operatorDelay_) private {
        if (unbondingDelay_ > MAX_DELAY) revert DelayTooLong(unbondingDelay_, uint64(MAX_DELAY));
        if (operatorDelay_ > MAX_DELAY) revert DelayTooLong(operatorDelay_, uint64(MAX_DELAY));
        unbondingDelay = unbondingDelay_;
        operatorDelay = operatorDelay_;
        emit ParametersChanged(unbondingDelay_, operatorDelay_);
    }
}
