// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title HostileToken: an ERC-20 look-alike for negative tests only
/// @notice It can answer transfers with `false` instead of reverting (as some real tokens do),
/// and it can call back into a target from inside `transferFrom`, bubbling up the callee's
/// revert, to show that guards against both hold.
contract HostileToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    bool public answerFalse;
    address public hookTarget;
    bytes public hookData;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function setAnswerFalse(bool value) external {
        answerFalse = value;
    }

    /// @notice The next transferFrom calls `target` with `data` first (once).
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (answerFalse) return false;
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        address target = hookTarget;
        if (target != address(0)) {
            hookTarget = address(0);
            (bool ok, bytes memory reply) = target.call(hookData);
            if (!ok) {
                assembly {
                    revert(add(reply, 32), mload(reply))
                }
            }
        }
        if (answerFalse) return false;
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        return true;
    }
}
