import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/**
 * The owner `account` starts moving everything it owns to the key `to`. After the rotation
 * delay `to` completes it (`completeRotation`); meanwhile the old key can neither claim nor
 * withdraw. A second request for another key freezes the rotation until governance resolves it.
 */
export function requestRotation(protocol: Protocol, account: PrivateKeyAccount, to: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'requestRotation', args: [to] }, { gasMeter: protocol.gasMeter })
}
