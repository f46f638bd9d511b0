// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title DEAI, the protocol token
/// @notice Fixed supply, minted once to `initialHolder`. Votes (delegation, checkpoints) let a
/// Governor use it; permit lets participants approve by signature and stake in one transaction.
/// Rewards come from escrowed task budgets, never from new issuance, so there is no minter.
contract DeaiToken is ERC20, ERC20Permit, ERC20Votes {
    constructor(address initialHolder, uint256 initialSupply) ERC20("deai", "DEAI") ERC20Permit("deai") {
        _mint(initialHolder, initialSupply);
    }

    /// @dev Votes checkpoints use timestamps so governance periods read in seconds on any chain.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
