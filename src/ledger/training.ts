import type { Address } from 'viem'
import { trainingRoundsAbi } from './contracts/generated/TrainingRounds.js'
import type { Protocol } from './protocol.js'

/** One task's training contract, bound to the protocol it belongs to. */
export type Training = {
  readonly protocol: Protocol
  readonly taskId: bigint
  readonly address: Address
  readonly abi: typeof trainingRoundsAbi
}

/** Binds the training contract at `address` (task `taskId`). */
export function trainingAt(protocol: Protocol, taskId: bigint, address: Address): Training {
  return { protocol, taskId, address, abi: trainingRoundsAbi }
}
