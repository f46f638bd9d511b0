// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ModelRegistry} from "../market/ModelRegistry.sol";
import {StakeManager} from "../staking/StakeManager.sol";
import {ITrainingRounds} from "../training/ITrainingRounds.sol";

/// @title InferenceLog: inference requests and results against published models (simple form)
/// @notice The simple, unverified form of the inference stage: a public log with an escrowed fee.
/// A requester asks a provider it chose to run the published model of a task (ModelRegistry) on
/// an input (its CID's digest and codec), escrowing a fee in DEAI. The provider, through its
/// operator key in (task, INFERENCE_PROVIDER) or its own key when it set none, records the result
/// (a CID's digest and codec, and the predicted class for classification models) until the
/// request's deadline, and is paid the fee at once. After the deadline without a result, anyone
/// may refund the fee to the requester, so no fee stays here.
/// Nothing checks that the result is right: the requester trusts the provider it named. The
/// verified form (bonded results, a challenge window and a dispute game) is a later stage; this
/// one only makes every request, answer and payment public.
/// Money: the token balance equals `escrowed`, the sum of pending requests' fees (barring direct
/// transfers). State changes before every transfer, and the token is DEAI (no transfer hooks).
contract InferenceLog {
    using SafeERC20 for IERC20;

    bytes32 public constant INFERENCE_PROVIDER = keccak256("INFERENCE_PROVIDER");
    /// @notice `outputClass` of a result that is not a classification.
    uint32 public constant NO_CLASS = type(uint32).max;
    uint64 public constant MAX_WINDOW = 30 days;

    enum Status {
        None,
        Pending,
        Answered,
        Refunded
    }

    struct Request {
        address requester;
        uint64 deadline; // results until then (inclusive), refunds after
        Status status;
        ITrainingRounds.Codec inputCodec;
        ITrainingRounds.Codec resultCodec;
        address provider; // the owner
        uint64 taskId;
        uint32 outputClass;
        uint256 fee;
        bytes32 inputDigest;
        bytes32 resultDigest;
    }

    ModelRegistry public immutable models;
    StakeManager public immutable stakes;
    IERC20 public immutable token;
    /// @notice Seconds a provider has to answer a request.
    uint64 public immutable resultWindow;

    // One slot: every request writes both.
    /// @notice Fees held for pending requests.
    uint128 public escrowed;
    uint128 public requestCount;
    mapping(uint256 requestId => Request) private _requests;

    event InferenceRequested(
        uint256 indexed requestId,
        address indexed requester,
        address indexed provider,
        uint256 taskId,
        bytes32 inputDigest,
        ITrainingRounds.Codec inputCodec,
        uint256 fee,
        uint64 deadline
    );
    event InferenceAnswered(
        uint256 indexed requestId, address indexed provider, bytes32 resultDigest, ITrainingRounds.Codec resultCodec, uint32 outputClass, uint256 fee
    );
    event InferenceRefunded(uint256 indexed requestId, address indexed requester, uint256 fee);

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice The result window is out of range.
    /// @custom:fix the result window is between 1 second and {maximum} seconds
    error InvalidWindow(uint64 window, uint64 maximum);
    /// @notice The task has no published model.
    /// @custom:fix task {taskId} has no published model yet; its proposer publishes one after training
    error ModelNotPublished(uint256 taskId);
    /// @notice A content digest is zero.
    /// @custom:fix pass the CID of real content (its digest cannot be zero)
    error ZeroDigest();
    /// @notice The fee is zero.
    /// @custom:fix escrow a fee greater than zero
    error ZeroFee();
    /// @notice The fees escrowed would overflow their counter.
    /// @custom:fix the fees escrowed with this log would pass 2^128 wei; use a smaller fee
    error FeeTooLarge(uint256 fee);
    /// @notice No inference request has this id.
    /// @custom:fix no inference request {requestId}
    error UnknownRequest(uint256 requestId);
    /// @notice The request or claim is no longer pending.
    /// @custom:fix the request was already answered or refunded
    error NotPending(uint256 requestId, Status status);
    /// @notice Only the provider named, or its operator key, may do this.
    /// @custom:fix only the provider named (or its operator key) may do this
    error NotProvider(address caller, address provider);
    /// @notice The request expired before the result.
    /// @custom:fix the request expired at {deadline:time}; the requester can be refunded
    error ResultTooLate(uint64 deadline);
    /// @notice The provider may still answer.
    /// @custom:fix the provider may answer until {deadline:time}; refund after that
    error TooEarlyToRefund(uint64 deadline);

    constructor(ModelRegistry models_, StakeManager stakes_, uint64 resultWindow_) {
        if (address(models_) == address(0) || address(stakes_) == address(0)) revert ZeroAddress();
        if (resultWindow_ == 0 || resultWindow_ > MAX_WINDOW) revert InvalidWindow(resultWindow_, MAX_WINDOW);
        models = models_;
        stakes = stakes_;
        token = stakes_.token();
        resultWindow = resultWindow_;
    }

    /// @notice Asks `provider` (an owner) to run task `taskId`'s published model on an input,
    /// escrowing `fee` DEAI from the caller (approve this contract first).
    /// @return requestId the request's id (from 1).
    function request(uint256 taskId, bytes32 inputDigest, ITrainingRounds.Codec inputCodec, address provider, uint256 fee)
        external
        returns (uint256 requestId)
    {
        if (provider == address(0)) revert ZeroAddress();
        if (inputDigest == bytes32(0)) revert ZeroDigest();
        if (fee == 0) revert ZeroFee();
        if (fee > type(uint128).max - escrowed) revert FeeTooLarge(fee);
        if (!models.isPublished(taskId)) revert ModelNotPublished(taskId);
        requestId = ++requestCount;
        uint64 deadline = uint64(block.timestamp) + resultWindow;
        Request storage r = _requests[requestId];
        r.requester = msg.sender;
        r.deadline = deadline;
        r.status = Status.Pending;
        r.inputCodec = inputCodec;
        r.provider = provider;
        r.taskId = uint64(taskId); // published tasks have a training, whose ids fit in 64 bits
        r.fee = fee;
        r.inputDigest = inputDigest;
        escrowed += uint128(fee);
        emit InferenceRequested(requestId, msg.sender, provider, taskId, inputDigest, inputCodec, fee, deadline);
        token.safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @notice The named provider records its result, until the deadline, and is paid the fee.
    /// `outputClass` is the predicted class for a classification model, NO_CLASS otherwise.
    function postResult(uint256 requestId, bytes32 resultDigest, ITrainingRounds.Codec resultCodec, uint32 outputClass) external {
        Request storage r = _pending(requestId);
        if (block.timestamp > r.deadline) revert ResultTooLate(r.deadline);
        if (resultDigest == bytes32(0)) revert ZeroDigest();
        address provider = r.provider;
        address caller = stakes.ownerOfOperator(r.taskId, INFERENCE_PROVIDER, msg.sender);
        if (caller != provider) revert NotProvider(caller, provider);
        uint256 fee = r.fee;
        r.status = Status.Answered;
        r.resultDigest = resultDigest;
        r.resultCodec = resultCodec;
        r.outputClass = outputClass;
        escrowed -= uint128(fee);
        emit InferenceAnswered(requestId, provider, resultDigest, resultCodec, outputClass, fee);
        token.safeTransfer(provider, fee);
    }

    /// @notice After the deadline of an unanswered request, returns its fee to the requester. Anyone may call it.
    function refund(uint256 requestId) external {
        Request storage r = _pending(requestId);
        if (block.timestamp <= r.deadline) revert TooEarlyToRefund(r.deadline);
        uint256 fee = r.fee;
        address requester = r.requester;
        r.status = Status.Refunded;
        escrowed -= uint128(fee);
        emit InferenceRefunded(requestId, requester, fee);
        token.safeTransfer(requester, fee);
    }

    // ---------------------------------------------------------------- views

    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    // ---------------------------------------------------------------- internals

    function _pending(uint256 requestId) private view returns (Request storage r) {
        r = _requests[requestId];
        if (r.status == Status.None) revert UnknownRequest(requestId);
        if (r.status != Status.Pending) revert NotPending(requestId, r.status);
    }
}
