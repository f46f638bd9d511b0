import { parseEventLogs } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Protocol } from '../../protocol.js'
import { trainingAt } from '../../training.js'
import type { Training } from '../../training.js'
import type { TrainingConfig } from '../../training-config.js'
import { writeContract } from '../../write-contract.js'

/**
 * The proposer starts an approved task's training: the factory clones a training contract,
 * funds it with `rounds × emissionPerRound` from the task's budget and opens round 1 from the
 * initial model (by CID).
 */
export async function createTraining(protocol: Protocol, proposer: PrivateKeyAccount, taskId: bigint, config: TrainingConfig, initialModelCid: string): Promise<Training> {
  const { digest, codec } = toOnChainDigest(initialModelCid)
  const receipt = await writeContract(protocol.ledger, proposer, {
    ...protocol.trainingFactory,
    functionName: 'createTraining',
    args: [taskId, config, digest, codec],
  }, { gasMeter: protocol.gasMeter })
  const [created] = parseEventLogs({ abi: protocol.trainingFactory.abi, eventName: 'TrainingCreated', logs: receipt.logs })
  if (created === undefined) throw new DeaiError('LEDGER_EVENT_MISSING', 'createTraining emitted no TrainingCreated event')
  return trainingAt(protocol, taskId, created.args.training)
}
