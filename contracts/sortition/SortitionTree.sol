// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SortitionTree: a sum tree of stakes with per-epoch snapshots, for O(k log n) draws
/// @notice Placeholder implementation; see the final version for the full specification.
library SortitionTree {
    struct Tree {
        uint256 leaves;
        mapping(address key => uint256) leafOf; // leaf index + 1
        mapping(uint256 leaf => address) keyOf;
        mapping(uint256 node => uint256) nodes; // (level << 128 | index) => live | base | epoch
    }

    error ValueTooLarge(uint256 value);
    error HistoryLost(uint64 epoch, uint64 nodeEpoch);

    uint256 private constant MASK96 = (1 << 96) - 1;

    function set(Tree storage t, address key, uint256 value, uint64 epoch) internal {
        if (value > MASK96) revert ValueTooLarge(value);
        uint256 leaf = t.leafOf[key];
        if (leaf == 0) {
            if (value == 0) return;
            leaf = ++t.leaves;
            t.leafOf[key] = leaf;
            t.keyOf[leaf - 1] = key;
            uint256 n = leaf;
            // Growing past a power of two: the new root starts as a copy of the old one.
            if (n > 1 && (n - 1) & (n - 2) == 0) {
                uint256 d = _depth(n - 1);
                t.nodes[_id(d + 1, 0)] = t.nodes[_id(d, 0)];
            }
        }
        uint256 index = leaf - 1;
        uint256 old = _live(t.nodes[_id(0, index)]);
        if (old == value) return;
        uint256 depth = _depth(t.leaves);
        for (uint256 level = 0; level <= depth; level++) {
            uint256 id = _id(level, index >> level);
            uint256 node = t.nodes[id];
            uint256 live = _live(node);
            uint256 next = value > old ? live + (value - old) : live - (old - value);
            t.nodes[id] = _write(node, next, epoch);
        }
    }

    function totalAt(Tree storage t, uint64 epoch) internal view returns (uint256) {
        if (t.leaves == 0) return 0;
        return _at(t.nodes[_id(_depth(t.leaves), 0)], epoch);
    }

    struct Walk {
        uint256 depth;
        uint64 epoch;
        uint256 remaining;
        uint256 removed;
        uint256[] leaf;
        uint256[] value;
    }

    function draw(Tree storage t, bytes32 seed, uint256 count, uint64 epoch, address exclude, uint256 minimum)
        internal
        view
        returns (address[] memory chosen)
    {
        chosen = new address[](count);
        uint256 found;
        if (t.leaves > 0) {
            Walk memory w;
            w.depth = _depth(t.leaves);
            w.epoch = epoch;
            w.remaining = _at(t.nodes[_id(w.depth, 0)], epoch);
            uint256 maxAttempts = count + 32;
            w.leaf = new uint256[](maxAttempts);
            w.value = new uint256[](maxAttempts);
            for (uint256 attempt = 0; attempt < maxAttempts && found < count && w.remaining > 0; attempt++) {
                uint256 index = _walk(t, w, uint256(keccak256(abi.encode(seed, attempt))) % w.remaining);
                uint256 value = _at(t.nodes[_id(0, index)], epoch);
                w.leaf[w.removed] = index;
                w.value[w.removed] = value;
                w.removed++;
                w.remaining -= value;
                address key = t.keyOf[index];
                if (key == exclude || value < minimum || value == 0) continue;
                chosen[found++] = key;
            }
        }
        assembly ("memory-safe") {
            mstore(chosen, found)
        }
    }

    function _walk(Tree storage t, Walk memory w, uint256 r) private view returns (uint256 index) {
        for (uint256 level = w.depth; level > 0; level--) {
            uint256 left = index << 1;
            uint256 from = left << (level - 1);
            uint256 to = from + (uint256(1) << (level - 1));
            uint256 leftValue = _at(t.nodes[_id(level - 1, left)], w.epoch);
            for (uint256 k = 0; k < w.removed; k++) {
                if (w.leaf[k] >= from && w.leaf[k] < to) leftValue -= w.value[k];
            }
            if (r < leftValue) {
                index = left;
            } else {
                r -= leftValue;
                index = left + 1;
            }
        }
    }

    function _id(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 128) | index;
    }

    /// @dev The smallest d with 2^d >= n (n >= 1).
    function _depth(uint256 n) private pure returns (uint256 d) {
        while ((uint256(1) << d) < n) d++;
    }

    function _live(uint256 node) private pure returns (uint256) {
        return node >> 160;
    }

    function _at(uint256 node, uint64 epoch) private pure returns (uint256) {
        uint64 nodeEpoch = uint64(node);
        if (nodeEpoch < epoch) return node >> 160;
        if (nodeEpoch == epoch) return (node >> 64) & MASK96;
        revert HistoryLost(epoch, nodeEpoch);
    }

    function _write(uint256 node, uint256 live, uint64 epoch) private pure returns (uint256) {
        uint256 base = uint64(node) < epoch ? node >> 160 : (node >> 64) & MASK96;
        return (live << 160) | (base << 64) | epoch;
    }
}
