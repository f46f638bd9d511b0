import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/** Sends every reward credited to the owner `account` to `to` (default: the owner). */
export async function claimRewards(protocol: Protocol, account: PrivateKeyAccount, to: Address = account.address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'claim', args: [to] }, { gasMeter: protocol.gasMeter })
}
