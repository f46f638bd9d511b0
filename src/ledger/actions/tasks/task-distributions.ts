import { getAddress, keccak256, stringToBytes, zeroAddress } from 'viem'
import type { Address, Hash, Hex } from 'viem'
import { toContractError } from '../../contracts/contract-errors.js'
import { ROLE_NAMES, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { listStakers } from '../staking/list-stakers.js'

/** Who holds how much of one thing (stake, rewards, validation power), read from the chain. */
export type TaskDistribution = {
  /** What is distributed: `stake`, `rewards` or `validation power`. */
  kind: 'stake' | 'rewards' | 'validation power'
  /** Whose: a role, or `all` for every recipient of the task's rewards. */
  of: RoleName | 'all'
  /** One entry per owner, largest first (ties by address). */
  entries: { owner: Address; amount: bigint }[]
}

/** What {@link getTaskDistributions} returns. */
export type TaskDistributions = {
  taskId: bigint
  /** The task's training contract, if its training was created. */
  training: Address | undefined
  /** Stake per role pool, rewards (all, then per role) and validation power, in that order (roles as ROLE_NAMES lists them). */
  distributions: TaskDistribution[]
}

/** Reward reasons of the contracts that pay a task's participants, by the role they pay. */
const REWARD_ROLES: ReadonlyMap<Hex, RoleName> = new Map([
  [keccak256(stringToBytes('TRAINING_UPDATE')), 'trainer'],
  [keccak256(stringToBytes('TRAINING_VALIDATION')), 'validator'],
  [keccak256(stringToBytes('TASK_VERIFICATION')), 'verifier'],
])

/**
 * Reads the distributions the decentralization metrics are taken over, for one task:
 * - stake: every role pool of the task with stakers (StakeManager's stakers and their active stake);
 * - rewards: what StakeManager credited for the task (RewardCredited by the task's training
 *   contract, and by TaskRegistry in the transaction that settled the task's verification vote),
 *   summed per owner, for all recipients and per role;
 * - validation power: the validators' active stake in the task.
 *
 * @param protocol - the deployed protocol.
 * @param taskId - the task.
 * @returns the distributions (owners with nothing are left out).
 * @throws DeaiError `CONTRACT_REVERTED` (UnknownTask) when there is no such task.
 * @example
 * ```ts
 * import { decentralization } from 'deai/mechanisms'
 * import { getTaskDistributions } from 'deai/actions'
 * const { distributions } = await getTaskDistributions(protocol, 1n)
 * for (const d of distributions) console.log(d.kind, d.of, decentralization(d.entries.map((e) => e.amount)))
 * ```
 */
export async function getTaskDistributions(protocol: Protocol, taskId: bigint): Promise<TaskDistributions> {
  const client = protocol.ledger.client
  try {
    await client.readContract({ ...protocol.taskRegistry, functionName: 'getTask', args: [taskId] })
  } catch (error) {
    throw toContractError(error, `reading task ${taskId}`)
  }
  const trainingAddress = await client.readContract({ ...protocol.trainingFactory, functionName: 'trainingOf', args: [taskId] })
  const training = trainingAddress === zeroAddress ? undefined : trainingAddress

  const stake: TaskDistribution[] = []
  // One call at a time: the embedded chain serves requests serially.
  for (const role of ROLE_NAMES) {
    const owners = await listStakers(protocol, { role, taskId })
    if (owners.length === 0) continue
    const entries: TaskDistribution['entries'] = []
    for (const owner of owners) {
      const amount = await client.readContract({ ...protocol.stakeManager, functionName: 'activeStake', args: [taskId, roleId(role), owner] })
      entries.push({ owner, amount })
    }
    stake.push({ kind: 'stake', of: role, entries: sorted(entries) })
  }

  const credits = await taskCredits(protocol, taskId, training)
  const byRole = new Map<RoleName | 'all', Map<Address, bigint>>([['all', new Map()]])
  for (const c of credits) {
    const role = REWARD_ROLES.get(c.reason)
    for (const key of role === undefined ? ['all' as const] : ['all' as const, role]) {
      const totals = byRole.get(key) ?? new Map<Address, bigint>()
      totals.set(c.owner, (totals.get(c.owner) ?? 0n) + c.amount)
      byRole.set(key, totals)
    }
  }
  const order = (of: RoleName | 'all') => (of === 'all' ? -1 : ROLE_NAMES.indexOf(of))
  const rewards: TaskDistribution[] = [...byRole.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([of, totals]) => ({ kind: 'rewards', of, entries: sorted([...totals.entries()].map(([owner, amount]) => ({ owner, amount }))) }))

  const validators = stake.find((d) => d.of === 'validator')?.entries ?? []
  return {
    taskId,
    training,
    distributions: [...stake, ...rewards, { kind: 'validation power', of: 'validator', entries: validators.filter((e) => e.amount > 0n) }],
  }
}

type Credit = { owner: Address; amount: bigint; reason: Hex }

/** RewardCredited events paying for the task: by its training contract, and by the registry in the task's vote settlement. */
async function taskCredits(protocol: Protocol, taskId: bigint, training: Address | undefined): Promise<Credit[]> {
  const client = protocol.ledger.client
  const fromBlock = BigInt(protocol.deployment.blockNumber)
  const settledIn = new Set<Hash>()
  for (const eventName of ['TaskApproved', 'TaskRejected'] as const) {
    const logs = await client.getContractEvents({ ...protocol.taskRegistry, eventName, args: { taskId }, fromBlock, strict: true })
    for (const log of logs) settledIn.add(log.transactionHash)
  }
  const rewarders = [...(training === undefined ? [] : [training]), protocol.taskRegistry.address]
  const credits: Credit[] = []
  for (const rewarder of rewarders) {
    const logs = await client.getContractEvents({ ...protocol.stakeManager, eventName: 'RewardCredited', args: { rewarder }, fromBlock, strict: true })
    for (const log of logs) {
      if (rewarder === protocol.taskRegistry.address && !settledIn.has(log.transactionHash)) continue
      credits.push({ owner: getAddress(log.args.owner), amount: log.args.amount, reason: log.args.reason })
    }
  }
  return credits
}

function sorted(entries: TaskDistribution['entries']): TaskDistribution['entries'] {
  return entries.sort((a, b) => (a.amount === b.amount ? a.owner.localeCompare(b.owner) : a.amount > b.amount ? -1 : 1))
}
