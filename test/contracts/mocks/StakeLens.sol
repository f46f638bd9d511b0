// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IStakeManagerReads {
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
    function poolActive(uint256 taskId, bytes32 role) external view returns (uint256);
    function activeStake(uint256 taskId, bytes32 role, address owner) external view returns (uint256);
    function totalStaked() external view returns (uint256);
    function totalUnclaimed() external view returns (uint256);
}

interface ITokenReads {
    function balanceOf(address owner) external view returns (uint256);
}

/// @title StakeLens: reads a StakeManager's books in one call, for invariant tests only
contract StakeLens {
    /// @notice Returns, flattened: balanceOf(manager), totalStaked, totalUnclaimed; then per pool
    /// (tasks[i], roles[i]) poolActive and how many of the owners have active stake there; then per owner, per pool: active,
    /// unbonding, releaseAt, lockedUntil and operatorOf; then per account: rewardsOf, balanceOf
    /// and rotatedTo.
    function snapshot(
        IStakeManagerReads manager,
        ITokenReads token,
        uint256[] calldata tasks,
        bytes32[] calldata roles,
        address[] calldata owners,
        address[] calldata accounts
    ) external view returns (uint256[] memory out) {
        out = new uint256[](3 + 2 * tasks.length + 5 * owners.length * tasks.length + 3 * accounts.length);
        out[0] = token.balanceOf(address(manager));
        out[1] = manager.totalStaked();
        out[2] = manager.totalUnclaimed();
        uint256 k = _pools(out, 3, manager, tasks, roles, owners);
        for (uint256 o = 0; o < owners.length; o++) {
            k = _positions(out, k, manager, tasks, roles, owners[o]);
        }
        _accounts(out, k, manager, token, accounts);
    }

    function _pools(uint256[] memory out, uint256 k, IStakeManagerReads manager, uint256[] calldata tasks, bytes32[] calldata roles, address[] calldata owners)
        private
        view
        returns (uint256)
    {
        for (uint256 p = 0; p < tasks.length; p++) {
            out[k++] = manager.poolActive(tasks[p], roles[p]);
            out[k++] = _count(manager, tasks[p], roles[p], owners);
        }
        return k;
    }

    function _positions(uint256[] memory out, uint256 k, IStakeManagerReads manager, uint256[] calldata tasks, bytes32[] calldata roles, address owner)
        private
        view
        returns (uint256)
    {
        for (uint256 p = 0; p < tasks.length; p++) {
            k = _position(out, k, manager, tasks[p], roles[p], owner);
        }
        return k;
    }

    function _accounts(uint256[] memory out, uint256 k, IStakeManagerReads manager, ITokenReads token, address[] calldata accounts) private view {
        for (uint256 a = 0; a < accounts.length; a++) {
            out[k++] = manager.rewardsOf(accounts[a]);
            out[k++] = token.balanceOf(accounts[a]);
            out[k++] = uint256(uint160(manager.rotatedTo(accounts[a])));
        }
    }

    function _position(uint256[] memory out, uint256 k, IStakeManagerReads manager, uint256 taskId, bytes32 role, address owner)
        private
        view
        returns (uint256)
    {
        IStakeManagerReads.Position memory p = manager.positionOf(taskId, role, owner);
        out[k] = p.active;
        out[k + 1] = p.unbonding;
        out[k + 2] = p.releaseAt;
        out[k + 3] = p.lockedUntil;
        out[k + 4] = uint256(uint160(manager.operatorOf(taskId, role, owner)));
        return k + 5;
    }

    /// @dev How many of `owners` have active stake in the pool.
    function _count(IStakeManagerReads manager, uint256 taskId, bytes32 role, address[] calldata owners) private view returns (uint256 n) {
        for (uint256 o = 0; o < owners.length; o++) {
            if (manager.activeStake(taskId, role, owners[o]) != 0) n++;
        }
    }
}
