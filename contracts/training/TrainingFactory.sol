// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {StakeManager} from "../staking/StakeManager.sol";
import {TaskRegistry} from "../tasks/TaskRegistry.sol";
import {ITrainingRounds} from "./ITrainingRounds.sol";
import {TrainingRounds} from "./TrainingRounds.sol";

/// @title TrainingFactory: one TrainingRounds clone per open task
/// @notice The task's proposer creates its training: the factory clones TrainingRounds (EIP-1167),
/// moves `emissionPerRound * rounds` of the task's escrowed budget into the clone
/// (TaskRegistry.releaseBudget, so the factory holds STAGE_ROLE there), authorises the clone to
/// slash that task's pools and credit rewards (StakeManager.setTaskStage, so the factory holds
/// REGISTRAR_ROLE there), initialises it and so opens round 1 from the initial model.
contract TrainingFactory is AccessControl, Pausable, ReentrancyGuard {
    /// @notice May stop new trainings in an emergency (running ones are not affected).
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    TaskRegistry public immutable registry;
    StakeManager public immutable stakes;
    /// @notice The TrainingRounds every clone delegates to.
    address public immutable implementation;

    mapping(uint256 taskId => address) public trainingOf;

    event TrainingCreated(uint256 indexed taskId, address indexed training, address indexed proposer, uint256 funded);

    /// @notice An address is zero.
    /// @custom:fix pass a non-zero address
    error ZeroAddress();
    /// @notice The training implementation and its settlement module do not match.
    /// @custom:fix the factory's training implementation does not match its settlement module: redeploy the protocol
    error ImplementationMismatch();
    /// @notice Only the task's proposer may do this.
    /// @custom:fix only the task's proposer {proposer} can do this
    error NotProposer(address caller, address proposer);
    /// @notice The task is not open.
    /// @custom:fix task {taskId} is {status:taskStatus}; this stage needs it open (approved and not closed)
    error TaskNotOpen(uint256 taskId, TaskRegistry.Status status);
    /// @notice The task already has its training.
    /// @custom:fix task {taskId} already has its training at {training}
    error TrainingExists(uint256 taskId, address training);

    constructor(TaskRegistry registry_, StakeManager stakes_, TrainingRounds implementation_, address admin) {
        if (
            address(registry_) == address(0) || address(stakes_) == address(0) || address(implementation_) == address(0)
                || admin == address(0)
        ) revert ZeroAddress();
        if (implementation_.registry() != registry_ || implementation_.stakes() != stakes_) revert ImplementationMismatch();
        registry = registry_;
        stakes = stakes_;
        implementation = address(implementation_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @notice Creates, funds and starts the training of task `taskId` (its proposer only, once,
    /// while the task is Open). Reverts with the clone's InvalidConfig for a bad config and with
    /// TaskRegistry's InsufficientBudget when the budget cannot cover every round's emission.
    /// @return training the clone's address.
    function createTraining(
        uint256 taskId,
        ITrainingRounds.Config calldata config,
        bytes32 initialModelDigest,
        ITrainingRounds.Codec codec
    ) external whenNotPaused nonReentrant returns (address training) {
        TaskRegistry.Task memory task = registry.getTask(taskId);
        if (msg.sender != task.proposer) revert NotProposer(msg.sender, task.proposer);
        if (task.status != TaskRegistry.Status.Open) revert TaskNotOpen(taskId, task.status);
        address existing = trainingOf[taskId];
        if (existing != address(0)) revert TrainingExists(taskId, existing);
        uint256 funded = config.emissionPerRound * config.rounds;
        training = Clones.clone(implementation);
        trainingOf[taskId] = training;
        registry.releaseBudget(taskId, training, funded);
        stakes.setTaskStage(taskId, training, true);
        TrainingRounds(training).initialize(taskId, task.proposer, config, initialModelDigest, codec, funded);
        emit TrainingCreated(taskId, training, task.proposer, funded);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }
}
