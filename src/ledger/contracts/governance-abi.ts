import { deaiGovernorAbi } from './generated/DeaiGovernor.js'
import { deaiTimelockAbi } from './generated/DeaiTimelock.js'
import { deaiTokenAbi } from './generated/DeaiToken.js'
import { stakeManagerAbi } from './generated/StakeManager.js'
import { taskRegistryAbi } from './generated/TaskRegistry.js'
import { trainingFactoryAbi } from './generated/TrainingFactory.js'

type ErrorItem<abi extends readonly { type: string }[]> = Extract<abi[number], { type: 'error' }>

function errorsOf<const abi extends readonly { type: string }[]>(abi: abi): ErrorItem<abi>[] {
  return abi.filter((item): item is ErrorItem<abi> => item.type === 'error')
}

/**
 * The governor's ABI plus the errors of everything a proposal runs through: the timelock, and
 * the protocol contracts it calls (their reverts bubble up through `execute`), so that a
 * failed queue or execute names the real error.
 */
export const governorCallAbi = [
  ...deaiGovernorAbi,
  ...errorsOf(deaiTimelockAbi),
  ...errorsOf(deaiTokenAbi),
  ...errorsOf(stakeManagerAbi),
  ...errorsOf(taskRegistryAbi),
  ...errorsOf(trainingFactoryAbi),
]
