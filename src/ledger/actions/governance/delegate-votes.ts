import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type DelegateVotesReturnType = {
  receipt: TransactionReceipt
  /** Votes the delegatee has now (wei of DEAI), its own delegation included. */
  votes: bigint
}

/**
 * Delegates the voting power of every DEAI `account` holds to `delegatee` (itself by default).
 * DEAI counts as votes only once delegated, and a proposal counts the votes delegated before it
 * was made, so holders delegate once, ahead of time; later transfers move the votes with them.
 *
 * @param delegatee - who votes with the tokens. @default account.address
 * @example
 * ```ts
 * import { delegateVotes } from 'deai/actions'
 * const { votes } = await delegateVotes(protocol, holder)
 * ```
 */
export async function delegateVotes(protocol: Protocol, account: PrivateKeyAccount, delegatee: Address = account.address): Promise<DelegateVotesReturnType> {
  const receipt = await writeContract(protocol.ledger, account, { ...protocol.token, functionName: 'delegate', args: [delegatee] }, { gasMeter: protocol.gasMeter })
  const votes = await protocol.ledger.client.readContract({ ...protocol.token, functionName: 'getVotes', args: [delegatee], blockNumber: receipt.blockNumber })
  return { receipt, votes }
}
