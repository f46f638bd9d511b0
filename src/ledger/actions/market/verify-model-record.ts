import type { Address } from 'viem'
import { getAddress } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { lineageCid, lineageRoot } from '../../contracts/lineage.js'
import type { Lineage } from '../../contracts/lineage.js'
import type { Protocol } from '../../protocol.js'
import { trainingAt } from '../../training.js'
import { buildLineage } from './build-lineage.js'
import { getModelRecord } from './get-model-record.js'
import type { ModelRecord } from './get-model-record.js'

/** A field of a record that the chain does not bear out. */
export type ModelRecordMismatch = {
  field: 'training' | 'finalRound' | 'model' | 'lineageRoot' | 'lineageCid'
  recorded: string
  rebuilt: string
}

export type VerifyModelRecordReturnType = {
  /** Whether every field matches what the chain gives. */
  valid: boolean
  record: ModelRecord
  /** The lineage rebuilt from the chain. */
  lineage: Lineage
  mismatches: ModelRecordMismatch[]
}

/**
 * Checks a task's model record against the chain: the training is the factory's for the task,
 * and the final round, the model, the lineage root and the lineage document's CID are those
 * rebuilt from the training contract's and DataRegistry's events ({@link buildLineage}). A
 * record whose lineage was altered (an update added, dropped or changed, a shard cited that the
 * trainer had not been granted) fails on the root and the CID.
 *
 * @throws DeaiError `MODEL_RECORD_NOT_FOUND` when the task has no record.
 * @example
 * ```ts
 * import { verifyModelRecord } from 'deai/actions'
 * const { valid, mismatches } = await verifyModelRecord(protocol, taskId)
 * ```
 */
export async function verifyModelRecord(protocol: Protocol, taskId: bigint): Promise<VerifyModelRecordReturnType> {
  const record = await getModelRecord(protocol, taskId)
  if (record === undefined) {
    throw new DeaiError('MODEL_RECORD_NOT_FOUND', `task ${taskId} has no model record`, {
      fixes: ['the proposer publishes one with publishModel once the training has finished'],
    })
  }
  const training: Address = await protocol.ledger.client.readContract({ ...protocol.trainingFactory, functionName: 'trainingOf', args: [taskId] })
  const lineage = await buildLineage(protocol, trainingAt(protocol, taskId, record.training))
  const pairs: [ModelRecordMismatch['field'], string, string][] = [
    ['training', getAddress(record.training), getAddress(training)],
    ['finalRound', String(record.finalRound), String(lineage.finalRound)],
    ['model', record.modelCid, lineage.model],
    ['lineageRoot', record.lineageRoot, lineageRoot(lineage)],
    ['lineageCid', record.lineageCid, await lineageCid(lineage)],
  ]
  const mismatches = pairs.filter(([, recorded, rebuilt]) => recorded !== rebuilt).map(([field, recorded, rebuilt]) => ({ field, recorded, rebuilt }))
  return { valid: mismatches.length === 0, record, lineage, mismatches }
}
