// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SortitionTree: draws by value from a snapshot fixed at the start of an epoch, in O(k log n)
/// @notice A binary sum tree over one leaf per key (e.g. stake per owner), for committees drawn
/// by stake. Draws read every value *as it was at the start of an epoch*, so stake moved after a
/// draw's seed is known cannot steer that draw, and a draw of k keys reads O(k log n) slots
/// whatever the number of keys n.
///
/// Epochs: the caller passes its current epoch to every `set`, and epochs never decrease (e.g.
/// `block.number / epochBlocks + 1`). Each node is one storage slot `live | base | epoch`: the
/// current value, the value at the start of the epoch in which the node last changed, and that
/// epoch. One slot per node keeps a write and a draw step at one storage access per level; the
/// price is that each node remembers one epoch back: the value at the start of epoch e can be
/// read only while no node on the path was changed in a later epoch (else `SortitionEpochTooOld`).
/// A caller that draws with the epoch that is current at the time of the draw can always read.
///
/// Why epochs: a draw over live values can be ground by whoever learns the seed first, moving a
/// wei of stake until the draw suits them. Here a change counts for draws only from the next
/// epoch on. The guarantee holds only if the caller draws in an epoch that began before its seed
/// could be known (e.g. the seed block lies in the draw's epoch); a draw made in a later epoch
/// sees changes made after the seed was known.
///
/// Shape: leaves are allocated in order on a key's first non-zero `set` and never freed (a key
/// set back to 0 keeps its leaf and weighs 0). Node (l, i) covers leaves [i·2^l, (i+1)·2^l); the
/// root is (d, 0) with d the smallest depth such that 2^d ≥ leafCount. When the tree deepens,
/// the new root starts as a copy of the old one, history included: its right half was empty in
/// every epoch. Values (and so their total) are bounded by uint96, which holds 79 billion tokens
/// of 18 decimals.
library SortitionTree {
    /// @dev A tree lives in storage; an all-zero Tree is an empty tree.
    struct Tree {
        /// @dev How many leaves there are (read it with `leafCount`).
        uint256 leaves;
        /// @dev Leaf index + 1; 0 while the key has no leaf.
        mapping(address key => uint256) leafOf;
        mapping(uint256 leaf => address) keyAt;
        /// @dev Node id (level << 128 | index) → uint96 live | uint96 base | uint64 epoch.
        mapping(uint256 id => uint256) nodes;
    }

    /// @notice The largest value a key (and the sum of all keys) may hold.
    uint256 internal constant MAX_VALUE = type(uint96).max;

    /// @notice Attempts a draw may spend on keys it cannot choose (the excluded key and keys below
    /// the minimum), beyond one per requested key. Bounds a draw's gas whatever the tree holds.
    uint256 internal constant EXTRA_ATTEMPTS = 32;

    /// @notice address(0) cannot be a key (it means "exclude nobody" in `draw`).
    /// @custom:fix the zero address cannot hold stake
    error SortitionZeroKey();
    /// @notice A value, or the sum of the values below a node, exceeds `MAX_VALUE`.
    /// @custom:fix a position (and a pool) cannot exceed 2^96 wei
    error SortitionValueTooLarge(uint256 value);
    /// @notice A node was changed in epoch `written`, after `epoch`: its value at the start of
    /// `epoch` is no longer kept (read), or epochs went backwards (write).
    /// @custom:fix stake as of sortition epoch {epoch} is no longer kept; draw in the epoch of the seed block
    error SortitionEpochTooOld(uint64 epoch, uint64 written);

    // ---------------------------------------------------------------- writes

    /// @notice Sets `key`'s value to `value` in epoch `epoch`. Allocates a leaf on the key's first
    /// non-zero value; setting an unknown key to 0, or any key to its current value, writes nothing.
    /// @dev Writes the leaf and each of its d ancestors that is a left child or the root (one slot
    /// each), plus, for a new key, its two index entries and the leaf count.
    function set(Tree storage tree, address key, uint256 value, uint64 epoch) internal {
        if (key == address(0)) revert SortitionZeroKey();
        if (value > MAX_VALUE) revert SortitionValueTooLarge(value);
        uint256 leaf = tree.leafOf[key];
        uint256 count = tree.leaves;
        if (leaf == 0) {
            if (value == 0) return;
            leaf = count;
            count += 1;
            tree.leafOf[key] = count;
            tree.keyAt[leaf] = key;
            tree.leaves = count;
            uint256 grown = _depth(count);
            // The new root's right half was empty in every epoch, so the old root's history is its history.
            if (grown != _depth(leaf)) tree.nodes[_id(grown, 0)] = tree.nodes[_id(grown - 1, 0)];
        } else {
            leaf -= 1;
        }
        uint256 leafNode = tree.nodes[_id(0, leaf)];
        uint256 old = leafNode >> 160;
        if (old == value) return;
        tree.nodes[_id(0, leaf)] = _update(leafNode, value, epoch);
        uint256 depth = _depth(count);
        // Values are below 2^96 and a node's live value is at least its leaf's: no overflow, no underflow.
        unchecked {
            for (uint256 level = 1; level <= depth; ++level) {
                uint256 index = leaf >> level;
                // A draw derives a right child from its parent less the left child and never reads
                // it, so internal right children are not kept (a leaf always is: keys read theirs).
                if (index & 1 == 1) continue;
                uint256 id = _id(level, index);
                uint256 node = tree.nodes[id];
                tree.nodes[id] = _update(node, (node >> 160) + value - old, epoch);
            }
        }
    }

    // ---------------------------------------------------------------- reads

    /// @notice `key`'s current value (0 for a key never set).
    function valueOf(Tree storage tree, address key) internal view returns (uint256) {
        uint256 leaf = tree.leafOf[key];
        return leaf == 0 ? 0 : tree.nodes[_id(0, leaf - 1)] >> 160;
    }

    /// @notice `key`'s value at the start of `epoch`, i.e. after every change made in earlier
    /// epochs. Reverts with `SortitionEpochTooOld` if the key changed in an epoch later than `epoch`.
    function valueAt(Tree storage tree, address key, uint64 epoch) internal view returns (uint256) {
        uint256 leaf = tree.leafOf[key];
        return leaf == 0 ? 0 : _valueAt(tree.nodes[_id(0, leaf - 1)], epoch);
    }

    /// @notice The sum of all current values.
    function total(Tree storage tree) internal view returns (uint256) {
        return tree.nodes[_id(_depth(tree.leaves), 0)] >> 160;
    }

    /// @notice The sum of all values at the start of `epoch`. Reverts with `SortitionEpochTooOld`
    /// if any value changed in an epoch later than `epoch`.
    function totalAt(Tree storage tree, uint64 epoch) internal view returns (uint256) {
        return _valueAt(tree.nodes[_id(_depth(tree.leaves), 0)], epoch);
    }

    /// @notice How many keys have a leaf (every key ever set to a non-zero value).
    function leafCount(Tree storage tree) internal view returns (uint256) {
        return tree.leaves;
    }

    /// @notice Draws up to `count` distinct keys, without replacement, each with probability
    /// proportional to its value at the start of `epoch`, from `seed`. Never returns `exclude`,
    /// nor a key whose value at the start of `epoch` is 0 or below `minimum`.
    /// @dev Lay the leaves' snapshot values end to end in leaf order. Attempt j (from 0) takes
    /// `uint256(keccak256(abi.encode(seed, j))) % remaining`, where `remaining` is the snapshot
    /// total less the keys already picked, as an offset into that line with the picked keys cut
    /// out, and picks the key whose stretch holds it. A picked key leaves the draw whether it was
    /// chosen or rejected (excluded, or below the minimum), so the chosen keys follow weighted
    /// sampling without replacement among the eligible keys. The picked keys are kept in memory
    /// as stretches of the line: stepping over them moves the offset onto the full line, and one
    /// walk down the tree finds its leaf, reading one slot (the left child) per level and writing
    /// nothing. At most `count + EXTRA_ATTEMPTS` attempts are made, so fewer than `count` keys
    /// come back when the snapshot has no more eligible value or when rejections use up the spare
    /// attempts (likely only if keys below `minimum` hold most of the value). Reverts with
    /// `SortitionEpochTooOld` if a node it reads changed in an epoch later than `epoch`, which
    /// cannot happen if `epoch` is the caller's current epoch.
    /// @return chosen the keys in the order drawn.
    function draw(Tree storage tree, bytes32 seed, uint256 count, uint64 epoch, address exclude, uint256 minimum)
        internal
        view
        returns (address[] memory chosen)
    {
        chosen = new address[](count);
        Walk memory w;
        w.epoch = epoch;
        w.depth = _depth(tree.leaves);
        w.rootValue = _valueAt(tree.nodes[_id(w.depth, 0)], epoch);
        w.remaining = w.rootValue;
        uint256 attempts = count + EXTRA_ATTEMPTS;
        w.starts = new uint256[](attempts);
        w.lengths = new uint256[](attempts);
        uint256 found;
        while (found < count && w.picked < attempts && w.remaining != 0) {
            (uint256 leaf, uint256 value) = _attempt(tree, w, seed);
            address key = tree.keyAt[leaf];
            if (key != exclude && value >= minimum) chosen[found++] = key;
        }
        // Shrinks the array in place to the keys found (found <= count).
        assembly ("memory-safe") {
            mstore(chosen, found)
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev A draw's working state (in memory, to keep the stack shallow).
    struct Walk {
        uint64 epoch;
        uint256 depth;
        uint256 rootValue;
        /// @dev The snapshot total less the keys already picked.
        uint256 remaining;
        /// @dev Keys picked so far (chosen or rejected), whose stretches [start, start + length)
        /// of the line are kept sorted by start.
        uint256 picked;
        uint256[] starts;
        uint256[] lengths;
    }

    /// @dev One attempt: the offset of attempt `w.picked` on the line with the picked stretches cut
    /// out, moved onto the full line, and the leaf whose stretch holds it, which leaves the draw.
    function _attempt(Tree storage tree, Walk memory w, bytes32 seed) private view returns (uint256 leaf, uint256 value) {
        uint256 offset = uint256(keccak256(abi.encode(seed, w.picked))) % w.remaining;
        uint256 at;
        // Stretches are disjoint and sorted, so the offset ends in a gap, before stretch `at`.
        unchecked {
            while (at < w.picked && w.starts[at] <= offset) {
                offset += w.lengths[at];
                ++at;
            }
        }
        uint256 start;
        (leaf, start, value) = _find(tree, w.depth, w.rootValue, offset, w.epoch);
        for (uint256 m = w.picked; m > at; --m) {
            w.starts[m] = w.starts[m - 1];
            w.lengths[m] = w.lengths[m - 1];
        }
        w.starts[at] = start;
        w.lengths[at] = value;
        w.picked += 1;
        w.remaining -= value;
    }

    /// @dev The node after setting its live value to `live` in `epoch`: the first change in an
    /// epoch keeps the value the epoch started with.
    function _update(uint256 node, uint256 live, uint64 epoch) private pure returns (uint256) {
        uint64 written = uint64(node);
        if (written > epoch) revert SortitionEpochTooOld(epoch, written);
        if (live > MAX_VALUE) revert SortitionValueTooLarge(live);
        uint256 base = written < epoch ? node >> 160 : uint96(node >> 64);
        return (live << 160) | (base << 64) | epoch;
    }

    /// @dev A node's value at the start of `epoch`; an all-zero slot reads 0 for every epoch.
    function _valueAt(uint256 node, uint64 epoch) private pure returns (uint256) {
        uint64 written = uint64(node);
        if (written < epoch) return node >> 160;
        if (written == epoch) return uint96(node >> 64);
        revert SortitionEpochTooOld(epoch, written);
    }

    /// @dev The leaf whose stretch of the snapshot line holds `offset` (< `rootValue`), where the
    /// stretch starts, and its snapshot value. Each node's snapshot value is the sum of its
    /// children's, so the right child's is the parent's less the left one's and is never read.
    function _find(Tree storage tree, uint256 depth, uint256 rootValue, uint256 offset, uint64 epoch)
        private
        view
        returns (uint256 leaf, uint256 start, uint256 value)
    {
        value = rootValue;
        uint256 rest = offset;
        unchecked {
            // Invariant: rest < value, the snapshot value of node (level, leaf).
            for (uint256 level = depth; level != 0;) {
                --level;
                uint256 left = leaf << 1;
                uint256 leftValue = _valueAt(tree.nodes[_id(level, left)], epoch);
                if (rest < leftValue) {
                    leaf = left;
                    value = leftValue;
                } else {
                    rest -= leftValue;
                    leaf = left | 1;
                    value -= leftValue;
                }
            }
            start = offset - rest;
        }
    }

    /// @dev The smallest d with 2^d >= leaves (0 for 0 or 1 leaf).
    function _depth(uint256 leaves) private pure returns (uint256) {
        return leaves <= 1 ? 0 : Math.log2(leaves - 1) + 1;
    }

    function _id(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 128) | index;
    }
}
