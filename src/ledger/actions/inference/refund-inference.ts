import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/**
 * Returns the fee of an unanswered request to its requester once the deadline has passed.
 * Anyone may send it; the fee goes to the requester whoever sends it.
 *
 * @example
 * ```ts
 * import { refundInference } from 'deai/actions'
 * await refundInference(protocol, anyone, requestId)
 * ```
 */
export function refundInference(protocol: Protocol, key: PrivateKeyAccount, requestId: bigint): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, key, { ...protocol.inferenceLog, functionName: 'refund', args: [requestId] }, { gasMeter: protocol.gasMeter })
}
