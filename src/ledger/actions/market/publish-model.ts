import type { Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { ContentStore } from '../../../content/content-store.js'
import { DeaiError } from '../../../errors/base.js'
import { lineageCid, lineageRoot } from '../../contracts/lineage.js'
import type { Lineage } from '../../contracts/lineage.js'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type PublishModelParameters = {
  taskId: bigint
  /** The lineage to record, normally `buildLineage(protocol, training)`. */
  lineage: Lineage
  /** Where the lineage document is put, so that anyone can fetch it by the recorded CID. */
  store: Pick<ContentStore, 'putJson'>
}

export type PublishModelReturnType = { receipt: TransactionReceipt; lineageCid: string; lineageRoot: Hex }

/**
 * The proposer publishes the final model of its task's finished training: puts the lineage
 * document in the content store and records its CID and tree root in ModelRegistry, which reads
 * the model itself from the training contract. Once per task.
 *
 * @example
 * ```ts
 * import { buildLineage, publishModel } from 'deai/actions'
 * const lineage = await buildLineage(protocol, training)
 * await publishModel(protocol, proposer, { taskId, lineage, store })
 * ```
 */
export async function publishModel(protocol: Protocol, proposer: PrivateKeyAccount, parameters: PublishModelParameters): Promise<PublishModelReturnType> {
  const { lineage } = parameters
  const cid = await lineageCid(lineage)
  const stored = await parameters.store.putJson(lineage)
  if (stored !== cid) {
    throw new DeaiError('LINEAGE_CID_MISMATCH', `the store gave the lineage CID ${stored}, but its DAG-JSON encoding hashes to ${cid}`, {
      fixes: ['use a deai content store, which stores JSON as sha2-256 DAG-JSON blocks'],
    })
  }
  const root = lineageRoot(lineage)
  const receipt = await writeContract(protocol.ledger, proposer, {
    ...protocol.modelRegistry,
    functionName: 'publish',
    args: [parameters.taskId, toOnChainDigest(cid).digest, root],
  }, { gasMeter: protocol.gasMeter })
  return { receipt, lineageCid: cid, lineageRoot: root }
}
