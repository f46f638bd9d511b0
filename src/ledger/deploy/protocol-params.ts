import { parseEther } from 'viem'
import { z } from 'zod'
import { DeaiError } from '../../errors/base.js'

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
  /** Blocks between the proposal and the block whose hash seeds the committee draw (at least). */
  drawDelayBlocks: number
  /** Blocks after the seed block within which the committee must be drawn (else anyone may abandon the task). */
  drawWindowBlocks: number
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

/**
 * How DEAI holders govern the protocol (DeaiGovernor and DeaiTimelock). The token's clock is
 * timestamps, so every delay and period is in seconds.
 */
export type GovernanceParams = {
  /** Seconds from a proposal to the start of its vote; voting power is read at that instant. */
  votingDelay: bigint
  /** Seconds a vote stays open. */
  votingPeriod: bigint
  /** Delegated votes (wei of DEAI) an address needs to make a proposal. */
  proposalThreshold: bigint
  /** Share (bps) of the supply that must vote for or abstain for a proposal to pass. */
  quorumBps: number
  /** Seconds between queueing a passed proposal in the timelock and executing it. */
  timelockDelay: bigint
}

/** Everything `deployProtocol` sets. */
export type ProtocolParams = {
  /** DEAI minted at deployment to the deployer (wei). */
  supply: bigint
  /** Seconds between an unstake request and the withdrawal. */
  unbondingDelay: bigint
  /** Seconds before an operator key change takes effect. */
  operatorDelay: bigint
  /** Seconds before an owner-key rotation can be completed (the old key can neither claim nor withdraw meanwhile). */
  rotationDelay: bigint
  /** Blocks per sortition epoch: committees are drawn from stake as it stood at the start of an epoch. */
  epochBlocks: bigint
  /** Minimum active stake of a verifier (wei). */
  minVerifierStake: bigint
  /** Active stake a data provider needs in (task, DATA_PROVIDER) to register a shard (wei; 0: none). */
  minDataProviderStake: bigint
  /** Seconds an inference provider has to answer a request before the fee can be refunded. */
  inferenceResultWindow: bigint
  tasks: TaskRules
  governance: GovernanceParams
}

/**
 * Defaults. Production deployments should lengthen the task periods; the governance defaults are
 * meant for production: a proposal takes at least 8 days from creation to execution (1 day
 * before the vote, 5 days of voting, 2 days in the timelock), longer than the 7-day unbonding
 * delay, so a staker who starts unbonding when a proposal appears is out before it executes.
 */
export const DEFAULT_PROTOCOL_PARAMS: ProtocolParams = {
  supply: parseEther('1000000000'),
  unbondingDelay: 7n * 24n * 3600n,
  operatorDelay: 24n * 3600n,
  rotationDelay: 3n * 24n * 3600n,
  epochBlocks: 256n,
  minVerifierStake: parseEther('100'),
  minDataProviderStake: parseEther('10'),
  inferenceResultWindow: 3600n,
  tasks: {
    committeeSize: 5,
    quorumBps: 6000,
    approvalBps: 5000,
    slashBps: 1000,
    drawDelayBlocks: 2,
    drawWindowBlocks: 64,
    commitPeriod: 3600n,
    revealPeriod: 3600n,
    minBond: parseEther('100'),
    fee: parseEther('10'),
    minVerifierStake: parseEther('100'),
  },
  governance: {
    votingDelay: 24n * 3600n,
    votingPeriod: 5n * 24n * 3600n,
    // 0.1% of the default supply.
    proposalThreshold: parseEther('1000000'),
    quorumBps: 400,
    timelockDelay: 2n * 24n * 3600n,
  },
}

const uint = z.union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number().int().nonnegative()]).transform((v) => BigInt(v))
const int = (max: number) => z.number().int().min(0).max(max)
const YEAR = 365n * 24n * 3600n
const seconds = (min: bigint) => uint.refine((v) => v >= min && v <= YEAR, `must be between ${min} seconds and 365 days`)

const overridesSchema = z.strictObject({
  supply: uint.optional(),
  unbondingDelay: uint.optional(),
  operatorDelay: uint.optional(),
  rotationDelay: uint.optional(),
  epochBlocks: uint.refine((v) => v >= 2n && v <= 1_000_000n, 'must be between 2 and 1,000,000 blocks').optional(),
  minVerifierStake: uint.optional(),
  minDataProviderStake: uint.optional(),
  inferenceResultWindow: uint.refine((v) => v > 0n && v <= 30n * 24n * 3600n, 'must be between 1 second and 30 days').optional(),
  tasks: z.strictObject({
    committeeSize: int(32).optional(),
    quorumBps: int(10_000).optional(),
    approvalBps: int(9_999).optional(),
    slashBps: int(10_000).optional(),
    drawDelayBlocks: int(256).optional(),
    drawWindowBlocks: int(256).optional(),
    commitPeriod: uint.optional(),
    revealPeriod: uint.optional(),
    minBond: uint.optional(),
    fee: uint.optional(),
    minVerifierStake: uint.optional(),
  }).optional(),
  governance: z.strictObject({
    votingDelay: seconds(0n).optional(),
    votingPeriod: seconds(1n).optional(),
    proposalThreshold: uint.optional(),
    // A zero quorum would let one vote of one wei pass anything.
    quorumBps: z.number().int().min(1).max(10_000).optional(),
    timelockDelay: seconds(1n).optional(),
  }).optional(),
})

/** Overrides of the protocol parameters, as read from a file (wei and seconds as strings or numbers). */
export type ProtocolParamsOverrides = Partial<Omit<ProtocolParams, 'tasks' | 'governance'>> & {
  tasks?: Partial<TaskRules>
  governance?: Partial<GovernanceParams>
}

/**
 * Validates parameter overrides read from outside.
 *
 * @throws DeaiError `PARAMS_INVALID` naming the field.
 */
export function parseProtocolParams(value: unknown, source = 'params'): ProtocolParamsOverrides {
  const result = overridesSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new DeaiError('PARAMS_INVALID', `${source}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      fixes: ['see DEFAULT_PROTOCOL_PARAMS for the fields; amounts in wei and times in seconds, as strings or integers'],
    })
  }
  const { tasks, governance, ...rest } = result.data
  const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
  return {
    ...clean(rest),
    ...(tasks === undefined ? {} : { tasks: clean(tasks) }),
    ...(governance === undefined ? {} : { governance: clean(governance) }),
  } as ProtocolParamsOverrides
}

/**
 * Short periods for a local dev chain, so a whole task vote fits in a minute of wall time and a
 * governance proposal in about two.
 */
export const DEV_CHAIN_PARAMS: ProtocolParamsOverrides = {
  unbondingDelay: 60n,
  operatorDelay: 30n,
  rotationDelay: 30n,
  // A block a second: a proposal's seed block comes within 20 s, and it has 16 s to draw.
  epochBlocks: 20n,
  tasks: { commitPeriod: 20n, revealPeriod: 20n, drawWindowBlocks: 16 },
  governance: { votingDelay: 1n, votingPeriod: 60n, proposalThreshold: 0n, timelockDelay: 30n },
}

/** Applies overrides in order over the defaults. */
export function mergeProtocolParams(...overrides: readonly (ProtocolParamsOverrides | undefined)[]): ProtocolParams {
  let params = DEFAULT_PROTOCOL_PARAMS
  for (const o of overrides) {
    if (o === undefined) continue
    params = { ...params, ...o, tasks: { ...params.tasks, ...o.tasks }, governance: { ...params.governance, ...o.governance } }
  }
  return params
}

/**
 * Checks the rules that span several parameters: someone must be able to propose, and a proposal
 * must take at least the unbonding delay from creation to execution, so that stakers who
 * disagree with it can leave first.
 *
 * @throws DeaiError `PARAMS_INVALID` naming the rule.
 */
export function assertProtocolParams(params: ProtocolParams): void {
  if (BigInt(params.tasks.drawWindowBlocks) >= params.epochBlocks) {
    throw new DeaiError('PARAMS_INVALID', `tasks.drawWindowBlocks (${params.tasks.drawWindowBlocks}) must be less than epochBlocks (${params.epochBlocks}): a committee is drawn within one sortition epoch`, {
      fixes: ['lower tasks.drawWindowBlocks or raise epochBlocks'],
    })
  }
  const g = params.governance
  if (g.proposalThreshold > params.supply) {
    throw new DeaiError('PARAMS_INVALID', `governance.proposalThreshold (${g.proposalThreshold} wei) is more than the supply (${params.supply} wei): nobody could propose`, {
      fixes: ['lower governance.proposalThreshold (the default is 0.1% of the default supply)'],
    })
  }
  const window = g.votingDelay + g.votingPeriod + g.timelockDelay
  if (window < params.unbondingDelay) {
    throw new DeaiError('PARAMS_INVALID', `governance: a proposal can execute ${window} s after it is made, before a staker who starts unbonding then can withdraw (unbondingDelay ${params.unbondingDelay} s)`, {
      fixes: ['make governance.votingDelay + governance.votingPeriod + governance.timelockDelay at least unbondingDelay'],
    })
  }
}
