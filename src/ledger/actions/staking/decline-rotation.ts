import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/** The key `account`, named in `owner`'s pending rotation, refuses it. */
export function declineRotation(protocol: Protocol, account: PrivateKeyAccount, owner: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'declineRotation', args: [owner] }, { gasMeter: protocol.gasMeter })
}
