// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SortitionTree} from "../../../contracts/sortition/SortitionTree.sol";

/// @title SortitionTreeHarness: exposes one SortitionTree, for tests and benchmarks only
contract SortitionTreeHarness {
    using SortitionTree for SortitionTree.Tree;

    SortitionTree.Tree private _tree;

    error LengthMismatch();

    function set(address key, uint256 value, uint64 epoch) external {
        _tree.set(key, value, epoch);
    }

    /// @notice Sets many keys in one transaction, in order (a key may appear more than once).
    function setMany(address[] calldata keys, uint256[] calldata values, uint64 epoch) external {
        if (keys.length != values.length) revert LengthMismatch();
        for (uint256 i = 0; i < keys.length; i++) {
            _tree.set(keys[i], values[i], epoch);
        }
    }

    function valueOf(address key) external view returns (uint256) {
        return _tree.valueOf(key);
    }

    function valueAt(address key, uint64 epoch) external view returns (uint256) {
        return _tree.valueAt(key, epoch);
    }

    function total() external view returns (uint256) {
        return _tree.total();
    }

    function totalAt(uint64 epoch) external view returns (uint256) {
        return _tree.totalAt(epoch);
    }

    function leafCount() external view returns (uint256) {
        return _tree.leafCount();
    }

    function draw(bytes32 seed, uint256 count, uint64 epoch, address exclude, uint256 minimum)
        external
        view
        returns (address[] memory)
    {
        return _tree.draw(seed, count, epoch, exclude, minimum);
    }
}
