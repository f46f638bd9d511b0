import type { PrivateKeyAccount, TransactionReceipt } from 'viem'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type PostModelParameters = {
  round: bigint
  /** CID of the aggregated model. */
  modelCid: string
}

/**
 * A staked aggregator posts the next global model (by CID) for settled `round`, which opens the next round.
 *
 * @example
 * ```ts
 * import { postModel } from 'deai/actions'
 * await postModel(training, account, { round: 1n, modelCid })
 * ```
 */
export async function postModel(training: Training, account: PrivateKeyAccount, { round, modelCid }: PostModelParameters): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(modelCid)
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'postModel',
    args: [round, digest, codec],
  }, { gasMeter: training.protocol.gasMeter })
}
