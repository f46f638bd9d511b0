// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {StakeManager} from "../staking/StakeManager.sol";

/// @title TaskRegistry: task proposing, checked by a stake-drawn code-verification committee
/// @notice A proposer escrows a reward budget and a bond and proposes a task by the CID of its
/// spec. A committee of verifiers is drawn from the protocol-wide verifier pool (task 0, role
/// VERIFIER) with probability proportional to stake as it stood just before the seed block (the
/// first block of a sortition epoch), a snapshot fixed before the seed is known, so no stake
/// change made after the seed is out can steer the draw. The seed combines a secret the proposer committed
/// to at proposal time with the hash of a block mined after the proposal, so neither the proposer
/// (who cannot know the block hash) nor the block producer (who cannot know the secret) sets it
/// alone; the draw must happen within `drawWindowBlocks` of the seed block, else anyone may
/// abandon the task. See the README for the limits.
/// Drawn members' verifier stake is locked until the vote can be finalized. Members commit, then reveal,
/// approve/reject with a reasons CID. Quorum and threshold decide. The majority shares the fee
/// (and, on rejection, the bond); the minority and non-revealers are slashed. Approved tasks
/// open for the later stages, which draw on the escrowed budget; rejected ones are refunded the
/// budget minus the fee.
contract TaskRegistry is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Stage contracts (training, inference...) that may spend an open task's budget.
    bytes32 public constant STAGE_ROLE = keccak256("STAGE_ROLE");
    bytes32 public constant VERIFIER = keccak256("VERIFIER");
    bytes32 public constant REASON_MINORITY = keccak256("TASK_VOTE_MINORITY");
    bytes32 public constant REASON_NO_REVEAL = keccak256("TASK_VOTE_NO_REVEAL");
    bytes32 public constant REWARD_VERIFICATION = keccak256("TASK_VERIFICATION");
    uint256 public constant MAX_COMMITTEE = 32;
    uint256 public constant MAX_CID_LENGTH = 128;
    uint64 public constant MAX_PERIOD = 365 days;

    enum Status {
        None,
        Proposed, // waiting for the committee draw
        Voting, // committee drawn: commit, then reveal
        Open, // approved: later stages may run
        Rejected,
        Failed, // no quorum, or too few verifiers: refunded
        Abandoned, // the proposer never revealed its seed: bond forfeited
        Closed // expired: the remaining budget went back to the proposer
    }

    struct Params {
        uint8 committeeSize;
        uint16 quorumBps; // share of the committee that must reveal
        uint16 approvalBps; // approvals must be strictly above this share of revealed votes
        uint16 slashBps; // share of a verifier's stake taken for a minority vote or no reveal
        uint32 drawDelayBlocks; // the seed block is the first epoch start at least this many blocks after the proposal
        uint32 drawWindowBlocks; // the committee must be drawn within this many blocks after the seed block
        uint64 commitPeriod;
        uint64 revealPeriod;
        uint256 minBond;
        uint256 fee; // taken from the budget, paid to the majority
        uint256 minVerifierStake;
    }

    struct Task {
        address proposer;
        Status status;
        uint32 paramsId;
        uint64 seedBlock;
        uint64 snapshotEpoch; // the sortition epoch the seed block starts: the committee is drawn from its starting stake
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint64 expiresAt;
        uint256 budget; // escrowed and unspent
        uint256 bond;
        bytes32 seedCommitment;
        string specCid;
    }

    struct Vote {
        bytes32 commitment;
        uint8 revealed; // 0 none, 1 approve, 2 reject
    }

    IERC20 public immutable token;
    StakeManager public immutable stakes;
    address public treasury;

    Params[] private _params;
    Task[] private _tasks; // index 0 unused: task ids start at 1
    mapping(uint256 taskId => address[]) private _committee;
    mapping(uint256 taskId => mapping(address member => Vote)) private _votes;

    event TaskProposed(
        uint256 indexed taskId,
        address indexed proposer,
        string specCid,
        uint256 budget,
        uint256 bond,
        uint64 seedBlock,
        uint64 expiresAt
    );
    event CommitteeDrawn(uint256 indexed taskId, address[] members, bytes32 seed, uint64 commitDeadline, uint64 revealDeadline);
    event VoteCommitted(uint256 indexed taskId, address indexed member, address operator);
    event VoteRevealed(uint256 indexed taskId, address indexed member, bool approve, string reasonsCid);
    event TaskApproved(uint256 indexed taskId, uint256 approvals, uint256 rejections, uint256 committeeSize);
    event TaskRejected(uint256 indexed taskId, uint256 approvals, uint256 rejections, uint256 refund);
    event TaskFailed(uint256 indexed taskId, bytes32 reason, uint256 refund);
    event TaskAbandoned(uint256 indexed taskId, uint256 refund, uint256 bondForfeited);
    event TaskClosed(uint256 indexed taskId, uint256 refund);
    event BudgetReleased(uint256 indexed taskId, address indexed to, uint256 amount, address stage);
    event ParamsUpdated(uint32 indexed paramsId);
    event TreasuryChanged(address treasury);

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice A task parameter is out of range.
    /// @custom:fix fix the parameter {what}
    error InvalidParams(string what);
    /// @notice The spec CID is empty or too long.
    /// @custom:fix give the CID of the task spec (deai content put spec.json), at most 128 characters
    error InvalidSpecCid();
    /// @notice The proposer's bond is below the minimum.
    /// @custom:fix bond at least {minimum} wei
    error BondTooLow(uint256 bond, uint256 minimum);
    /// @notice The budget does not cover the verification fee.
    /// @custom:fix the budget must cover the verification fee of {fee} wei
    error BudgetBelowFee(uint256 budget, uint256 fee);
    /// @notice The task would expire too soon.
    /// @custom:fix set the expiry after {earliest:time}
    error ExpiryTooSoon(uint64 expiresAt, uint64 earliest);
    /// @notice No task has this id.
    /// @custom:fix no task {taskId}; list tasks with deai task list
    error UnknownTask(uint256 taskId);
    /// @notice The task's status does not allow this step.
    /// @custom:fix task {taskId} is {status:taskStatus}, which does not allow this step
    error WrongStatus(uint256 taskId, Status status);
    /// @notice The seed block has not been mined.
    /// @custom:fix wait until block {seedBlock} has been mined
    error SeedNotReady(uint64 seedBlock);
    /// @notice The committee was not drawn in time.
    /// @custom:fix the committee had to be drawn by block {lastBlock}; anyone can now abandon the task
    error DrawWindowClosed(uint64 lastBlock);
    /// @notice The seed secret does not match the commitment made at proposal.
    /// @custom:fix the secret does not match the commitment made at proposal; use the proposer's key
    error BadSeedSecret();
    /// @notice The key works for no member of the task's committee.
    /// @custom:fix only the drawn committee members (through their operator keys) can vote
    error NotCommitteeMember(address key);
    /// @notice The commit phase has ended.
    /// @custom:fix the commit phase ended at {deadline:time}
    error CommitClosed(uint64 deadline);
    /// @notice The reveal phase has not opened.
    /// @custom:fix reveal after {opensAfter:time}
    error RevealNotOpen(uint64 opensAfter);
    /// @notice The reveal phase has ended.
    /// @custom:fix the reveal phase ended at {deadline:time}
    error RevealClosed(uint64 deadline);
    /// @notice This voter has already committed in this phase.
    /// @custom:fix this member has already committed a vote
    error AlreadyCommitted();
    /// @notice There is no commitment to reveal.
    /// @custom:fix commit a vote first
    error NoCommitment();
    /// @notice This voter has already revealed.
    /// @custom:fix this member has already revealed
    error AlreadyRevealed();
    /// @notice The revealed values do not hash to the commitment.
    /// @custom:fix reveal exactly the vote, reasons CID and salt that were committed
    error CommitmentMismatch();
    /// @notice The committee vote has not ended.
    /// @custom:fix finalize after {revealDeadline:time}
    error VotingNotOver(uint64 revealDeadline);
    /// @notice The task can still have its committee drawn.
    /// @custom:fix the proposer can still draw the committee until block {lastDrawBlock}
    error NotAbandoned(uint64 lastDrawBlock);
    /// @notice The task has not expired.
    /// @custom:fix the task runs until {expiresAt:time}
    error NotExpired(uint64 expiresAt);
    /// @notice The task's budget left is below the amount asked for.
    /// @custom:fix the task has {available} wei of budget left
    error InsufficientBudget(uint256 requested, uint256 available);

    constructor(IERC20 token_, StakeManager stakes_, address treasury_, address admin, Params memory params_) {
        if (address(token_) == address(0) || address(stakes_) == address(0) || treasury_ == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        stakes = stakes_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _tasks.push(); // task id 0 is the protocol-wide pool in StakeManager, never a task
        _setParams(params_);
    }

    // ---------------------------------------------------------------- proposer

    /// @notice Proposes a task. Pulls `budget + bond` from the caller. `seedCommitment` is
    /// keccak256(abi.encode(secret)) for a 32-byte secret revealed by `drawCommittee`.
    function propose(string calldata specCid, uint256 budget, uint256 bond, uint64 expiresAt, bytes32 seedCommitment)
        external
        nonReentrant
        returns (uint256 taskId)
    {
        uint32 paramsId = uint32(_params.length - 1);
        Params storage p = _params[paramsId];
        uint256 cidLength = bytes(specCid).length;
        if (cidLength == 0 || cidLength > MAX_CID_LENGTH) revert InvalidSpecCid();
        if (bond < p.minBond) revert BondTooLow(bond, p.minBond);
        if (budget < p.fee) revert BudgetBelowFee(budget, p.fee);
        uint64 earliest = uint64(block.timestamp) + p.commitPeriod + p.revealPeriod;
        if (expiresAt <= earliest) revert ExpiryTooSoon(expiresAt, earliest);

        taskId = _tasks.length;
        Task storage t = _tasks.push();
        t.proposer = msg.sender;
        t.status = Status.Proposed;
        t.paramsId = paramsId;
        (t.seedBlock, t.snapshotEpoch) = _seedBlock(p);
        t.expiresAt = expiresAt;
        t.budget = budget;
        t.bond = bond;
        t.seedCommitment = seedCommitment;
        t.specCid = specCid;
        token.safeTransferFrom(msg.sender, address(this), budget + bond);
        emit TaskProposed(taskId, msg.sender, specCid, budget, bond, t.seedBlock, expiresAt);
    }

    /// @notice Reveals the proposer's seed secret once the seed block is mined and draws the
    /// committee, within `drawWindowBlocks` of the seed block. Anyone holding the secret may call
    /// it. With too few eligible verifiers the task fails and everything is refunded.
    function drawCommittee(uint256 taskId, bytes32 secret) external nonReentrant {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Proposed);
        if (block.number <= t.seedBlock) revert SeedNotReady(t.seedBlock);
        Params storage p = _params[t.paramsId];
        uint64 lastBlock = t.seedBlock + p.drawWindowBlocks;
        if (block.number > lastBlock) revert DrawWindowClosed(lastBlock);
        if (keccak256(abi.encode(secret)) != t.seedCommitment) revert BadSeedSecret();
        // The window is at most 256 blocks, so BLOCKHASH still knows the seed block.
        bytes32 seed = keccak256(abi.encode(secret, blockhash(t.seedBlock), taskId));
        address[] memory members = stakes.drawByStake(0, VERIFIER, seed, p.committeeSize, t.proposer, p.minVerifierStake, t.snapshotEpoch);
        if (members.length * 10_000 < uint256(p.quorumBps) * p.committeeSize || members.length == 0) {
            t.status = Status.Failed;
            uint256 refund = t.budget + t.bond;
            t.budget = 0;
            t.bond = 0;
            token.safeTransfer(t.proposer, refund);
            emit TaskFailed(taskId, "TOO_FEW_VERIFIERS", refund);
            return;
        }
        t.status = Status.Voting;
        t.commitDeadline = uint64(block.timestamp) + p.commitPeriod;
        t.revealDeadline = t.commitDeadline + p.revealPeriod;
        // Members are judged at `finalize`, which anyone may call once the reveal phase is over;
        // their stake stays for a further reveal period so a late finalize still finds it.
        uint64 lockedUntil = t.revealDeadline + p.revealPeriod;
        for (uint256 i = 0; i < members.length; i++) {
            stakes.lock(0, VERIFIER, members[i], lockedUntil);
        }
        _committee[taskId] = members;
        emit CommitteeDrawn(taskId, members, seed, t.commitDeadline, t.revealDeadline);
    }

    /// @notice When the draw window has passed and the proposer never revealed, anyone may end
    /// the task: the budget goes back, the bond goes to the treasury.
    function abandon(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Proposed);
        uint64 lastBlock = t.seedBlock + _params[t.paramsId].drawWindowBlocks;
        if (block.number <= lastBlock) revert NotAbandoned(lastBlock);
        t.status = Status.Abandoned;
        uint256 refund = t.budget;
        uint256 bond = t.bond;
        t.budget = 0;
        t.bond = 0;
        token.safeTransfer(t.proposer, refund);
        token.safeTransfer(treasury, bond);
        emit TaskAbandoned(taskId, refund, bond);
    }

    // ---------------------------------------------------------------- committee

    /// @notice Commits a vote: keccak256(abi.encode(taskId, memberOwner, approve, reasonsCid, salt)).
    /// Sent by the member's operator key (or the owner when none is set). Binding the owner into
    /// the hash means nobody can copy another member's commitment and reveal it as their own.
    function commitVote(uint256 taskId, bytes32 commitment) external {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Voting);
        if (block.timestamp > t.commitDeadline) revert CommitClosed(t.commitDeadline);
        address member = _member(taskId, msg.sender);
        Vote storage v = _votes[taskId][member];
        if (v.commitment != bytes32(0)) revert AlreadyCommitted();
        v.commitment = commitment;
        emit VoteCommitted(taskId, member, msg.sender);
    }

    /// @notice Reveals a committed vote during the reveal window.
    function revealVote(uint256 taskId, bool approve, string calldata reasonsCid, bytes32 salt) external {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Voting);
        if (block.timestamp <= t.commitDeadline) revert RevealNotOpen(t.commitDeadline);
        if (block.timestamp > t.revealDeadline) revert RevealClosed(t.revealDeadline);
        address member = _member(taskId, msg.sender);
        Vote storage v = _votes[taskId][member];
        if (v.commitment == bytes32(0)) revert NoCommitment();
        if (v.revealed != 0) revert AlreadyRevealed();
        if (keccak256(abi.encode(taskId, member, approve, reasonsCid, salt)) != v.commitment) revert CommitmentMismatch();
        v.revealed = approve ? 1 : 2;
        emit VoteRevealed(taskId, member, approve, reasonsCid);
    }

    /// @notice Settles the vote after the reveal window. Anyone may call it.
    function finalize(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Voting);
        if (block.timestamp <= t.revealDeadline) revert VotingNotOver(t.revealDeadline);
        Params storage p = _params[t.paramsId];
        address[] storage members = _committee[taskId];
        uint256 approvals;
        uint256 rejections;
        for (uint256 i = 0; i < members.length; i++) {
            uint8 r = _votes[taskId][members[i]].revealed;
            if (r == 1) approvals++;
            else if (r == 2) rejections++;
        }
        uint256 revealed = approvals + rejections;

        if (revealed * 10_000 < uint256(p.quorumBps) * members.length || revealed == 0) {
            // No quorum: nobody judged the task, so the proposer gets everything back.
            t.status = Status.Failed;
            _slashVoters(taskId, members, p.slashBps, 0);
            uint256 refund = t.budget + t.bond;
            t.budget = 0;
            t.bond = 0;
            token.safeTransfer(t.proposer, refund);
            emit TaskFailed(taskId, "NO_QUORUM", refund);
            return;
        }

        bool approved = approvals * 10_000 > uint256(p.approvalBps) * revealed;
        uint8 majority = approved ? 1 : 2;
        _slashVoters(taskId, members, p.slashBps, majority);

        uint256 pot = p.fee;
        t.budget -= p.fee;
        if (approved) {
            t.status = Status.Open;
            uint256 bond = t.bond;
            t.bond = 0;
            token.safeTransfer(t.proposer, bond);
            emit TaskApproved(taskId, approvals, rejections, members.length);
        } else {
            t.status = Status.Rejected;
            pot += t.bond;
            uint256 refund = t.budget;
            t.budget = 0;
            t.bond = 0;
            token.safeTransfer(t.proposer, refund);
            emit TaskRejected(taskId, approvals, rejections, refund);
        }
        _payMajority(taskId, members, majority, approved ? approvals : rejections, pot);
    }

    // ---------------------------------------------------------------- later stages

    /// @notice Pays out of an open task's budget (rewards of later stages).
    function releaseBudget(uint256 taskId, address to, uint256 amount) external onlyRole(STAGE_ROLE) nonReentrant {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Open);
        if (to == address(0)) revert ZeroAddress();
        if (amount > t.budget) revert InsufficientBudget(amount, t.budget);
        t.budget -= amount;
        token.safeTransfer(to, amount);
        emit BudgetReleased(taskId, to, amount, msg.sender);
    }

    /// @notice After a task's expiry, anyone may close it and return what is left to the proposer.
    function close(uint256 taskId) external nonReentrant {
        Task storage t = _task(taskId);
        _expect(taskId, t, Status.Open);
        if (block.timestamp <= t.expiresAt) revert NotExpired(t.expiresAt);
        t.status = Status.Closed;
        uint256 refund = t.budget;
        t.budget = 0;
        if (refund > 0) token.safeTransfer(t.proposer, refund);
        emit TaskClosed(taskId, refund);
    }

    // ---------------------------------------------------------------- governance

    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasuryChanged(treasury_);
    }

    // ---------------------------------------------------------------- views

    function taskCount() external view returns (uint256) {
        return _tasks.length - 1;
    }

    function getTask(uint256 taskId) external view returns (Task memory) {
        return _task(taskId);
    }

    function getCommittee(uint256 taskId) external view returns (address[] memory) {
        _task(taskId);
        return _committee[taskId];
    }

    function getVote(uint256 taskId, address member) external view returns (Vote memory) {
        return _votes[taskId][member];
    }

    function params() external view returns (Params memory) {
        return _params[_params.length - 1];
    }

    function paramsAt(uint32 paramsId) external view returns (Params memory) {
        return _params[paramsId];
    }

    // ---------------------------------------------------------------- internals

    function _task(uint256 taskId) private view returns (Task storage t) {
        if (taskId == 0 || taskId >= _tasks.length) revert UnknownTask(taskId);
        return _tasks[taskId];
    }

    function _expect(uint256 taskId, Task storage t, Status status) private view {
        if (t.status != status) revert WrongStatus(taskId, t.status);
    }

    function _member(uint256 taskId, address key) private view returns (address member) {
        address owner = stakes.ownerOfOperator(0, VERIFIER, key);
        // A committee holds at most MAX_COMMITTEE members: scanning it costs less than a
        // membership flag per member written at every draw. A member that rotated its owner key
        // keeps its seat under its new key.
        address[] storage members = _committee[taskId];
        for (uint256 i = 0; i < members.length && owner != address(0); i++) {
            member = members[i];
            if (member == owner || stakes.currentOwner(member) == owner) return member;
        }
        revert NotCommitteeMember(key);
    }

    /// @dev The seed block and the snapshot epoch of a task proposed now: the seed block is the
    /// first block of a sortition epoch at least `drawDelayBlocks` ahead, so the committee is
    /// drawn from stake as it stood just before the seed block, and the whole draw window lies in
    /// that epoch (the sortition tree keeps an epoch's starting stake only while the epoch lasts).
    function _seedBlock(Params storage p) private view returns (uint64 seedBlock, uint64 epoch) {
        uint64 epochBlocks = stakes.epochBlocks();
        uint64 earliest = uint64(block.number) + p.drawDelayBlocks;
        seedBlock = ((earliest + epochBlocks - 1) / epochBlocks) * epochBlocks;
        epoch = stakes.epochOf(seedBlock);
    }

    /// @dev Slashes members who did not reveal and, if `majority` is set, those who voted
    /// against it. Slashed stake goes to the treasury.
    function _slashVoters(uint256 taskId, address[] storage members, uint16 slashBps, uint8 majority) private {
        if (slashBps == 0) return;
        uint256 n = members.length;
        address[] memory owners = new address[](n);
        bytes32[] memory reasons = new bytes32[](n);
        uint256 k;
        for (uint256 i = 0; i < n; i++) {
            uint8 r = _votes[taskId][members[i]].revealed;
            if (r == 0) reasons[k] = REASON_NO_REVEAL;
            else if (majority != 0 && r != majority) reasons[k] = REASON_MINORITY;
            else continue;
            owners[k++] = members[i];
        }
        if (k == 0) return;
        bytes32[] memory evidence = new bytes32[](k);
        for (uint256 i = 0; i < k; i++) {
            evidence[i] = bytes32(taskId);
        }
        assembly ("memory-safe") {
            mstore(owners, k)
            mstore(reasons, k)
        }
        stakes.slashShares(0, VERIFIER, owners, slashBps, treasury, reasons, evidence);
    }

    /// @dev Splits `pot` equally among the majority through StakeManager (claimable there);
    /// the indivisible remainder goes to the treasury.
    function _payMajority(uint256 taskId, address[] storage members, uint8 majority, uint256 count, uint256 pot) private {
        if (pot == 0) return;
        uint256 share = pot / count;
        if (share > 0) {
            address[] memory owners = new address[](count);
            uint256[] memory amounts = new uint256[](count);
            uint256 n;
            for (uint256 i = 0; i < members.length; i++) {
                if (_votes[taskId][members[i]].revealed == majority) {
                    owners[n] = members[i];
                    amounts[n] = share;
                    n++;
                }
            }
            token.forceApprove(address(stakes), share * count);
            stakes.creditRewards(owners, amounts, REWARD_VERIFICATION);
        }
        uint256 dust = pot - share * count;
        if (dust > 0) token.safeTransfer(treasury, dust);
    }

    function _setParams(Params memory p) private {
        if (p.committeeSize == 0 || p.committeeSize > MAX_COMMITTEE) revert InvalidParams("committeeSize");
        if (p.quorumBps == 0 || p.quorumBps > 10_000) revert InvalidParams("quorumBps");
        if (p.approvalBps >= 10_000) revert InvalidParams("approvalBps");
        if (p.slashBps > 10_000) revert InvalidParams("slashBps");
        if (p.drawDelayBlocks == 0 || p.drawDelayBlocks > 256) revert InvalidParams("drawDelayBlocks");
        // BLOCKHASH reaches 256 blocks back, and the whole window must fit in one sortition epoch.
        if (p.drawWindowBlocks == 0 || p.drawWindowBlocks > 256 || p.drawWindowBlocks >= stakes.epochBlocks()) {
            revert InvalidParams("drawWindowBlocks");
        }
        // Members stay locked for the commit and two reveal periods: within StakeManager's MAX_LOCK.
        if (p.commitPeriod == 0 || p.revealPeriod == 0 || p.commitPeriod > MAX_PERIOD || p.revealPeriod > MAX_PERIOD) {
            revert InvalidParams("period");
        }
        _params.push(p);
        emit ParamsUpdated(uint32(_params.length - 1));
    }
}
