// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface ISwarmToken {
    function approve(address spender, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

interface ISwarmStakeManager {
    function stakeFor(uint256 taskId, bytes32 role, address owner, uint256 amount) external;
}

/// @title StakerSwarm: fills a StakeManager pool with many owners in few transactions, for benchmarks only
/// @notice Owner i is address(uint160(uint256(keccak256(abi.encode("swarm", i))))): keys nobody
/// holds, which is all a pool needs to be drawn from.
contract StakerSwarm {
    /// @notice Pulls the sum of `amounts` from the caller (who approved it) and stakes amount k
    /// for owner `first + k` in pool (0, role).
    function spawn(ISwarmToken token, ISwarmStakeManager manager, bytes32 role, uint256 first, uint256[] calldata amounts) external {
        uint256 sum;
        for (uint256 i = 0; i < amounts.length; i++) {
            sum += amounts[i];
        }
        token.transferFrom(msg.sender, address(this), sum);
        token.approve(address(manager), sum);
        for (uint256 i = 0; i < amounts.length; i++) {
            manager.stakeFor(0, role, ownerAt(first + i), amounts[i]);
        }
    }

    /// @notice The owner key of swarm member `i`.
    function ownerAt(uint256 i) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("swarm", i)))));
    }
}
