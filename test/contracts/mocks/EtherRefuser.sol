// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Test-only: a caller that forwards calls (with value) and refuses every plain ether transfer.
contract EtherRefuser {
    function forward(address target, bytes calldata data) external payable {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
