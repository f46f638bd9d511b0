import type { Address } from 'viem'
import type { Scenario } from './scenario-schema.js'

/** One training round as the report shows it. */
export type RoundRecord = {
  round: number
  /** Test accuracy of the global model posted after this round. */
  accuracy: number
  loss: number
  modelCid: string
  accepted: number
  rejected: number
  updates: { trainer: string; accepted: boolean; consensusScore: number; reward: bigint }[]
  validators: { validator: string; revealed: boolean; deviationBps: number; reward: bigint; slashed: boolean }[]
  /** Gas spent in the round, per role. */
  gas: Record<string, bigint>
}

export type RunParticipant = {
  id: string
  role: string
  behaviour: string
  address: Address
  /** Everything credited to the participant (wei of DEAI). */
  rewards: bigint
  /** Everything slashed from the participant (wei of DEAI). */
  slashed: bigint
}

/** What `deai run` writes and prints. Bigints are wei; JSON renders them as decimal strings. */
export type RunReport = {
  format: 'deai-run/1'
  scenario: Scenario
  task: {
    id: bigint
    specCid: string
    committee: { member: string; approve: boolean; reasonsCid: string }[]
    trainingContract: Address
  }
  initialAccuracy: number
  rounds: RoundRecord[]
  final: { accuracy: number; modelCid: string }
  participants: RunParticipant[]
  /** Gas per role: mean per round, mean per participant per round, and the total. */
  gas: Record<string, { perRound: bigint; perParticipantPerRound: bigint; total: bigint }>
  chain: { chainId: number; contracts: Record<string, Address>; blocks: bigint }
  /** Wall-clock figures: the only part of the report that differs between identical runs. */
  timing: { totalSeconds: number; stages: Record<string, number> }
}
