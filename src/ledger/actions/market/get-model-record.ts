import type { Address, Hex } from 'viem'
import { zeroAddress } from 'viem'
import { CONTRACT_ENUMS } from '../../contracts/generated/protocol-constants.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'

/** ITrainingRounds.Codec.DagJson: the lineage document is always DAG-JSON. */
export const LINEAGE_CODEC: number = CONTRACT_ENUMS.ITrainingRounds.Codec.DagJson

/** A task's model record, as ModelRegistry holds it. */
export type ModelRecord = {
  taskId: bigint
  /** The task's training contract. */
  training: Address
  /** The last round whose model stands. */
  finalRound: number
  /** CID of the final model. */
  modelCid: string
  /** CID of the lineage document (DAG-JSON). */
  lineageCid: string
  /** Root of the lineage tree (zero when no update was accepted). */
  lineageRoot: Hex
  /** Chain time of publication (s). */
  publishedAt: bigint
}

/**
 * Reads the model record of a task.
 *
 * @returns the record, or `undefined` while the task has none.
 * @example
 * ```ts
 * import { getModelRecord } from 'deai/actions'
 * const record = await getModelRecord(protocol, taskId)
 * if (record !== undefined) console.log(record.modelCid, record.lineageCid)
 * ```
 */
export async function getModelRecord(protocol: Protocol, taskId: bigint): Promise<ModelRecord | undefined> {
  const r = await protocol.ledger.client.readContract({ ...protocol.modelRegistry, functionName: 'recordOf', args: [taskId] })
  if (r.training === zeroAddress) return undefined
  return {
    taskId,
    training: r.training,
    finalRound: r.finalRound,
    modelCid: fromOnChainDigest(r.modelDigest, r.modelCodec),
    lineageCid: fromOnChainDigest(r.lineageDigest, LINEAGE_CODEC),
    lineageRoot: r.lineageRoot,
    publishedAt: r.publishedAt,
  }
}
