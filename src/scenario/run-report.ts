import type { Address, Hex } from 'viem'
import type { DecentralizationMetrics } from '../mechanisms/metrics/decentralization.js'
import type { Deployment } from '../ledger/deploy/deployment.js'
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
  /** Active stake per participant at the end of the round (trainers, validators, aggregators). */
  stake: Record<string, bigint>
  /** Decentralization of stake, of rewards so far and of validation power (validators' stake that revealed). */
  metrics: { stake: DecentralizationMetrics; rewards: DecentralizationMetrics; validationPower: DecentralizationMetrics }
}

/** One kind of attack in a run: how often it was tried and how often the protocol defeated it. */
export type AttackRecord = {
  role: 'trainer' | 'validator' | 'proposer' | 'stranger'
  behaviour: string
  participants: number
  /**
   * Poisoned and free-riding updates: updates submitted; misbehaving validators: rounds played;
   * the trust adversaries (front-runner, slash-escaper, sybil-swarm, grinder, operator-griefer):
   * their attempts (a copied reveal, an escape, a seat, a grind, a claimed key).
   */
  attempted: number
  /** Updates rejected, validator rounds slashed or unpaid, attempts that failed. */
  defeated: number
  /** Share of all rewards these participants earned. */
  rewardShare: number
  /** Their net gain: rewards minus stake lost (and fees paid), in wei. */
  net: bigint
  /** What happened, for the trust adversaries. */
  notes: string[]
}

/** One on-chain event, in chain order. */
export type AuditEvent = { block: bigint; transaction: Hex; logIndex: number; contract: string; event: string; args: Record<string, unknown> }

export type RunParticipant = {
  id: string
  role: string
  behaviour: string
  address: Address
  /** Everything credited to the participant (wei of DEAI). */
  rewards: bigint
  /** Everything slashed from the participant (wei of DEAI). */
  slashed: bigint
  /** Fees the participant paid the protocol: a proposer's verification fee and any forfeited bond (wei). */
  fees: bigint
  /** Net gain: rewards − slashed − fees (wei). */
  net: bigint
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
  /** Which lifecycle stages ran in their full form and which in their simplest honest form. */
  stages: { stage: string; form: 'full' | 'simple'; detail: string }[]
  data: { shards: { cid: string; shardId: bigint; provider: string }[] }
  /** The model record published on chain (marketplace stage). */
  model: { cid: string; lineageCid: string; lineageRoot: Hex; finalRound: number; verified: boolean }
  inference: {
    requests: number
    answered: number
    /** Answers that match the test label. */
    correct: number
    results: { requestId: bigint; provider: string; inputCid: string; resultCid: string; outputClass: number; label: number }[]
  }
  initialAccuracy: number
  rounds: RoundRecord[]
  final: { accuracy: number; modelCid: string }
  participants: RunParticipant[]
  attacks: AttackRecord[]
  /** Every event the protocol's contracts emitted during the run. */
  auditTrail: AuditEvent[]
  /** Gas per role: mean per round, mean per participant per round, and the total. */
  gas: Record<string, { perRound: bigint; perParticipantPerRound: bigint; total: bigint }>
  chain: { chainId: number; deployment: Deployment; blocks: bigint }
  /** Wall-clock figures: the only part of the report that differs between identical runs. */
  timing: { totalSeconds: number; stages: Record<string, number>; rounds: number[]; roundsCpu: number[]; phases: Record<string, number>[] }
}
