// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title YumaConsensus: one Yuma consensus epoch over a dense validators × miners score matrix
/// @notice Bit for bit what the TypeScript epoch (src/mechanisms/consensus/yuma/epoch.ts, a port of
/// subtensor's sparse `epoch_mechanism`) computes for a subnet whose uids 0..V-1 are validators and
/// V..V+M-1 miners, with the validators' own stakes, permits and activity given as inputs and no
/// registration, commit-reveal or owner masks. Every quantity is an `I32F32` (raw bits `b` meaning
/// `b / 2^32`) held in a uint256 or int256; every rounding is the chain's:
/// - `a ⊗ b = (a·b) >> 32`, flooring (an arithmetic shift where an operand can be negative);
/// - `a ⊘ b = (a << 32) / b`, truncated, 0 when b is 0 (the EVM's DIV gives 0 there, as `safe_div`);
/// - `prop_u16(x) = min(65535, floor(x·65535 / 2^32))`, 0 for x ≤ 0; `u16_prop(v) = floor(v·2^32 / 65535)`;
/// - stake is normalised in `I64F64` and narrowed by flooring.
/// Scores and bonds travel as packed big-endian u16 matrices (row-major, 2 bytes per cell) so that a
/// 64 × 256 round is 32 KiB of calldata per matrix and the epoch's memory stays small: no V×M
/// intermediate is ever held, each column is recomputed from the packed scores where it is needed.
/// @dev The hot loops are assembly over memory the library allocated itself; their arithmetic
/// never overflows (values stay below 2^34, products below 2^67, partial sums below 2^41).
library YumaConsensus {
    /// @notice Hyperparameters, in the units subtensor stores them.
    struct Params {
        uint16 kappa; // consensus majority κ = kappa / 65535 (subtensor default 32767)
        uint16 bondsPenalty; // β = bondsPenalty / 65535; 65535 builds bonds from clipped weights
        uint64 bondsMovingAverage; // fixed EMA rate α = 1 − bondsMovingAverage / 10^6 (at most 10^6)
        bool yuma3; // Yuma 3 (absolute bonds, stake only in dividends) instead of original Yuma
        bool liquidAlpha; // per-cell EMA rate from a sigmoid (Yuma 3 only)
        uint16 alphaLow; // α_low = alphaLow / 65535
        uint16 alphaHigh; // α_high = alphaHigh / 65535
        int16 alphaSigmoidSteepness; // steepness of the liquid-alpha sigmoid
    }

    /// @notice One epoch's inputs for V validators and M miners.
    struct Input {
        bytes weights; // V×M u16 scores, big-endian, row-major: validator i's score of miner j at byte 2·(i·M + j)
        bytes bonds; // the previous epoch's stored bonds, same layout; empty when there are none
        uint64[] stakes; // per validator, in rao (their count is V)
        bool[] permits; // validator permits from the previous epoch (rows without one are ignored)
        bool[] active; // validators that set weights recently enough (inactive ones carry no active stake)
        uint64 emission; // rao to distribute this epoch
    }

    /// @notice What the epoch computes: u16 values as the chain stores them, and the emission in rao.
    struct Output {
        uint16[] consensus; // per miner
        uint16[] incentive; // per miner
        uint16[] dividends; // per validator
        uint16[] validatorTrust; // per validator
        bool[] validatorPermit; // new permits: validators whose normalised stake is not zero
        bytes bonds; // new bonds, V×M packed like the inputs; rows without a new permit are zero
        uint64[] minerEmission; // rao per miner
        uint64[] validatorEmission; // rao per validator
    }

    /// @notice Intermediate aggregates of one epoch from which every output follows in O(V + M),
    /// each one checkable on its own: the per-miner ones by recomputing one column, the
    /// per-validator ones by recomputing one row (see {checkColumn}, {checkRow}, {settle}).
    /// All are raw I32F32 bits except `bondSums` (whole u16 units).
    struct Claim {
        uint64[] consensus; // C_j
        uint64[] ranks; // R_j = Σ_i A_i ⊗ min(W_ij, C_j), before normalisation
        uint64[] bondSums; // original Yuma: Σ_i stored bond u16 of column j (0 under Yuma 3)
        uint64[] deltaSums; // original Yuma: Σ_i ΔB_ij = Σ_i WB_ij ⊗ A_i (0 under Yuma 3)
        uint64[] emaSums; // Σ_i EMA_ij, the column's bond EMA before normalisation
        uint64[] trust; // VT_i
        uint64[] dividends; // D_i before normalisation
        bytes bonds; // the new bonds, packed like the inputs
    }

    /// @notice What one column recomputes to (see {checkColumn}).
    struct ColumnCheck {
        uint256 consensus;
        uint256 rank;
        uint256 bondSum;
        uint256 deltaSum;
        uint256 emaSum;
        uint16[] bonds; // the column's new bonds, one per validator
    }

    /// @notice The input's shape is inconsistent: V validators, a weight matrix of the given byte length.
    /// @custom:fix give weights and bonds with one row per validator and one u16 per trainer
    error YumaShapeInvalid(uint256 validators, uint256 weightBytes, uint256 bondBytes);
    /// @notice `bondsMovingAverage` above 10^6 would make the EMA rate negative.
    /// @custom:fix the bonds moving average is at most 1,000,000 (parts per million), not {bondsMovingAverage}
    error YumaMovingAverageTooLarge(uint64 bondsMovingAverage);
    /// @notice A claim's vectors do not have one entry per miner or validator, or its bonds the input's size.
    /// @custom:fix the claimed outputs must have one entry per validator and per trainer
    error YumaClaimShapeInvalid();
    /// @notice A column or row index beyond the matrix.
    /// @custom:fix index {index} is out of range (below {limit})
    error YumaIndexOutOfRange(uint256 index, uint256 limit);

    /// @dev `1.0` as I32F32 bits.
    uint256 internal constant ONE = 1 << 32;
    /// @dev At most this many validators and miners (the row sum of u16 scores must stay below 2^31).
    uint256 internal constant MAX_VALIDATORS = 256;
    uint256 internal constant MAX_MINERS = 16_384;

    int256 private constant ONE_I = 1 << 32;
    int256 private constant HALF_I = 1 << 31;
    int256 private constant I64_MAX = type(int64).max;
    int256 private constant I64_MIN = type(int64).min;
    uint256 private constant I128_MAX = (1 << 127) - 1;
    /// @dev substrate-fixed's `E` (e floored to 23 fraction bits, `0xadf85458a2bb4a9aafdc5620273d3cf1 >> 103`),
    /// widened to I32F32 (`<< 9`).
    int256 private constant E_BITS = 0x2b7e15000;
    int256 private constant EXP_LIMIT = 20 << 32;

    /// @dev Liquid-alpha settings as I32F32 bits.
    struct LiquidAlpha {
        int256 low;
        int256 high;
        int256 slope; // steepness ⊘sat −100
        int256 atZero; // the alpha of a cell whose distance from consensus is 0
    }

    uint256 private constant MODE_ORIGINAL = 0;
    uint256 private constant MODE_YUMA3 = 1;
    uint256 private constant MODE_YUMA3_LIQUID = 2;

    /// @dev State shared by the stages of one epoch. Arrays are I32F32 bits.
    struct Work {
        uint256 v;
        uint256 m;
        uint256 stride; // bytes per packed row (2·M)
        uint256 mode; // MODE_*
        uint256[] stake; // S: normalised stake
        uint256[] activeStake; // A
        uint256[] rowSum; // Σ_j u16 of each permitted row, 0 for rows without a permit
        uint256[] trust; // VT, accumulated column by column
        uint256[] dividends; // D (before normalisation), accumulated column by column
        uint256[] consensus; // C
        uint256[] incentive; // R, then I
        uint256 voters; // rows with A > 0
        uint256[] records; // five words per voter, see _setup
        uint256 sigma; // Σ of the voters' renormalised stake
        uint256 kappa; // u16_prop(kappa)
        uint256 beta; // u16_prop(bondsPenalty)
        uint256 alpha; // the fixed EMA rate
        uint256[] bufA; // median scratch, one word per voter
        uint256[] bufB;
        uint256[] cur; // column scratch, one word per validator
        uint256[] old;
        uint256[] permitted; // 1 where the validator has a new permit (S_i ≠ 0): only those rows store bonds
        LiquidAlpha liquid;
    }

    /// @notice Runs one epoch.
    /// @param p hyperparameters.
    /// @param x scores, stakes, masks, previous bonds and the emission.
    /// @return out consensus, incentive, dividends, validator trust, new permits, new bonds and emission.
    function epoch(Params memory p, Input memory x) internal pure returns (Output memory out) {
        Work memory w = _setup(p, x);
        bool anyConsensus;
        for (uint256 j; j < w.m; ++j) {
            (uint256 c, uint256 rank) = _consensusColumn(w, x.weights, j);
            w.consensus[j] = c;
            w.incentive[j] = rank;
            if (c != 0) anyConsensus = true;
        }
        normalize(w.incentive);
        _useLiquidAlpha(w, p, anyConsensus);
        out.bonds = new bytes(x.weights.length);
        for (uint256 j; j < w.m; ++j) {
            _bondsColumn(w, x, out.bonds, j, w.consensus[j], w.incentive[j]);
        }
        if (p.yuma3) _scaleByActiveStake(w);
        normalize(w.dividends);
        _finish(w, x, out);
    }

    /// @notice Recomputes everything that depends on one column j of the scores alone: C_j, R_j,
    /// the column's bond sums and its new bonds. Self-contained: O(V·M) to read the row sums, then
    /// O(V) work for the column (plus the liquid-alpha sigmoid per cell when it applies).
    /// @param anyConsensus whether some C_k ≠ 0 (switches liquid alpha on under Yuma 3); from the claim.
    function checkColumn(Params memory p, Input memory x, uint256 j, bool anyConsensus)
        internal
        pure
        returns (ColumnCheck memory r)
    {
        Work memory w = _setup(p, x);
        if (j >= w.m) revert YumaIndexOutOfRange(j, w.m);
        (r.consensus, r.rank) = _consensusColumn(w, x.weights, j);
        _useLiquidAlpha(w, p, anyConsensus);
        bytes memory out = new bytes(x.weights.length);
        (r.bondSum, r.deltaSum, r.emaSum) = _bondsColumn(w, x, out, j, r.consensus, 0);
        r.bonds = new uint16[](w.v);
        for (uint256 i; i < w.v; ++i) {
            r.bonds[i] = uint16(_u16At(out, i * w.stride + 2 * j));
        }
    }

    /// @notice Recomputes validator i's trust VT_i and raw dividend D_i from its score row, its bond
    /// row and the claim's per-miner aggregates (consensus, ranks and the column sums), which
    /// {checkColumn} verifies one by one.
    function checkRow(Params memory p, Input memory x, Claim memory c, uint256 i)
        internal
        pure
        returns (uint256 trust, uint256 dividend)
    {
        Work memory w = _setup(p, x);
        if (i >= w.v) revert YumaIndexOutOfRange(i, w.v);
        _checkClaimShape(w, x, c);
        uint256[] memory incentive = _widen(c.ranks);
        normalize(incentive);
        bool anyConsensus;
        for (uint256 j; j < w.m; ++j) {
            if (c.consensus[j] != 0) anyConsensus = true;
        }
        _useLiquidAlpha(w, p, anyConsensus);
        uint256 rowSum = w.rowSum[i];
        uint256 a = w.activeStake[i];
        bool hasBonds = x.bonds.length != 0;
        for (uint256 j; j < w.m; ++j) {
            uint256 offset = i * w.stride + 2 * j;
            uint256 cj = c.consensus[j];
            uint256 wij = (_u16At(x.weights, offset) << 32) / _orOne(rowSum);
            uint256 clipped = wij > cj ? cj : wij;
            trust += clipped;
            uint256 wb = wij - ((w.beta * (wij - clipped) + 0xffffffff) >> 32);
            uint256 bu = hasBonds ? _u16At(x.bonds, offset) : 0;
            uint256 ema;
            if (w.mode == MODE_ORIGINAL) {
                uint256 dn = ((((wb * a) >> 32)) << 32) / _orOne(c.deltaSums[j]);
                uint256 bn = (bu << 32) / _orOne(c.bondSums[j]);
                ema = ((w.alpha * dn) >> 32) + (((ONE - w.alpha) * bn) >> 32);
            } else {
                ema = _yuma3Ema(w, wb, (bu << 32) / 65_535, cj);
            }
            uint256 en = (ema << 32) / _orOne(c.emaSums[j]);
            dividend += (incentive[j] * en) >> 32;
        }
        if (w.mode != MODE_ORIGINAL) dividend = (dividend * a) >> 32;
    }

    /// @notice Reverts unless the input is well formed and the claim has one entry per miner and
    /// validator and bonds of the input's size.
    function checkClaimShape(Params memory p, Input memory x, Claim memory c) internal pure {
        Work memory w = _setup(p, x);
        _checkClaimShape(w, x, c);
    }

    /// @notice The epoch's outputs from a claim's aggregates (taken as correct), in O(V + M).
    function settle(Params memory p, Input memory x, Claim memory c) internal pure returns (Output memory out) {
        Work memory w = _setup(p, x);
        _checkClaimShape(w, x, c);
        w.consensus = _widen(c.consensus);
        w.incentive = _widen(c.ranks);
        normalize(w.incentive);
        w.trust = _widen(c.trust);
        w.dividends = _widen(c.dividends);
        normalize(w.dividends);
        out.bonds = c.bonds;
        _finish(w, x, out);
    }

    /// @notice The claim an honest party would post: every aggregate of the epoch.
    function claimOf(Params memory p, Input memory x) internal pure returns (Claim memory c) {
        Work memory w = _setup(p, x);
        c.consensus = new uint64[](w.m);
        c.ranks = new uint64[](w.m);
        bool anyConsensus;
        for (uint256 j; j < w.m; ++j) {
            (uint256 cj, uint256 rank) = _consensusColumn(w, x.weights, j);
            w.consensus[j] = cj;
            w.incentive[j] = rank;
            c.consensus[j] = uint64(cj);
            c.ranks[j] = uint64(rank);
            if (cj != 0) anyConsensus = true;
        }
        normalize(w.incentive);
        _useLiquidAlpha(w, p, anyConsensus);
        c.bonds = new bytes(x.weights.length);
        c.bondSums = new uint64[](w.m);
        c.deltaSums = new uint64[](w.m);
        c.emaSums = new uint64[](w.m);
        for (uint256 j; j < w.m; ++j) {
            (uint256 bondSum, uint256 deltaSum, uint256 emaSum) =
                _bondsColumn(w, x, c.bonds, j, w.consensus[j], w.incentive[j]);
            c.bondSums[j] = uint64(bondSum);
            c.deltaSums[j] = uint64(deltaSum);
            c.emaSums[j] = uint64(emaSum);
        }
        if (p.yuma3) _scaleByActiveStake(w);
        c.trust = _narrow(w.trust);
        c.dividends = _narrow(w.dividends);
    }

    // ---------------------------------------------------------------- fixed-point helpers

    /// @notice `a ⊗ b`: floor(a·b / 2^32), saturated to the I32F32 range (`saturating_mul`).
    function mul(int256 a, int256 b) internal pure returns (int256 r) {
        r = (a * b) >> 32;
        if (r > I64_MAX) r = I64_MAX;
        if (r < I64_MIN) r = I64_MIN;
    }

    /// @notice `a ⊘ b`: trunc(a·2^32 / b); 0 when b is 0 or the quotient leaves I32F32 (`safe_div`).
    function div(int256 a, int256 b) internal pure returns (int256 q) {
        if (b == 0) return 0;
        q = (a * ONE_I) / b;
        if (q > I64_MAX || q < I64_MIN) return 0;
    }

    /// @notice trunc(a·2^32 / b) clamped to the I32F32 range (`saturating_div`); b must not be 0.
    function saturatingDiv(int256 a, int256 b) internal pure returns (int256 q) {
        q = (a * ONE_I) / b;
        if (q > I64_MAX) q = I64_MAX;
        if (q < I64_MIN) q = I64_MIN;
    }

    /// @notice `fixed_proportion_to_u16`: floor(x·65535 / 2^32), 0 for x ≤ 0, at most 65535.
    function propToU16(int256 x) internal pure returns (uint16) {
        if (x <= 0) return 0;
        uint256 v = (uint256(x) * 65_535) >> 32;
        return v > 65_535 ? 65_535 : uint16(v);
    }

    /// @notice `u16_proportion_to_fixed`: floor(v·2^32 / 65535).
    function u16ToProp(uint16 v) internal pure returns (int256) {
        return int256((uint256(v) << 32) / 65_535);
    }

    /// @notice `inplace_normalize` of non-negative I32F32 bits: each `v_i ⊘ Σv`, unchanged if Σv = 0.
    function normalize(uint256[] memory values) internal pure {
        uint256 total;
        uint256 n = values.length;
        unchecked {
            for (uint256 i; i < n; ++i) total += values[i];
            if (total == 0) return;
            // v ≤ Σv, so the quotient never leaves I32F32.
            for (uint256 i; i < n; ++i) values[i] = (values[i] << 32) / total;
        }
    }

    /// @notice substrate-fixed's `exp` on I32F32: 1 at 0, the constant E at 1, otherwise the Taylor
    /// sum 1 + x + Σ_{i=2..31} term_i with term_i = floor(floor(term_{i−1}·|x| / 2^32) / i), and
    /// the reciprocal for x < 0.
    /// @return value e^x as I32F32 bits (meaningless when `ok` is false).
    /// @return ok false where the chain's checked arithmetic fails.
    function exp(int256 x) internal pure returns (int256 value, bool ok) {
        if (x == 0) return (ONE_I, true);
        if (x == ONE_I) return (E_BITS, true);
        if (x > I64_MAX || x < -I64_MAX) return (0, false);
        uint256 operand = uint256(x < 0 ? -x : x);
        uint256 result;
        assembly ("memory-safe") {
            // operand < 2^63 and every kept term ≤ I64::MAX, so term·operand < 2^126 and the sum < 2^69.
            let limit := 0x7fffffffffffffff
            result := add(operand, 0x100000000)
            let term := operand
            ok := 1
            for { let i := 2 } lt(i, 32) { i := add(i, 1) } {
                term := shr(32, mul(term, operand))
                if gt(term, limit) {
                    ok := 0
                    break
                }
                term := div(term, i)
                if iszero(term) { break } // every later term is 0 too
                result := add(result, term)
            }
            // The sum only grows, so it passed the bound at some step exactly when it ends past it.
            if gt(result, limit) { ok := 0 }
        }
        if (!ok) return (0, false);
        if (x < 0) result = (uint256(1) << 64) / result;
        return (int256(result), true);
    }

    /// @notice `exp_safe`: x clamped to [−20, 20], then {exp}; 0 (x ≤ 0) or I32F32::MAX on failure.
    function expSafe(int256 x) internal pure returns (int256) {
        if (x < -EXP_LIMIT) x = -EXP_LIMIT;
        if (x > EXP_LIMIT) x = EXP_LIMIT;
        (int256 value, bool ok) = exp(x);
        if (ok) return value;
        return x <= 0 ? int256(0) : I64_MAX;
    }

    /// @notice The liquid-alpha sigmoid core `1 ⊘sat (1 +sat exp_safe(t))`: {expSafe} and the
    /// division inlined, since liquid alpha evaluates it for almost every cell.
    function sigmoid(int256 t) internal pure returns (int256 s) {
        assembly ("memory-safe") {
            let one := 0x100000000
            let bound := 0x1400000000 // 20·ONE
            let x := t
            if sgt(x, bound) { x := bound }
            if slt(x, sub(0, bound)) { x := sub(0, bound) }
            let e := one
            if x {
                switch eq(x, one)
                case 1 { e := E_BITS }
                default {
                    // With |x| ≤ 20 the checked steps of `exp` cannot fail: every term before its
                    // division is below 20^21/20!·2^32 < 2^62 and the sum below e^20·2^32 < 2^61.
                    let operand := x
                    if slt(x, 0) { operand := sub(0, x) }
                    let result := add(operand, one)
                    let term := operand
                    for { let i := 2 } lt(i, 32) { i := add(i, 1) } {
                        term := div(shr(32, mul(term, operand)), i)
                        if iszero(term) { break } // every later term is 0 too
                        result := add(result, term)
                    }
                    e := result
                    if slt(x, 0) { e := div(shl(64, 1), result) }
                }
            }
            // 1 + e < 2^62: neither the saturating addition nor the division saturates.
            s := div(shl(64, 1), add(one, e))
        }
    }

    // ---------------------------------------------------------------- epoch stages

    /// @dev Checks the shape and parameters, then stake (S), active stake (A), row sums, the
    /// voters and the scratch every column reuses.
    function _setup(Params memory p, Input memory x) private pure returns (Work memory w) {
        if (p.bondsMovingAverage > 1_000_000) revert YumaMovingAverageTooLarge(p.bondsMovingAverage);
        uint256 v = x.stakes.length;
        uint256 bytesLength = x.weights.length;
        if (
            v == 0 || v > MAX_VALIDATORS || x.permits.length != v || x.active.length != v
                || bytesLength % (2 * v) != 0 || bytesLength / (2 * v) > MAX_MINERS
                || (x.bonds.length != 0 && x.bonds.length != bytesLength)
        ) revert YumaShapeInvalid(v, bytesLength, x.bonds.length);
        w.v = v;
        w.m = bytesLength / (2 * v);
        w.stride = 2 * w.m;
        w.kappa = (uint256(p.kappa) << 32) / 65_535;
        w.beta = (uint256(p.bondsPenalty) << 32) / 65_535;
        w.alpha = ONE - (((uint256(p.bondsMovingAverage) << 64) / 1_000_000) >> 32);
        w.mode = p.yuma3 ? MODE_YUMA3 : MODE_ORIGINAL;
        w.trust = new uint256[](v);
        w.dividends = new uint256[](v);
        w.consensus = new uint256[](w.m);
        w.incentive = new uint256[](w.m);

        // Stake: I64F64 x_i = s_i << 64 (saturated at I128::MAX), S_i = ((x_i << 64) / Σx) >> 32.
        w.stake = new uint256[](v);
        uint256 total;
        unchecked {
            for (uint256 i; i < v; ++i) {
                uint256 fixed64 = uint256(x.stakes[i]) << 64;
                if (fixed64 > I128_MAX) fixed64 = I128_MAX;
                w.stake[i] = fixed64;
                total += fixed64;
            }
            for (uint256 i; i < v; ++i) {
                w.stake[i] = total == 0 ? w.stake[i] >> 32 : ((w.stake[i] << 64) / total) >> 32;
            }
        }

        // Active stake: S masked by activity and the old permits, normalised.
        w.activeStake = new uint256[](v);
        for (uint256 i; i < v; ++i) {
            if (x.active[i] && x.permits[i]) w.activeStake[i] = w.stake[i];
        }
        normalize(w.activeStake);

        // Row sums of the permitted rows (rows without a permit are dropped: a zero sum reads as W = 0).
        w.rowSum = new uint256[](v);
        for (uint256 i; i < v; ++i) {
            if (x.permits[i]) w.rowSum[i] = _packedRowSum(x.weights, i * w.stride, w.stride);
        }

        // Voters: rows with A > 0, in uid order, their stake renormalised over themselves. One record
        // of five words per voter: row offset, row sum, A, a (stake among voters), scratch for W_ij.
        uint256 voters;
        for (uint256 i; i < v; ++i) {
            if (w.activeStake[i] != 0) ++voters;
        }
        w.voters = voters;
        uint256[] memory voterStake = new uint256[](voters);
        w.records = new uint256[](5 * voters);
        uint256 k;
        for (uint256 i; i < v; ++i) {
            uint256 a = w.activeStake[i];
            if (a == 0) continue;
            w.records[5 * k] = i * w.stride;
            w.records[5 * k + 1] = w.rowSum[i];
            w.records[5 * k + 2] = a;
            voterStake[k] = a;
            ++k;
        }
        normalize(voterStake);
        for (uint256 t; t < voters; ++t) {
            w.records[5 * t + 3] = voterStake[t];
            unchecked {
                w.sigma += voterStake[t];
            }
        }
        w.bufA = new uint256[](voters);
        w.bufB = new uint256[](voters);
        w.cur = new uint256[](v);
        w.old = new uint256[](v);
        w.permitted = new uint256[](v);
        for (uint256 i; i < v; ++i) {
            if (w.stake[i] != 0) w.permitted[i] = 1;
        }
    }

    /// @dev Σ of the u16 cells in bytes [offset, offset + length) of a packed matrix, 16 cells a word.
    function _packedRowSum(bytes memory packed, uint256 offset, uint256 length) private pure returns (uint256 sum) {
        assembly ("memory-safe") {
            let lanes32 := 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff
            let p := add(add(packed, 32), offset)
            let end := add(p, length)
            let acc := 0 // eight 32-bit lanes; each gains < 2^17 a word, so 1024 words cannot overflow
            for {} lt(add(p, 31), end) { p := add(p, 32) } {
                let word := mload(p)
                acc := add(acc, add(and(word, lanes32), and(shr(16, word), lanes32)))
            }
            if lt(p, end) {
                // The tail: keep only the bytes inside the row (the high ones, big-endian).
                let word := and(mload(p), not(sub(shl(sub(256, shl(3, sub(end, p))), 1), 1)))
                acc := add(acc, add(and(word, lanes32), and(shr(16, word), lanes32)))
            }
            for { let lane := 0 } lt(lane, 8) { lane := add(lane, 1) } {
                sum := add(sum, and(shr(shl(5, lane), acc), 0xffffffff))
            }
        }
    }

    /// @dev C_j, the stake-weighted median of column j over the voters, and the rank
    /// R_j = Σ_voters A_i ⊗ min(W_ij, C_j).
    function _consensusColumn(Work memory w, bytes memory weights, uint256 j)
        private
        pure
        returns (uint256 c, uint256 rank)
    {
        uint256[] memory records = w.records;
        uint256[] memory bufA = w.bufA;
        uint256[] memory bufB = w.bufB;
        uint256 voters = w.voters;
        uint256 kappa = w.kappa;
        uint256 sigma = w.sigma;
        assembly ("memory-safe") {
            // Stake of the members below and above the pivot. Every voter's stake is at least 1
            // (A_i ≥ 1 is divided by ΣA ≤ 1), so a side is empty exactly when its stake is 0.
            function sides(src, end, pivot) -> sl, su {
                for {} lt(src, end) { src := add(src, 32) } {
                    let e := mload(src)
                    let s := shr(64, e)
                    let st := sub(e, shl(64, s))
                    sl := add(sl, mul(lt(s, pivot), st))
                    su := add(su, mul(gt(s, pivot), st))
                }
            }
            // Copies the members below the pivot to dst; returns the end of the copy.
            function keepLower(src, end, pivot, dst) -> dstEnd {
                for {} lt(src, end) { src := add(src, 32) } {
                    let e := mload(src)
                    mstore(dst, e)
                    dst := add(dst, shl(5, lt(shr(64, e), pivot)))
                }
                dstEnd := dst
            }
            // Copies the members above the pivot to dst; returns the end of the copy.
            function keepUpper(src, end, pivot, dst) -> dstEnd {
                for {} lt(src, end) { src := add(src, 32) } {
                    let e := mload(src)
                    mstore(dst, e)
                    dst := add(dst, shl(5, gt(shr(64, e), pivot)))
                }
                dstEnd := dst
            }
            // subtensor's `weighted_median`: pivot on the middle member, keep the side holding the
            // quantile μ = σ − κ, return the pivot when neither side does. The result does not
            // depend on the pivot order (it is the smallest score whose cumulative stake exceeds μ,
            // clamped to the extreme scores), so the sides may be kept in any order. Members are
            // (score << 64) | stake in `src`; `other` is scratch of the same size. Comparisons with
            // μ, which can be negative, are made as `σ < y + κ` ⇔ `μ < y`.
            function median(src, other, count, kap, sig) -> result {
                let lo := 0
                let hi := sig
                let end := add(src, shl(5, count))
                for {} 1 {} {
                    if iszero(count) { break }
                    if eq(count, 1) {
                        result := shr(64, mload(src))
                        break
                    }
                    let pivot := shr(64, mload(add(src, shl(5, shr(1, count)))))
                    let sl, su := sides(src, end, pivot)
                    let otherEnd := 0
                    switch and(lt(sig, add(add(lo, sl), kap)), gt(sl, 0))
                    case 1 {
                        hi := add(lo, sl)
                        otherEnd := keepLower(src, end, pivot, other)
                    }
                    default {
                        if or(gt(add(sub(hi, su), kap), sig), iszero(su)) {
                            result := pivot
                            break
                        }
                        lo := sub(hi, su)
                        otherEnd := keepUpper(src, end, pivot, other)
                    }
                    // A member not kept was written too, then overwritten or left past the end.
                    count := shr(5, sub(otherEnd, other))
                    let previous := src
                    src := other
                    end := otherEnd
                    other := previous
                }
            }

            let recordsStart := add(records, 32)
            let recordsEnd := add(recordsStart, mul(160, voters))
            let a := add(bufA, 32)
            // Gather W_ij = (u << 32) / rowSum (0 for a zero sum) into the records and the buffer.
            let cell := add(add(weights, 32), shl(1, j))
            let dst := a
            for { let r := recordsStart } lt(r, recordsEnd) { r := add(r, 160) } {
                let wij := div(shl(32, shr(240, mload(add(cell, mload(r))))), mload(add(r, 32)))
                mstore(add(r, 128), wij)
                mstore(dst, or(shl(64, wij), mload(add(r, 96))))
                dst := add(dst, 32)
            }
            c := median(a, add(bufB, 32), voters, kappa, sigma)
            for { let r := recordsStart } lt(r, recordsEnd) { r := add(r, 160) } {
                let clipped := mload(add(r, 128))
                if gt(clipped, c) { clipped := c }
                rank := add(rank, shr(32, mul(mload(add(r, 64)), clipped)))
            }
        }
    }

    /// @dev Selects liquid alpha for the bonds when it applies (Yuma 3, on, and some C ≠ 0).
    function _useLiquidAlpha(Work memory w, Params memory p, bool anyConsensus) private pure {
        if (p.yuma3 && p.liquidAlpha && anyConsensus) {
            w.mode = MODE_YUMA3_LIQUID;
            w.liquid = _liquidAlpha(p);
        }
    }

    /// @dev Column j of the bonds: adds the column's terms to VT and to D (with I_j = `ij`),
    /// writes the new bonds of the permitted rows into `outBonds`, and returns the column sums a
    /// claim carries.
    function _bondsColumn(Work memory w, Input memory x, bytes memory outBonds, uint256 j, uint256 c, uint256 ij)
        private
        pure
        returns (uint256 bondSum, uint256 deltaSum, uint256 emaSum)
    {
        if (w.mode == MODE_ORIGINAL) return _originalColumn(w, x, outBonds, j, c, ij);
        if (w.mode == MODE_YUMA3) return (0, 0, _yuma3FixedColumn(w, x, outBonds, j, c, ij));
        return (0, 0, _yuma3LiquidColumn(w, x, outBonds, j, c, ij));
    }

    /// @dev Original Yuma, one column: B column-normalised, ΔB = WB ⊗ A column-normalised,
    /// EMA = α ⊗ ΔB + (1 − α) ⊗ B, EN = EMA column-normalised, D_i += I_j ⊗ EN_ij, stored bonds
    /// prop_u16(EN ⊘ column max).
    function _originalColumn(Work memory w, Input memory x, bytes memory outBonds, uint256 j, uint256 c, uint256 ij)
        private
        pure
        returns (uint256 sumOld, uint256 sumDelta, uint256 sumEma)
    {
        uint256[] memory cur = w.cur;
        uint256[] memory old = w.old;
        uint256[] memory permitted = w.permitted;
        bytes memory weights = x.weights;
        bytes memory bonds = x.bonds;
        uint256 hasBonds = bonds.length == 0 ? 0 : 1;
        uint256[] memory rowSum = w.rowSum;
        uint256[] memory activeStake = w.activeStake;
        uint256[] memory trust = w.trust;
        uint256[] memory dividends = w.dividends;
        uint256 stride = w.stride;
        uint256 beta = w.beta;
        uint256 alpha = w.alpha;
        uint256 vEnd = 32 + 32 * w.v;
        assembly ("memory-safe") {
            let wCell := add(add(weights, 32), shl(1, j))
            let bCell := add(add(bonds, 32), shl(1, j))
            for { let t := 32 } lt(t, vEnd) { t := add(t, 32) } {
                let wij := div(shl(32, shr(240, mload(wCell))), mload(add(rowSum, t)))
                let clipped := wij
                if gt(clipped, c) { clipped := c }
                mstore(add(trust, t), add(mload(add(trust, t)), clipped))
                // WB = W + β ⊗ (CW − W) with CW − W ≤ 0: the floor is W − ceil(β·(W − CW) / 2^32).
                let wb := sub(wij, shr(32, add(mul(beta, sub(wij, clipped)), 0xffffffff)))
                let delta := shr(32, mul(wb, mload(add(activeStake, t))))
                mstore(add(cur, t), delta)
                sumDelta := add(sumDelta, delta)
                let b := mul(hasBonds, shr(240, mload(bCell)))
                mstore(add(old, t), b)
                sumOld := add(sumOld, b)
                wCell := add(wCell, stride)
                bCell := add(bCell, stride)
            }
            let oneMinusAlpha := sub(0x100000000, alpha)
            let maxEma := 0
            for { let t := 32 } lt(t, vEnd) { t := add(t, 32) } {
                let bn := div(shl(32, mload(add(old, t))), sumOld)
                let dn := div(shl(32, mload(add(cur, t))), sumDelta)
                let ema := add(shr(32, mul(alpha, dn)), shr(32, mul(oneMinusAlpha, bn)))
                mstore(add(cur, t), ema)
                sumEma := add(sumEma, ema)
                if gt(ema, maxEma) { maxEma := ema }
            }
            // EN_i = floor(EMA_i·2^32 / ΣEMA) is monotone in EMA_i: the column's largest EN is EN of the largest EMA.
            let colMax := div(shl(32, maxEma), sumEma)
            let out := add(add(outBonds, 32), shl(1, j))
            for { let t := 32 } lt(t, vEnd) { t := add(t, 32) } {
                let en := div(shl(32, mload(add(cur, t))), sumEma)
                mstore(add(dividends, t), add(mload(add(dividends, t)), shr(32, mul(ij, en))))
                if mload(add(permitted, t)) {
                    let q := shr(32, mul(div(shl(32, en), colMax), 65535))
                    if gt(q, 65535) { q := 65535 }
                    mstore8(out, shr(8, q))
                    mstore8(add(out, 1), q)
                }
                out := add(out, stride)
            }
        }
    }

    /// @dev Yuma 3 with the fixed rate, one column: B = u16_prop(stored),
    /// EMA = α ⊗ WB + (1 − α) ⊗ B, stored as prop_u16(EMA); D_i += EN_ij ⊗ I_j (scaled by A_i later).
    function _yuma3FixedColumn(Work memory w, Input memory x, bytes memory outBonds, uint256 j, uint256 c, uint256 ij)
        private
        pure
        returns (uint256 sumEma)
    {
        uint256[] memory cur = w.cur;
        uint256[] memory permitted = w.permitted;
        bytes memory weights = x.weights;
        bytes memory bonds = x.bonds;
        uint256 hasBonds = bonds.length == 0 ? 0 : 1;
        uint256[] memory rowSum = w.rowSum;
        uint256[] memory trust = w.trust;
        uint256[] memory dividends = w.dividends;
        uint256 stride = w.stride;
        uint256 beta = w.beta;
        uint256 alpha = w.alpha;
        uint256 vEnd = 32 + 32 * w.v;
        assembly ("memory-safe") {
            let oneMinusAlpha := sub(0x100000000, alpha)
            let wCell := add(add(weights, 32), shl(1, j))
            let bCell := add(add(bonds, 32), shl(1, j))
            let out := add(add(outBonds, 32), shl(1, j))
            for { let t := 32 } lt(t, vEnd) { t := add(t, 32) } {
                let wij := div(shl(32, shr(240, mload(wCell))), mload(add(rowSum, t)))
                let clipped := wij
                if gt(clipped, c) { clipped := c }
                mstore(add(trust, t), add(mload(add(trust, t)), clipped))
                let wb := sub(wij, shr(32, add(mul(beta, sub(wij, clipped)), 0xffffffff)))
                let b := div(shl(32, mul(hasBonds, shr(240, mload(bCell)))), 65535)
                let ema := add(shr(32, mul(alpha, wb)), shr(32, mul(oneMinusAlpha, b)))
                mstore(add(cur, t), ema)
                sumEma := add(sumEma, ema)
                if mload(add(permitted, t)) {
                    let q := shr(32, mul(ema, 65535))
                    if gt(q, 65535) { q := 65535 }
                    mstore8(out, shr(8, q))
                    mstore8(add(out, 1), q)
                }
                wCell := add(wCell, stride)
                bCell := add(bCell, stride)
                out := add(out, stride)
            }
            for { let t := 32 } lt(t, vEnd) { t := add(t, 32) } {
                let en := div(shl(32, mload(add(cur, t))), sumEma)
                mstore(add(dividends, t), add(mload(add(dividends, t)), shr(32, mul(en, ij))))
            }
        }
    }

    /// @dev Yuma 3 with liquid alpha (some C ≠ 0), one column: each cell with WB > 0 gets
    /// EMA = min(1, (1 − α_ij) ⊗ B + α_ij ⊗ WB); cells with WB = 0 drop their bond.
    function _yuma3LiquidColumn(Work memory w, Input memory x, bytes memory outBonds, uint256 j, uint256 c, uint256 ij)
        private
        pure
        returns (uint256 sumEma)
    {
        uint256[] memory cur = w.cur;
        uint256[] memory rowSum = w.rowSum;
        uint256[] memory trust = w.trust;
        uint256[] memory permitted = w.permitted;
        bytes memory weights = x.weights;
        bytes memory bonds = x.bonds;
        uint256 hasBonds = bonds.length == 0 ? 0 : 1;
        uint256 stride = w.stride;
        uint256 beta = w.beta;
        uint256 v = w.v;
        for (uint256 i; i < v; ++i) {
            uint256 wb;
            uint256 b;
            uint256 offset = i * stride + 2 * j;
            assembly ("memory-safe") {
                let slot := add(shl(5, i), 32)
                let wij := div(shl(32, shr(240, mload(add(add(weights, 32), offset)))), mload(add(rowSum, slot)))
                let clipped := wij
                if gt(clipped, c) { clipped := c }
                mstore(add(trust, slot), add(mload(add(trust, slot)), clipped))
                wb := sub(wij, shr(32, add(mul(beta, sub(wij, clipped)), 0xffffffff)))
                b := div(shl(32, mul(hasBonds, shr(240, mload(add(add(bonds, 32), offset))))), 65535)
            }
            uint256 ema = _yuma3Ema(w, wb, b, c);
            cur[i] = ema;
            unchecked {
                sumEma += ema;
            }
            if (permitted[i] != 0) _storeU16(outBonds, offset, propToU16(int256(ema)));
        }
        if (sumEma == 0) return 0;
        uint256[] memory dividends = w.dividends;
        for (uint256 i; i < v; ++i) {
            unchecked {
                dividends[i] += (((cur[i] << 32) / sumEma) * ij) >> 32;
            }
        }
    }

    /// @dev One Yuma 3 bond cell from WB_ij, B_ij and C_j, with the fixed rate or liquid alpha.
    function _yuma3Ema(Work memory w, uint256 wb, uint256 b, uint256 c) private pure returns (uint256 ema) {
        if (w.mode != MODE_YUMA3_LIQUID) {
            return ((w.alpha * wb) >> 32) + (((ONE - w.alpha) * b) >> 32);
        }
        // mat_ema_alpha_sparse keeps only the cells present in WB (WB > 0 here).
        if (wb == 0) return 0;
        uint256 a = uint256(_cellAlpha(int256(wb), int256(b), int256(c), w.liquid));
        unchecked {
            // 0 ≤ α ≤ 1 (clamped between two u16 proportions), b, wb ≤ 1: no overflow.
            ema = (((ONE - a) * b) >> 32) + ((a * wb) >> 32);
        }
        if (ema > ONE) ema = ONE;
    }

    /// @dev Yuma 3 dividends: D_i = (Σ_j EN_ij ⊗ I_j) ⊗ A_i.
    function _scaleByActiveStake(Work memory w) private pure {
        for (uint256 i; i < w.v; ++i) {
            unchecked {
                w.dividends[i] = (w.dividends[i] * w.activeStake[i]) >> 32;
            }
        }
    }

    function _checkClaimShape(Work memory w, Input memory x, Claim memory c) private pure {
        uint256 m = w.m;
        if (
            c.consensus.length != m || c.ranks.length != m || c.bondSums.length != m || c.deltaSums.length != m
                || c.emaSums.length != m || c.trust.length != w.v || c.dividends.length != w.v
                || c.bonds.length != x.weights.length
        ) revert YumaClaimShapeInvalid();
    }

    function _widen(uint64[] memory values) private pure returns (uint256[] memory out) {
        out = new uint256[](values.length);
        for (uint256 k; k < values.length; ++k) out[k] = values[k];
    }

    function _narrow(uint256[] memory values) private pure returns (uint64[] memory out) {
        out = new uint64[](values.length);
        for (uint256 k; k < values.length; ++k) out[k] = uint64(values[k]);
    }

    /// @dev Liquid-alpha settings in I32F32, with the alpha at distance 0 precomputed.
    function _liquidAlpha(Params memory p) private pure returns (LiquidAlpha memory la) {
        la.low = u16ToProp(p.alphaLow);
        la.high = u16ToProp(p.alphaHigh);
        la.slope = saturatingDiv(int256(p.alphaSigmoidSteepness) * ONE_I, -100 * ONE_I);
        la.atZero = _alphaOfSigmoid(sigmoid((la.slope * -HALF_I) >> 32), la);
    }

    /// @dev `alpha_sigmoid(C_j, w, b)`: d = clamp(w − C, 0, 1) if w ≥ b, else clamp(b − w, 0, 1);
    /// α = clamp(α_low + sigmoid(slope ⊗ (d − ½)) ⊗ (α_high − α_low), α_low, α_high).
    function _cellAlpha(int256 wb, int256 b, int256 c, LiquidAlpha memory la) private pure returns (int256) {
        // Operands are I32F32 values below 2^34 in magnitude (the slope below 2^41): no overflow.
        unchecked {
            int256 d = wb >= b ? _clamp(wb - c, 0, ONE_I) : _clamp(b - wb, 0, ONE_I);
            if (d == 0) return la.atZero;
            return _alphaOfSigmoid(sigmoid((la.slope * (d - HALF_I)) >> 32), la);
        }
    }

    function _alphaOfSigmoid(int256 s, LiquidAlpha memory la) private pure returns (int256) {
        unchecked {
            return _clamp(la.low + ((s * (la.high - la.low)) >> 32), la.low, la.high);
        }
    }

    /// @dev `clamp_value`: at most `high`, then at least `low`.
    function _clamp(int256 value, int256 low, int256 high) private pure returns (int256) {
        int256 capped = value < high ? value : high;
        return capped > low ? capped : low;
    }

    /// @dev Emission and the u16 outputs. c = I ++ D over all uids; CE = normalize(c), or the
    /// active stake (else the stake) when Σc = 0; rao = floor(CE · emission / 2^32).
    function _finish(Work memory w, Input memory x, Output memory out) private pure {
        uint256 v = w.v;
        uint256 m = w.m;
        uint256 total;
        uint256 activeTotal;
        unchecked {
            for (uint256 j; j < m; ++j) total += w.incentive[j];
            for (uint256 i; i < v; ++i) {
                total += w.dividends[i];
                activeTotal += w.activeStake[i];
            }
        }
        out.minerEmission = new uint64[](m);
        out.validatorEmission = new uint64[](v);
        uint256 emission = x.emission;
        if (total != 0) {
            for (uint256 j; j < m; ++j) out.minerEmission[j] = uint64((((w.incentive[j] << 32) / total) * emission) >> 32);
            for (uint256 i; i < v; ++i) out.validatorEmission[i] = uint64((((w.dividends[i] << 32) / total) * emission) >> 32);
        } else {
            uint256[] memory fallbackShare = activeTotal == 0 ? w.stake : w.activeStake;
            for (uint256 i; i < v; ++i) out.validatorEmission[i] = uint64((fallbackShare[i] * emission) >> 32);
        }
        out.consensus = new uint16[](m);
        out.incentive = new uint16[](m);
        for (uint256 j; j < m; ++j) {
            out.consensus[j] = propToU16(int256(w.consensus[j]));
            out.incentive[j] = propToU16(int256(w.incentive[j]));
        }
        out.dividends = new uint16[](v);
        out.validatorTrust = new uint16[](v);
        out.validatorPermit = new bool[](v);
        for (uint256 i; i < v; ++i) {
            out.dividends[i] = propToU16(int256(w.dividends[i]));
            out.validatorTrust[i] = propToU16(int256(w.trust[i]));
            out.validatorPermit[i] = w.stake[i] != 0;
        }
    }

    function _u16At(bytes memory packed, uint256 offset) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(240, mload(add(add(packed, 32), offset)))
        }
    }

    function _storeU16(bytes memory packed, uint256 offset, uint16 value) private pure {
        assembly ("memory-safe") {
            let p := add(add(packed, 32), offset)
            mstore8(p, shr(8, value))
            mstore8(add(p, 1), value)
        }
    }

    /// @dev A divisor that makes `(u << 32) / d` read as 0 when the row sum d is 0 (then u is 0 or
    /// the row has no permit, and W is 0 either way).
    function _orOne(uint256 d) private pure returns (uint256) {
        return d == 0 ? type(uint256).max : d;
    }
}
