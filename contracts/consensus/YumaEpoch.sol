// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {YumaConsensus} from "./YumaConsensus.sol";

/// @title YumaEpoch: the Yuma consensus epoch as a stateless contract
/// @notice A thin wrapper over {YumaConsensus.epoch} so that off-chain code can run it with
/// `eth_call` and contracts can call it without linking the library into their own bytecode.
contract YumaEpoch {
    /// @notice Runs one Yuma epoch over a dense validators × miners score matrix.
    /// @param params hyperparameters (kappa, bonds penalty, moving average, Yuma 3, liquid alpha).
    /// @param input packed u16 scores and previous bonds, stakes, permits, activity and the emission.
    /// @return consensus, incentive, dividends, validator trust, new permits, new bonds and emission in rao.
    function epoch(YumaConsensus.Params calldata params, YumaConsensus.Input calldata input)
        external
        pure
        returns (YumaConsensus.Output memory)
    {
        return YumaConsensus.epoch(params, input);
    }

    /// @notice The aggregates an honest proposer posts to {YumaSettlement} for the same epoch.
    /// @param params hyperparameters.
    /// @param input the epoch's inputs.
    /// @return the claim: per-miner and per-validator aggregates and the new bonds.
    function claim(YumaConsensus.Params calldata params, YumaConsensus.Input calldata input)
        external
        pure
        returns (YumaConsensus.Claim memory)
    {
        return YumaConsensus.claimOf(params, input);
    }
}
