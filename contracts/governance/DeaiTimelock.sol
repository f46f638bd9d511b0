// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title DeaiTimelock: the protocol's admin and treasury
/// @notice OpenZeppelin's TimelockController, unchanged. It holds every admin role of the
/// protocol's contracts and the treasury's tokens; only DeaiGovernor may schedule (and cancel)
/// operations, which anyone may execute once `getMinDelay()` has passed. Named here only so that
/// the project's compiler emits its artifact.
contract DeaiTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
