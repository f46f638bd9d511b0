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
}

/** Defaults for a dev network. Production deployments should lengthen the delays. */
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
}

const uint = z.union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number().int().nonnegative()]).transform((v) => BigInt(v))
const int = (max: number) => z.number().int().min(0).max(max)

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
})

/** Overrides of the protocol parameters, as read from a file (wei and seconds as strings or numbers). */
export type ProtocolParamsOverrides = Partial<Omit<ProtocolParams, 'tasks'>> & { tasks?: Partial<TaskRules> }

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
  const { tasks, ...rest } = result.data
  const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
  return { ...clean(rest), ...(tasks === undefined ? {} : { tasks: clean(tasks) }) } as ProtocolParamsOverrides
}

/** Short periods for a local dev chain, so a whole task vote fits in a minute of wall time. */
export const DEV_CHAIN_PARAMS: ProtocolParamsOverrides = {
  unbondingDelay: 60n,
  operatorDelay: 30n,
  rotationDelay: 30n,
  // A block a second: a proposal's seed block comes within 20 s, and it has 16 s to draw.
  epochBlocks: 20n,
  tasks: { commitPeriod: 20n, revealPeriod: 20n, drawWindowBlocks: 16 },
}

/** Applies overrides in order over the defaults. */
export function mergeProtocolParams(...overrides: readonly (ProtocolParamsOverrides | undefined)[]): ProtocolParams {
  let params = DEFAULT_PROTOCOL_PARAMS
  for (const o of overrides) {
    if (o === undefined) continue
    params = { ...params, ...o, tasks: { ...params.tasks, ...o.tasks } }
  }
  return params
}
