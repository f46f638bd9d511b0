// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

interface ISwarmToken {
    function approve(address spender, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

interface ISwarmStakeManager {
    function stake(uint256 taskId, bytes32 role, uint256 amount) external;
}

/// @title SwarmStaker: one staker of a StakerSwarm (a minimal clone per staker)
contract SwarmStaker {
    /// @notice Stakes `amount` of the tokens this staker holds. Open to anyone: a bench fixture.
    function stakeAll(ISwarmToken token, ISwarmStakeManager manager, bytes32 role, uint256 amount) external {
        token.approve(address(manager), amount);
        manager.stake(0, role, amount);
    }
}

/// @title StakerSwarm: fills a StakeManager pool with many stakers in few transactions, for benchmarks only
contract StakerSwarm {
    SwarmStaker public immutable implementation = new SwarmStaker();

    /// @notice Pulls the sum of `amounts` from the caller (who approved it), then makes one new
    /// staker per amount in pool (0, role).
    function spawn(ISwarmToken token, ISwarmStakeManager manager, bytes32 role, uint256[] calldata amounts) external {
        uint256 sum;
        for (uint256 i = 0; i < amounts.length; i++) {
            sum += amounts[i];
        }
        token.transferFrom(msg.sender, address(this), sum);
        for (uint256 i = 0; i < amounts.length; i++) {
            SwarmStaker staker = SwarmStaker(Clones.clone(address(implementation)));
            token.transfer(address(staker), amounts[i]);
            staker.stakeAll(token, manager, role, amounts[i]);
        }
    }
}
