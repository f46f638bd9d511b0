// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {YumaConsensus} from "../consensus/YumaConsensus.sol";
import {ITrainingRounds} from "./ITrainingRounds.sol";
import {TrainingConsensus} from "./TrainingConsensus.sol";
import {TrainingStorage} from "./TrainingStorage.sol";

/// @title TrainingYuma: a training round settled by Bittensor's Yuma consensus (Yuma 3)
/// @notice Part of TrainingSettlement (so it runs on a clone's storage). One round is one Yuma
/// epoch over a dense matrix whose rows are the round's revealed validators and whose columns are
/// every trainer uid the training has assigned (a trainer absent from the round has a zero column).
///
/// Inputs of the epoch:
///  - weights: validator v's row is its scores (bps) of the round's judged updates, each placed
///    at its trainer's uid, with scores below acceptFloorBps set to 0 (the absolute bar: a
///    validator gives no weight to an update it finds useless), then max-upscaled to u16 as
///    subtensor's `set_weights` stores a row (the largest becomes 65535, round half up);
///  - bonds: each validator owner's stored bond row (zero before its first settled round);
///  - stakes: the same stake weight the other rules use (the smaller of the active stake at
///    commit and now), shifted right by one common amount so the largest fits 63 bits (the
///    epoch's stake is u64 and only ratios matter);
///  - every row has a permit and is active; emission 0 (the pots are split here).
/// Parameters are fixed: Yuma 3 (absolute bonds, stake only in dividends) without liquid alpha,
/// kappa 32767 (about 1/2), bonds penalty 65535 (bonds from clipped weights) and bonds moving
/// average 900000 (EMA rate 0.1): subtensor's defaults for a new subnet.
///
/// What the round takes from the epoch (u16 outputs, as the chain stores them):
///  - update j is accepted iff its incentive is positive and its consensus C_j clears
///    floor(acceptRelativeBps * lowerMedian(C of the judged updates) / 10000); its consensus score
///    is floor(C_j * 10000 / 65535) bps of a row's unit weight; the trainers' pot is split among
///    accepted updates in proportion to incentive;
///  - validator v's deviation is 10000 - floor(VT_v * 10000 / 65535) (VT: validator trust, the
///    share of its weight that consensus backs); a validator that gave no weight at all (every
///    score below the floor) is measured as Flock measures a validator that fails every update:
///    floor(10000 * accepted / judged). Its weight in the validators' pot is its dividends, or its
///    stake when every dividend is 0 (no update has consensus; subtensor then pays by stake);
///  - the new bonds are stored for the revealed validators (all zero for one whose stake weight is
///    0: it has no permit, and subtensor clears the bonds of a uid without one). Validators that
///    did not reveal keep their bonds unchanged, as do all validators in a round with no consensus
///    or nothing judged.
/// Trainer uids are recycled as subtensor recycles them (`get_neuron_to_prune`, `replace_neuron`),
/// with rounds for blocks: a judged trainer without a uid takes a free slot (at most maxUpdates),
/// else the uid whose holder has the lowest score (its incentive in the latest epoch, 0 for a
/// holder that has not been through one), then the earliest registration, then the lowest uid,
/// among holders not judged this round and past their immunity (YUMA_IMMUNITY_ROUNDS) if any is,
/// else among the immune ones (subtensor with no non-immune floor). The old holder loses the uid.
/// As subtensor's epoch masks bonds older than a uid's registration, a validator's stored bond on
/// a uid counts only if the row was written at or after the round its holder registered in.
abstract contract TrainingYuma is TrainingStorage {
    uint16 internal constant YUMA_KAPPA = 32_767;
    uint16 internal constant YUMA_BONDS_PENALTY = 65_535;
    uint64 internal constant YUMA_BONDS_MOVING_AVERAGE = 900_000;

    /// @dev Gives the judged trainers uids, runs the round's epoch, stores the new bonds and scores.
    /// @param round the round being settled.
    /// @param validators the revealed validators' owners (rows), in set order.
    /// @param trainers the judged updates' trainers, in commitment order.
    /// @param scores scores[v][c] in bps, one row per validator, one cell per judged update.
    /// @param stakes each validator's stake weight (their sum is positive).
    /// @return o consensus score, acceptance, deviation and pot weight, as the other rules give them.
    /// @return share each judged update's share of the trainers' pot (its incentive, u16).
    function _yumaConsensus(
        uint256 round,
        address[] memory validators,
        address[] memory trainers,
        uint16[][] memory scores,
        uint256[] memory stakes
    ) internal returns (TrainingConsensus.Outcome memory o, uint256[] memory share) {
        uint256 v = validators.length;
        uint256 n = trainers.length;
        _registerUids(trainers, round);
        uint256 t = _trainerUids;
        uint256[] memory uid = new uint256[](n);
        for (uint256 c = 0; c < n; c++) {
            uid[c] = _trainerUid[trainers[c]] - 1;
        }
        YumaConsensus.Input memory x;
        bool[] memory empty;
        (x.weights, empty) = _yumaWeights(scores, uid, t, _config.acceptFloorBps);
        x.bonds = _loadBonds(validators, t);
        _maskOldBonds(x.bonds, validators, t);
        x.stakes = _yumaStakes(stakes);
        x.permits = new bool[](v);
        x.active = new bool[](v);
        for (uint256 k = 0; k < v; k++) {
            x.permits[k] = true;
            x.active[k] = true;
        }
        YumaConsensus.Output memory out = YumaConsensus.epoch(_yumaParams(), x);
        _storeBonds(validators, out.bonds, t, round);
        _storeScores(out.incentive, t);

        o.consensus = new uint16[](n);
        o.accepted = new bool[](n);
        share = new uint256[](n);
        uint16[] memory c16 = new uint16[](n);
        for (uint256 c = 0; c < n; c++) {
            c16[c] = out.consensus[uid[c]];
            o.consensus[c] = uint16((uint256(c16[c]) * BPS) / 65_535);
            share[c] = out.incentive[uid[c]];
        }
        uint256 bar = TrainingConsensus.bar(0, _config.acceptRelativeBps, TrainingConsensus.lowerMedian(c16));
        uint256 accepted;
        for (uint256 c = 0; c < n; c++) {
            o.accepted[c] = share[c] > 0 && c16[c] >= bar;
            if (o.accepted[c]) accepted++;
        }
        o.deviation = new uint16[](v);
        o.weight = new uint256[](v);
        uint256 dividendSum;
        for (uint256 k = 0; k < v; k++) {
            o.deviation[k] = empty[k]
                ? uint16((accepted * BPS) / n)
                : uint16(BPS - (uint256(out.validatorTrust[k]) * BPS) / 65_535);
            o.weight[k] = out.dividends[k];
            dividendSum += out.dividends[k];
        }
        if (dividendSum == 0) {
            for (uint256 k = 0; k < v; k++) {
                o.weight[k] = stakes[k];
            }
        }
    }

    function _yumaParams() private pure returns (YumaConsensus.Params memory p) {
        p.kappa = YUMA_KAPPA;
        p.bondsPenalty = YUMA_BONDS_PENALTY;
        p.bondsMovingAverage = YUMA_BONDS_MOVING_AVERAGE;
        p.yuma3 = true;
    }

    /// @dev The packed V × t weight matrix, and which rows are all zero.
    function _yumaWeights(uint16[][] memory scores, uint256[] memory uid, uint256 t, uint256 floorBps)
        private
        pure
        returns (bytes memory packed, bool[] memory empty)
    {
        uint256 v = scores.length;
        uint256 n = uid.length;
        packed = new bytes(2 * v * t);
        empty = new bool[](v);
        for (uint256 k = 0; k < v; k++) {
            uint16[] memory row = scores[k];
            uint256 max;
            for (uint256 c = 0; c < n; c++) {
                uint256 s = row[c];
                if (s >= floorBps && s > max) max = s;
            }
            if (max == 0) {
                empty[k] = true;
                continue;
            }
            // set_weights' max-upscale (scores are at most 10000 < 32768): round((s·65535 << 32) / max).
            assembly ("memory-safe") {
                let base := add(add(packed, 32), shl(1, mul(k, t)))
                let p := add(row, 32)
                let q := add(uid, 32)
                for { let end := add(p, shl(5, n)) } lt(p, end) {
                    p := add(p, 32)
                    q := add(q, 32)
                } {
                    let s := mload(p)
                    if iszero(lt(s, floorBps)) {
                        let w := shr(32, add(div(shl(32, mul(s, 65535)), max), 0x80000000))
                        let cell := add(base, shl(1, mload(q)))
                        mstore8(cell, shr(8, w))
                        mstore8(add(cell, 1), w)
                    }
                }
            }
        }
    }

    /// @dev The stored bond rows of `validators`, packed V × t. Each row is copied a word at a
    /// time; a word's cells past uid t - 1 are zero in storage (see _storeBonds), and what spills
    /// into the next row is overwritten by it, or lands in the 32 bytes reserved past the end.
    function _loadBonds(address[] memory validators, uint256 t) private view returns (bytes memory packed) {
        uint256 v = validators.length;
        uint256 length = 2 * v * t;
        packed = new bytes(length + 32);
        assembly ("memory-safe") {
            mstore(packed, length)
        }
        uint256 words = (t + 15) / 16;
        for (uint256 k = 0; k < v; k++) {
            uint256[4] storage stored = _bondWords[validators[k]];
            for (uint256 w = 0; w < words; w++) {
                uint256 word = stored[w];
                assembly ("memory-safe") {
                    mstore(add(add(packed, 32), add(shl(1, mul(k, t)), shl(5, w))), word)
                }
            }
        }
    }

    /// @dev Stores each row of the new bonds under its validator, zeroing the cells past uid t - 1,
    /// with the round it was written in.
    function _storeBonds(address[] memory validators, bytes memory packed, uint256 t, uint256 round) private {
        uint256 words = (t + 15) / 16;
        uint256 tail = t & 15;
        uint256 lastMask = tail == 0 ? type(uint256).max : ~((uint256(1) << (256 - 16 * tail)) - 1);
        for (uint256 k = 0; k < validators.length; k++) {
            uint256[4] storage stored = _bondWords[validators[k]];
            for (uint256 w = 0; w < words; w++) {
                uint256 word;
                assembly ("memory-safe") {
                    word := mload(add(add(packed, 32), add(shl(1, mul(k, t)), shl(5, w))))
                }
                if (w + 1 == words) word &= lastMask;
                stored[w] = word;
            }
            _bondRound[validators[k]] = round;
        }
    }

    /// @dev Gives each judged trainer without a uid a free slot or the uid `_uidToPrune` picks.
    function _registerUids(address[] memory trainers, uint256 round) private {
        uint256 busy; // bit u: uid u's holder is judged this round
        for (uint256 c = 0; c < trainers.length; c++) {
            uint256 held = _trainerUid[trainers[c]];
            if (held != 0) busy |= uint256(1) << (held - 1);
        }
        uint256 slots = _config.maxUpdates;
        for (uint256 c = 0; c < trainers.length; c++) {
            address trainer = trainers[c];
            if (_trainerUid[trainer] != 0) continue;
            uint256 uid = _trainerUids;
            address replaced;
            if (uid < slots) {
                _trainerUids = uid + 1;
            } else {
                uid = _uidToPrune(round, busy);
                replaced = _uidHolder[uid];
                _trainerUid[replaced] = 0;
                _setUidScore(uid, 0);
            }
            _uidHolder[uid] = trainer;
            _trainerUid[trainer] = uid + 1;
            _setRegisteredRound(uid, round);
            busy |= uint256(1) << uid;
            emit ITrainingRounds.TrainerUidAssigned(round, uid, trainer, replaced);
        }
    }

    /// @dev The uid to take from its holder: lowest (score, registration round, uid) among the
    /// holders not busy this round, outside immunity if any is. A newcomer always finds one: a
    /// round judges at most maxUpdates trainers, as many as there are slots.
    function _uidToPrune(uint256 round, uint256 busy) private view returns (uint256 best) {
        uint256 bestKey = type(uint256).max;
        uint256 t = _trainerUids;
        for (uint256 u = 0; u < t; u++) {
            if (busy & (uint256(1) << u) != 0) continue;
            uint256 registered = _registeredRound(u);
            // Immune holders rank after every non-immune one (bit 80), then by score, registration and uid.
            uint256 immune = round - registered < YUMA_IMMUNITY_ROUNDS ? 1 : 0;
            uint256 key = (immune << 80) | (uint256(_uidScore(u)) << 64) | (registered << 8) | u;
            if (key < bestKey) {
                bestKey = key;
                best = u;
            }
        }
        if (bestKey == type(uint256).max) revert TrainerUidsExhausted(t);
    }

    /// @dev Zeroes each validator's loaded bond on a uid whose holder registered after the row was written.
    function _maskOldBonds(bytes memory packed, address[] memory validators, uint256 t) private view {
        uint256[] memory registered = new uint256[](t);
        for (uint256 u = 0; u < t; u++) {
            registered[u] = _registeredRound(u);
        }
        for (uint256 k = 0; k < validators.length; k++) {
            uint256 written = _bondRound[validators[k]];
            for (uint256 u = 0; u < t; u++) {
                if (registered[u] <= written) continue;
                uint256 cell = 2 * (k * t + u);
                packed[cell] = 0;
                packed[cell + 1] = 0;
            }
        }
    }

    /// @dev Stores every uid's incentive of this epoch as its pruning score.
    function _storeScores(uint16[] memory incentive, uint256 t) private {
        for (uint256 w = 0; w < (t + 15) / 16; w++) {
            uint256 word;
            for (uint256 k = 0; k < 16 && 16 * w + k < t; k++) {
                word |= uint256(incentive[16 * w + k]) << (240 - 16 * k);
            }
            _uidScores[w] = word;
        }
    }

    /// @dev Stakes as the epoch's u64, all shifted right by the bits the largest has beyond 63.
    function _yumaStakes(uint256[] memory stakes) private pure returns (uint64[] memory out) {
        uint256 v = stakes.length;
        uint256 max;
        for (uint256 k = 0; k < v; k++) {
            if (stakes[k] > max) max = stakes[k];
        }
        uint256 shift;
        while ((max >> shift) >= (uint256(1) << 63)) shift++;
        out = new uint64[](v);
        for (uint256 k = 0; k < v; k++) {
            out[k] = uint64(stakes[k] >> shift);
        }
    }
}
