// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {YumaConsensus} from "./YumaConsensus.sol";

/// @title YumaSettlement: optimistic settlement of Yuma epochs too large for one transaction
/// @notice A full epoch over 64 validators × 256 miners costs 31M (Yuma 3) to 35M gas (original
/// Yuma), 87M with liquid alpha: more than the 16.7M a transaction may use, so it is settled
/// optimistically. A bonded proposer posts the round's inputs
/// and a {YumaConsensus.Claim}: the epoch's per-miner aggregates (consensus, rank and three bond
/// column sums), per-validator aggregates (trust and raw dividends) and the new bonds, computed off
/// chain (the TypeScript epoch gives them bit for bit). Both are kept as hashes; the data stays in
/// the transaction's calldata, where anyone can read it. Until the challenge period ends anyone may
/// recompute one miner column or one validator row on chain; every claimed value is covered by
/// one such check, each fits well inside one transaction, and a mismatch refutes the proposal and
/// pays its bond to the challenger. Afterwards `settle` derives the outputs from the aggregates
/// in O(V + M) and returns the bond.
/// @dev Soundness: per-miner values (C_j, R_j, the column sums, the bonds of column j) depend on
/// column j of the inputs only, so {challengeColumn} recomputes them exactly. Per-validator values
/// (VT_i, D_i) depend on row i and on per-miner values; {challengeRow} takes those from the claim.
/// If the claim is wrong, either some per-miner value is wrong (its column refutes it) or all of
/// them are right and some per-validator value is wrong (its row refutes it).
contract YumaSettlement {
    enum Status {
        None,
        Pending,
        Refuted,
        Settled
    }

    struct Proposal {
        address proposer;
        uint64 deadline; // challenges are accepted up to and including this timestamp
        Status status;
        uint256 bond;
        bytes32 inputHash; // keccak256(abi.encode(params, input))
        bytes32 claimHash; // keccak256(abi.encode(claim))
        bytes32 outputHash; // keccak256(abi.encode(output)) once settled
    }

    /// @notice Seconds during which a proposal can be challenged.
    uint256 public immutable challengePeriod;
    /// @notice The least bond (wei) a proposal must carry.
    uint256 public immutable minBond;
    /// @notice Proposals made so far; ids are 1..proposalCount.
    uint256 public proposalCount;
    mapping(uint256 id => Proposal) private _proposals;

    event Proposed(uint256 indexed id, address indexed proposer, bytes32 inputHash, bytes32 claimHash, uint64 deadline);
    event Refuted(uint256 indexed id, address indexed challenger, bool column, uint256 index);
    event Settled(uint256 indexed id, bytes32 outputHash);

    /// @notice The challenge bond is below the minimum.
    /// @custom:fix bond at least {minimum} wei
    error BondTooSmall(uint256 sent, uint256 minimum);
    /// @notice The request or claim is no longer pending.
    /// @custom:fix the request was already answered or refunded
    error NotPending(uint256 id);
    /// @notice The claim can no longer be challenged.
    /// @custom:fix claim {id} could be challenged until {deadline:time}
    error ChallengePeriodOver(uint256 id, uint64 deadline);
    /// @notice The claim can still be challenged, so it cannot be settled yet.
    /// @custom:fix claim {id} can be settled after {deadline:time}
    error ChallengePeriodNotOver(uint256 id, uint64 deadline);
    /// @notice The data given does not hash to the claim's commitment.
    /// @custom:fix the data given does not hash to what claim {id} committed to
    error DataMismatch(uint256 id);
    /// @notice The recomputed column or row agrees with the claim.
    /// @custom:fix the recomputed entries agree with the claim: it is not refuted
    error ClaimUpheld(uint256 id, bool column, uint256 index);
    /// @notice A payment failed.
    /// @custom:fix the payment to {to} failed
    error TransferFailed(address to, uint256 amount);

    /// @param challengePeriod_ seconds a proposal stays open to challenges.
    /// @param minBond_ the least bond in wei.
    constructor(uint256 challengePeriod_, uint256 minBond_) {
        challengePeriod = challengePeriod_;
        minBond = minBond_;
    }

    /// @notice Posts a claim about one epoch, with a bond of at least `minBond`.
    /// @return id the proposal's id.
    function propose(
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim
    ) external payable returns (uint256 id) {
        if (msg.value < minBond) revert BondTooSmall(msg.value, minBond);
        YumaConsensus.checkClaimShape(params, input, claim);
        id = ++proposalCount;
        uint64 deadline = uint64(block.timestamp + challengePeriod);
        bytes32 inputHash = keccak256(abi.encode(params, input));
        bytes32 claimHash = keccak256(abi.encode(claim));
        _proposals[id] = Proposal({
            proposer: msg.sender,
            deadline: deadline,
            status: Status.Pending,
            bond: msg.value,
            inputHash: inputHash,
            claimHash: claimHash,
            outputHash: bytes32(0)
        });
        emit Proposed(id, msg.sender, inputHash, claimHash, deadline);
    }

    /// @notice Recomputes miner column `column`; refutes the proposal (and takes its bond) if any of
    /// the column's claimed values differs, else reverts with {ClaimUpheld}.
    function challengeColumn(
        uint256 id,
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim,
        uint256 column
    ) external {
        _openFor(id, params, input, claim);
        bool anyConsensus;
        for (uint256 k; k < claim.consensus.length; ++k) {
            if (claim.consensus[k] != 0) {
                anyConsensus = true;
                break;
            }
        }
        YumaConsensus.ColumnCheck memory r = YumaConsensus.checkColumn(params, input, column, anyConsensus);
        bool wrong = r.consensus != claim.consensus[column] || r.rank != claim.ranks[column]
            || r.bondSum != claim.bondSums[column] || r.deltaSum != claim.deltaSums[column]
            || r.emaSum != claim.emaSums[column];
        uint256 stride = 2 * claim.consensus.length;
        for (uint256 i; i < r.bonds.length && !wrong; ++i) {
            uint256 at = i * stride + 2 * column;
            wrong = r.bonds[i] != uint16(bytes2(claim.bonds[at:at + 2]));
        }
        if (!wrong) revert ClaimUpheld(id, true, column);
        _refute(id, true, column);
    }

    /// @notice Recomputes validator row `row` against the claim's per-miner values; refutes the
    /// proposal (and takes its bond) if the claimed trust or dividend differs, else reverts with
    /// {ClaimUpheld}.
    function challengeRow(
        uint256 id,
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim,
        uint256 row
    ) external {
        _openFor(id, params, input, claim);
        (uint256 trust, uint256 dividend) = YumaConsensus.checkRow(params, input, claim, row);
        if (trust == claim.trust[row] && dividend == claim.dividends[row]) revert ClaimUpheld(id, false, row);
        _refute(id, false, row);
    }

    /// @notice After the challenge period, derives the epoch's outputs from the unrefuted claim,
    /// records their hash and returns the bond to the proposer.
    /// @return output the epoch's outputs, as {YumaConsensus.epoch} would return them.
    function settle(
        uint256 id,
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim
    ) external returns (YumaConsensus.Output memory output) {
        Proposal storage record = _proposals[id];
        if (record.status != Status.Pending) revert NotPending(id);
        if (block.timestamp <= record.deadline) revert ChallengePeriodNotOver(id, record.deadline);
        _checkData(id, record, params, input, claim);
        output = YumaConsensus.settle(params, input, claim);
        bytes32 outputHash = keccak256(abi.encode(output));
        record.status = Status.Settled;
        record.outputHash = outputHash;
        uint256 bond = record.bond;
        record.bond = 0;
        emit Settled(id, outputHash);
        _pay(record.proposer, bond);
    }

    /// @notice One proposal's record.
    function proposal(uint256 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    function _openFor(
        uint256 id,
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim
    ) private view {
        Proposal storage record = _proposals[id];
        if (record.status != Status.Pending) revert NotPending(id);
        if (block.timestamp > record.deadline) revert ChallengePeriodOver(id, record.deadline);
        _checkData(id, record, params, input, claim);
    }

    function _checkData(
        uint256 id,
        Proposal storage record,
        YumaConsensus.Params calldata params,
        YumaConsensus.Input calldata input,
        YumaConsensus.Claim calldata claim
    ) private view {
        if (
            keccak256(abi.encode(params, input)) != record.inputHash
                || keccak256(abi.encode(claim)) != record.claimHash
        ) revert DataMismatch(id);
    }

    function _refute(uint256 id, bool column, uint256 index) private {
        Proposal storage record = _proposals[id];
        record.status = Status.Refuted;
        uint256 bond = record.bond;
        record.bond = 0;
        emit Refuted(id, msg.sender, column, index);
        _pay(msg.sender, bond);
    }

    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = payable(to).call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }
}
