import type { Protocol } from '../../protocol.js'
import { trainingAt } from '../../training.js'
import type { Training } from '../../training.js'

/**
 * Finds the training contract the factory created for `taskId`, from its `TrainingCreated`
 * event.
 *
 * @returns the training, or undefined while the proposer has not created it
 */
export async function findTraining(protocol: Protocol, taskId: bigint): Promise<Training | undefined> {
  const logs = await protocol.ledger.client.getContractEvents({
    ...protocol.trainingFactory,
    eventName: 'TrainingCreated',
    args: { taskId },
    fromBlock: BigInt(protocol.deployment.blockNumber),
  })
  const created = logs[logs.length - 1]
  return created?.args.training === undefined ? undefined : trainingAt(protocol, taskId, created.args.training)
}
