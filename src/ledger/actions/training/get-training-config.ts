import type { Training } from '../../training.js'
import type { TrainingConfig } from '../../training-config.js'

/**
 * The config a training was created with (rules, periods, emission, stakes), enums as numbers.
 *
 * @example
 * ```ts
 * import { getTrainingConfig } from 'deai/actions'
 * const { rounds, aggregation, aggregationParam } = await getTrainingConfig(training)
 * ```
 */
export async function getTrainingConfig(training: Training): Promise<TrainingConfig> {
  return training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'config' })
}
