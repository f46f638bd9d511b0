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
        for (uint256 v = 0; v < m; v++) {
            bars[v] = bar(floorBps, relativeBps, lowerMedian(scores[v]));
        }
        o.consensus = new uint16[](n);
        o.accepted = new bool[](n);
        for (uint256 j = 0; j < n; j++) {
            uint256 passing;
            for (uint256 v = 0; v < m; v++) {
                if (scores[v][j] >= bars[v]) passing += stakes[v];
            }
            o.accepted[j] = passing * 2 > totalStake;
            o.consensus[j] = uint16((passing * BPS) / totalStake);
        }
        o.deviation = new uint16[](m);
        o.weight = new uint256[](m);
        for (uint256 v = 0; v < m; v++) {
            uint16[] memory row = scores[v];
            uint256 differ;
            for (uint256 j = 0; j < n; j++) {
                if ((row[j] >= bars[v]) != o.accepted[j]) differ++;
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
        for (uint256 j = 0; j < n; j++) {
            o.consensus[j] = weightedMedian(scores, j, stakes, totalStake);
        }
        uint256 b = bar(floorBps, relativeBps, lowerMedian(o.consensus));
        o.accepted = new bool[](n);
        for (uint256 j = 0; j < n; j++) {
            o.accepted[j] = o.consensus[j] >= b;
        }
        o.deviation = new uint16[](m);
        o.weight = new uint256[](m);
        for (uint256 v = 0; v < m; v++) {
            uint16[] memory row = scores[v];
            uint256 total;
            for (uint256 j = 0; j < n; j++) {
                uint256 s = row[j];
                uint256 c = o.consensus[j];
                total += s > c ? s - c : c - s;
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

    /// @notice The lower median: the value of rank floor((k - 1) / 2) in ascending order. Found by
    /// bisection over the value range (at most 14 passes over the k values), so the cost does not
    /// depend on the order a validator chose for its scores.
    function lowerMedian(uint16[] memory values) internal pure returns (uint256) {
        uint256 k = values.length;
        uint256 lo = type(uint256).max;
        uint256 hi;
        for (uint256 i = 0; i < k; i++) {
            uint256 x = values[i];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        uint256 rank = (k - 1) / 2 + 1; // how many values must be <= the answer
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            uint256 count;
            for (uint256 i = 0; i < k; i++) {
                if (values[i] <= mid) count++;
            }
            if (count >= rank) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// @notice The stake-weighted median of column `j`: the smallest value x in the column such
    /// that 2 * (stake of the rows scoring at most x) >= totalStake. Found by bisection over the
    /// value range (the answer is always one of the column's values, where the cumulative stake steps).
    function weightedMedian(uint16[][] memory scores, uint256 j, uint256[] memory stakes, uint256 totalStake)
        internal
        pure
        returns (uint16)
    {
        uint256 m = scores.length;
        uint256 lo = type(uint256).max;
        uint256 hi;
        for (uint256 v = 0; v < m; v++) {
            uint256 x = scores[v][j];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            uint256 below;
            for (uint256 v = 0; v < m; v++) {
                if (scores[v][j] <= mid) below += stakes[v];
            }
            if (below * 2 >= totalStake) hi = mid;
            else lo = mid + 1;
        }
        return uint16(lo);
    }
}
