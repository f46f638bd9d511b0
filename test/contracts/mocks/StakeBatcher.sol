// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Like {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
}

interface IStakeFor {
    function stakeFor(uint256 taskId, bytes32 role, address owner, uint256 amount) external;
}

/// @title StakeBatcher: one funded account pays many `stakeFor` gifts per transaction (tests only)
/// @notice Pulls the sum from the caller, then calls StakeManager.stakeFor once per owner, so a
/// test can fill a pool with thousands of positions in a few transactions.
contract StakeBatcher {
    function stakeForMany(
        IStakeFor manager,
        IERC20Like token,
        uint256 taskId,
        bytes32 role,
        address[] calldata owners,
        uint256[] calldata amounts
    ) external {
        require(owners.length == amounts.length, "lengths");
        uint256 sum;
        for (uint256 i = 0; i < amounts.length; i++) sum += amounts[i];
        require(token.transferFrom(msg.sender, address(this), sum), "pull");
        require(token.approve(address(manager), sum), "approve");
        for (uint256 i = 0; i < owners.length; i++) manager.stakeFor(taskId, role, owners[i], amounts[i]);
    }
}
