import { parseEther } from 'viem'

/** Task-proposing rules, stored per task at proposal time (TaskRegistry.Params). */
export type TaskRules = {
  /** Verifiers drawn per task. */
  committeeSize: number
  /** Share of the committee (basis points) that must reveal for a decision. */
  quorumBps: number
  /** Approvals must be strictly above this share (bps) of revealed votes. */
  approvalBps: number
  /** Share (bps) of a verifier's stake slashed for a minority vote or no reveal. */
  slashBps: number
  /** Blocks between the proposal and the block whose hash seeds the committee draw. */
  drawDelayBlocks: number
  /** Seconds for committing votes after the draw. */
  commitPeriod: bigint
  /** Seconds for revealing votes after the commit phase. */
  revealPeriod: bigint
  /** Smallest bond a proposer must put up (wei). */
  minBond: bigint
  /** Verification fee taken from the budget and paid to the majority (wei). */
  fee: bigint
  /** Smallest active stake that makes a verifier eligible for committees (wei). */
  minVerifierStake: bigint
}

/** Everything `deployProtocol` sets. */
export type ProtocolParams = {
  /** DEAI minted at deployment to the deployer (wei). */
  supply: bigint
  /** Seconds between an unstake request and the withdrawal. */
  unbondingDelay: bigint
  /** Seconds before an operator key change takes effect. */
  operatorDelay: bigint
  /** Minimum active stake of a verifier (wei). */
  minVerifierStake: bigint
  tasks: TaskRules
}

/** Defaults for a dev network. Production deployments should lengthen the delays. */
export const DEFAULT_PROTOCOL_PARAMS: ProtocolParams = {
  supply: parseEther('1000000000'),
  unbondingDelay: 7n * 24n * 3600n,
  operatorDelay: 24n * 3600n,
  minVerifierStake: parseEther('100'),
  tasks: {
    committeeSize: 5,
    quorumBps: 6000,
    approvalBps: 5000,
    slashBps: 1000,
    drawDelayBlocks: 2,
    commitPeriod: 3600n,
    revealPeriod: 3600n,
    minBond: parseEther('100'),
    fee: parseEther('10'),
    minVerifierStake: parseEther('100'),
  },
}
