// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Only what the lens reads, so it compiles without the protocol's sources.
interface ITokenSupply {
    function balanceOf(address owner) external view returns (uint256);
    function totalSupply() external view returns (uint256);
}

interface IStakeBooks {
    struct Position {
        uint128 active;
        uint64 releaseAt;
        uint64 lockedUntil;
        uint256 unbonding;
    }

    function positionOf(uint256 taskId, bytes32 role, address owner) external view returns (Position memory);
    function operatorOf(uint256 taskId, bytes32 role, address owner) external view returns (address);
    function rewardsOf(address owner) external view returns (uint256);
    function rotatedTo(address owner) external view returns (address);
    function totalStaked() external view returns (uint256);
    function totalUnclaimed() external view returns (uint256);
    function paused() external view returns (bool);
}

interface ITaskBooks {
    struct Task {
        address proposer;
        uint8 status;
        uint32 paramsId;
        uint64 seedBlock;
        uint64 snapshotEpoch;
        uint64 commitDeadline;
        uint64 revealDeadline;
        uint64 expiresAt;
        uint256 budget;
        uint256 bond;
        bytes32 seedCommitment;
        string specCid;
    }

    function getTask(uint256 taskId) external view returns (Task memory);
}

interface ITrainingBooks {
    function books() external view returns (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded);
    function finished() external view returns (bool);
}

/// @title ProtocolLens: reads every book of the protocol in one call, for invariant tests only
/// @notice One eth_call per step instead of hundreds: a randomized test checks the whole money
/// invariant after every transaction, and reading it piecemeal would cost more than the run.
contract ProtocolLens {
    /// @notice What to read: the contracts, then the positions, accounts, tasks and training clones of interest.
    struct Query {
        ITokenSupply token;
        IStakeBooks stakes;
        ITaskBooks registry;
        address treasury;
        uint256[] positionTasks;
        bytes32[] positionRoles;
        address[] positionOwners;
        address[] accounts;
        address[] owners;
        uint256[] tasks;
        ITrainingBooks[] clones;
    }

    /// @notice Returns, flattened: block.number, block.timestamp, totalSupply, balanceOf(stakes),
    /// totalStaked, totalUnclaimed, paused, balanceOf(registry), balanceOf(treasury); per position:
    /// active, unbonding, releaseAt, lockedUntil, operatorOf; per account: balanceOf; per owner:
    /// rewardsOf, rotatedTo; per task: status, budget, bond; per clone: balanceOf, funded,
    /// slashedIn, credited, refunded, finished.
    function snapshot(Query calldata q) external view returns (uint256[] memory out) {
        out = new uint256[](9 + 5 * q.positionOwners.length + q.accounts.length + 2 * q.owners.length + 3 * q.tasks.length + 6 * q.clones.length);
        out[0] = block.number;
        out[1] = block.timestamp;
        out[2] = q.token.totalSupply();
        out[3] = q.token.balanceOf(address(q.stakes));
        out[4] = q.stakes.totalStaked();
        out[5] = q.stakes.totalUnclaimed();
        out[6] = q.stakes.paused() ? 1 : 0;
        out[7] = q.token.balanceOf(address(q.registry));
        out[8] = q.token.balanceOf(q.treasury);
        uint256 k = 9;
        for (uint256 i = 0; i < q.positionOwners.length; i++) k = _position(out, k, q, i);
        for (uint256 i = 0; i < q.accounts.length; i++) out[k++] = q.token.balanceOf(q.accounts[i]);
        for (uint256 i = 0; i < q.owners.length; i++) {
            out[k++] = q.stakes.rewardsOf(q.owners[i]);
            out[k++] = uint256(uint160(q.stakes.rotatedTo(q.owners[i])));
        }
        for (uint256 i = 0; i < q.tasks.length; i++) {
            ITaskBooks.Task memory t = q.registry.getTask(q.tasks[i]);
            out[k++] = uint256(t.status);
            out[k++] = t.budget;
            out[k++] = t.bond;
        }
        for (uint256 i = 0; i < q.clones.length; i++) k = _clone(out, k, q.token, q.clones[i]);
    }

    function _position(uint256[] memory out, uint256 k, Query calldata q, uint256 i) private view returns (uint256) {
        IStakeBooks.Position memory p = q.stakes.positionOf(q.positionTasks[i], q.positionRoles[i], q.positionOwners[i]);
        out[k] = p.active;
        out[k + 1] = p.unbonding;
        out[k + 2] = p.releaseAt;
        out[k + 3] = p.lockedUntil;
        out[k + 4] = uint256(uint160(q.stakes.operatorOf(q.positionTasks[i], q.positionRoles[i], q.positionOwners[i])));
        return k + 5;
    }

    function _clone(uint256[] memory out, uint256 k, ITokenSupply token, ITrainingBooks clone) private view returns (uint256) {
        (uint256 funded, uint256 slashedIn, uint256 credited, uint256 refunded) = clone.books();
        out[k] = token.balanceOf(address(clone));
        out[k + 1] = funded;
        out[k + 2] = slashedIn;
        out[k + 3] = credited;
        out[k + 4] = refunded;
        out[k + 5] = clone.finished() ? 1 : 0;
        return k + 6;
    }
}
