// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TrainingConsensus: per-update consensus over validators' scores (pure math, no storage)
/// @notice Scores are basis points (0..10000). `scores[v][j]` is validator v's score of update j;
/// `stakes[v]` is v's weight and `totalStake` their sum (> 0). Every matrix has at least one row
/// and one column, all rows the same length.
///
/// Acceptance bar of a score vector x: bar(x) = max(floorBps, floor(relativeBps * lowerMedian(x) / 10000)),
/// where lowerMedian is the element of rank floor((k - 1) / 2) (0-based) of x sorted ascending.
///
/// Flock: validator v passes update j iff scores[v][j] >= bar(scores[v]). Update j is accepted iff
/// the stake passing it is more than half the total (2 * passing > total); its consensus score is
/// floor(10000 * passing / total). Deviation of v = floor(10000 * #{j : v's pass/fail != outcome} / n).
///
/// MedianScore: consensus score c_j = the stake-weighted median of column j, defined as the
/// smallest value x in the column with 2 * sum{stakes[v] : scores[v][j] <= x} >= total. Update j is
/// accepted iff c_j >= bar(c). Deviation of v = floor(sum_j |scores[v][j] - c_j| / n).
///
/// In both, a validator's weight in the validators' pot is stakes[v] * (10000 - deviation[v]).
///
/// The inner loops read memory directly (assembly): settlement gas grows with validators x
/// updates, and checked array indexing there costs several times more. Every index stays inside
/// arrays allocated here or by the caller with the stated shapes.
library TrainingConsensus {
    uint256 internal constant BPS = 10_000;

    /// @dev What a consensus rule decides for one round.
    struct Outcome {
        uint16[] consensus; // per update: consensus score in bps
        bool[] accepted; // per update
        uint16[] deviation; // per validator: disagreement with consensus in bps
        uint256[] weight; // per validator: its weight in the validators' pot (before deviators are slashed)
    }

    function flock(uint16[][] memory scores, uint256[] memory stakes, uint256 totalStake, uint16 floorBps, uint16 relativeBps)
        internal
        pure
        returns (Outcome memory o)
    {
        uint256 m = scores.length;
        uint256 n = scores[0].length;
        uint256[] memory bars = new uint256[](m);
        uint256[] memory passing = new uint256[](n);
        for (uint256 v = 0; v < m; v++) {
            uint16[] memory row = scores[v];
            uint256 b = bar(floorBps, relativeBps, lowerMedian(row));
            bars[v] = b;
            uint256 stake = stakes[v];
            assembly ("memory-safe") {
                let p := add(row, 32)
                let q := add(passing, 32)
                for { let end := add(p, mul(n, 32)) } lt(p, end) {
                    p := add(p, 32)
                    q := add(q, 32)
                } {
                    if iszero(lt(mload(p), b)) { mstore(q, add(mload(q), stake)) }
                }
            }
        }
        o.consensus = new uint16[](n);
        o.accepted = new bool[](n);
        for (uint256 j = 0; j < n; j++) {
            uint256 pass = passing[j];
            o.accepted[j] = pass * 2 > totalStake;
            o.consensus[j] = uint16((pass * BPS) / totalStake);
        }
        o.deviation = new uint16[](m);
        o.weight = new uint256[](m);
        bool[] memory accepted = o.accepted;
        for (uint256 v = 0; v < m; v++) {
            uint16[] memory row = scores[v];
            uint256 b = bars[v];
            uint256 differ;
            assembly ("memory-safe") {
                let p := add(row, 32)
                let q := add(accepted, 32)
                for { let end := add(p, mul(n, 32)) } lt(p, end) {
                    p := add(p, 32)
                    q := add(q, 32)
                } {
                    // passes (score >= bar) differs from accepted
                    differ := add(differ, xor(iszero(lt(mload(p), b)), mload(q)))
                }
            }
            uint256 deviation = (differ * BPS) / n;
            o.deviation[v] = uint16(deviation);
            o.weight[v] = stakes[v] * (BPS - deviation);
        }
    }

    function medianScore(
        uint16[][] memory scores,
        uint256[] memory stakes,
        uint256 totalStake,
        uint16 floorBps,
        uint16 relativeBps
    ) internal pure returns (Outcome memory o) {
        uint256 m = scores.length;
        uint256 n = scores[0].length;
        o.consensus = new uint16[](n);
        uint16[] memory column = new uint16[](m);
        for (uint256 j = 0; j < n; j++) {
            uint256 offset = 32 * (j + 1);
            assembly ("memory-safe") {
                let src := add(scores, 32)
                let dst := add(column, 32)
                for { let end := add(src, mul(m, 32)) } lt(src, end) {
                    src := add(src, 32)
                    dst := add(dst, 32)
                } { mstore(dst, mload(add(mload(src), offset))) }
            }
            o.consensus[j] = uint16(weightedMedian(column, stakes, totalStake));
        }
        uint256 b = bar(floorBps, relativeBps, lowerMedian(o.consensus));
        o.accepted = new bool[](n);
        for (uint256 j = 0; j < n; j++) {
            o.accepted[j] = o.consensus[j] >= b;
        }
        o.deviation = new uint16[](m);
        o.weight = new uint256[](m);
        uint16[] memory consensus = o.consensus;
        for (uint256 v = 0; v < m; v++) {
            uint16[] memory row = scores[v];
            uint256 total;
            assembly ("memory-safe") {
                let p := add(row, 32)
                let q := add(consensus, 32)
                for { let end := add(p, mul(n, 32)) } lt(p, end) {
                    p := add(p, 32)
                    q := add(q, 32)
                } {
                    let s := mload(p)
                    let c := mload(q)
                    switch gt(s, c)
                    case 1 { total := add(total, sub(s, c)) }
                    default { total := add(total, sub(c, s)) }
                }
            }
            uint256 deviation = total / n;
            o.deviation[v] = uint16(deviation);
            o.weight[v] = stakes[v] * (BPS - deviation);
        }
    }

    /// @notice max(floorBps, floor(relativeBps * median / 10000)).
    function bar(uint16 floorBps, uint16 relativeBps, uint256 median) internal pure returns (uint256) {
        uint256 relative = (uint256(relativeBps) * median) / BPS;
        return relative > floorBps ? relative : floorBps;
    }

    /// @notice The lower median: the value of rank floor((k - 1) / 2) in ascending order (k > 0).
    /// Found by bisection over the values' range (at most 14 passes over the k values for scores
    /// in bps), so its cost does not depend on the order a validator chose for its scores.
    function lowerMedian(uint16[] memory values) internal pure returns (uint256 lo) {
        assembly ("memory-safe") {
            let k := mload(values)
            let start := add(values, 32)
            let end := add(start, mul(k, 32))
            lo := not(0)
            let hi := 0
            for { let p := start } lt(p, end) { p := add(p, 32) } {
                let x := mload(p)
                if lt(x, lo) { lo := x }
                if gt(x, hi) { hi := x }
            }
            let rank := add(div(sub(k, 1), 2), 1) // values that must be <= the answer
            for {} lt(lo, hi) {} {
                let mid := shr(1, add(lo, hi))
                let count := 0
                for { let p := start } lt(p, end) { p := add(p, 32) } { count := add(count, iszero(gt(mload(p), mid))) }
                switch lt(count, rank)
                case 0 { hi := mid }
                default { lo := add(mid, 1) }
            }
        }
    }

    /// @notice The stake-weighted median of `values` (one per validator, `stakes` alike): the
    /// smallest value x with 2 * (stake of the values at most x) >= totalStake. Found by bisection
    /// over the values' range; the answer is always one of the values, where the cumulative
    /// stake steps.
    function weightedMedian(uint16[] memory values, uint256[] memory stakes, uint256 totalStake)
        internal
        pure
        returns (uint256 lo)
    {
        assembly ("memory-safe") {
            let k := mload(values)
            let start := add(values, 32)
            let end := add(start, mul(k, 32))
            let weights := sub(add(stakes, 32), start) // offset from a value to its stake
            lo := not(0)
            let hi := 0
            for { let p := start } lt(p, end) { p := add(p, 32) } {
                let x := mload(p)
                if lt(x, lo) { lo := x }
                if gt(x, hi) { hi := x }
            }
            for {} lt(lo, hi) {} {
                let mid := shr(1, add(lo, hi))
                let below := 0
                for { let p := start } lt(p, end) { p := add(p, 32) } {
                    if iszero(gt(mload(p), mid)) { below := add(below, mload(add(p, weights))) }
                }
                // below * 2 >= totalStake (stakes are token amounts, far from overflowing)
                switch lt(mul(below, 2), totalStake)
                case 0 { hi := mid }
                default { lo := add(mid, 1) }
            }
        }
    }
}
