// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {YumaConsensus} from "../../../contracts/consensus/YumaConsensus.sol";

/// @dev Test-only: exposes YumaConsensus's fixed-point helpers so tests can hold them to the TypeScript ones.
contract YumaMathLens {
    function mul(int256 a, int256 b) external pure returns (int256) {
        return YumaConsensus.mul(a, b);
    }

    function div(int256 a, int256 b) external pure returns (int256) {
        return YumaConsensus.div(a, b);
    }

    function saturatingDiv(int256 a, int256 b) external pure returns (int256) {
        return YumaConsensus.saturatingDiv(a, b);
    }

    function propToU16(int256 x) external pure returns (uint16) {
        return YumaConsensus.propToU16(x);
    }

    function u16ToProp(uint16 v) external pure returns (int256) {
        return YumaConsensus.u16ToProp(v);
    }

    function normalize(uint256[] memory values) external pure returns (uint256[] memory) {
        YumaConsensus.normalize(values);
        return values;
    }

    function expSafe(int256 x) external pure returns (int256) {
        return YumaConsensus.expSafe(x);
    }

    function sigmoid(int256 t) external pure returns (int256) {
        return YumaConsensus.sigmoid(t);
    }
}
