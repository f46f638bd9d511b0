import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/** The new key `account` completes the rotation of `owner` once ready, taking its rewards. */
export function completeRotation(protocol: Protocol, account: PrivateKeyAccount, owner: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'completeRotation', args: [owner] }, { gasMeter: protocol.gasMeter })
}
