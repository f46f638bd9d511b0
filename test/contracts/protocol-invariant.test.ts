import { beforeAll, describe, expect, test } from 'vitest'
import { encodeFunctionData, keccak256, maxUint256, parseEventLogs, stringToBytes, zeroAddress } from 'viem'
import type { Abi, Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { seedCommitment, voteCommitment } from '../../src/ledger/internal/task-secrets.js'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { trainingFactoryAbi } from '../../src/ledger/contracts/generated/TrainingFactory.js'
import { governorCallAbi } from '../../src/ledger/contracts/governance-abi.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import type { TaskRules } from '../../src/ledger/deploy/protocol-params.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { settleTrainingRound } from '../../src/mechanisms/consensus/training/settle-round.js'
import type { TrainingConsensusRule } from '../../src/mechanisms/consensus/training/settle-round.js'
import { EMPTY_YUMA_BOND_STATE } from '../../src/mechanisms/consensus/training/yuma-round.js'
import type { YumaBondState } from '../../src/mechanisms/consensus/training/yuma-round.js'
import { writeByName } from '../helpers/call-by-name.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import {
  createOperatorBook,
  effectiveOperator,
  operatorKey,
  operatorSlot,
  operatorTakenBy,
  ownerOfOperator,
  releaseOperator,
  releasePendingOperator,
  settleOperator,
} from '../helpers/operator-model.js'
import type { OperatorBook } from '../helpers/operator-model.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createSortitionModel, referenceDraw } from '../helpers/sortition-model.js'
import type { SortitionModel } from '../helpers/sortition-model.js'
import { bytes32Of, committeeSeed } from '../helpers/task-flow.js'
import {
  AGGREGATOR,
  CONSENSUS,
  TRAINER,
  VALIDATOR,
  digestOf,
  factoryOf,
  scoreCommitment,
  trainingConfig,
  trainingTestAbi,
  updateCommitment,
} from '../helpers/training-flow.js'
import type { TrainingConfig } from '../helpers/training-flow.js'

/**
 * The whole protocol under one seeded run of mixed operations: staking (stake, stakeFor,
 * unstake, withdraw, claim, operator keys, owner-key rotation), tasks (propose, committee draw or
 * abandonment, commit-reveal votes, finalize, close), training (clones created on open tasks,
 * commit-reveal updates and scores, settlement, models, disputes, finish) and governance
 * (delegation, proposals that pay from the treasury, change a minimum stake or the task rules,
 * pause and unpause StakeManager; votes, queue, execute).
 *
 * A TypeScript model restates every rule: each operation's outcome (success or the exact custom
 * error) is predicted before it is sent, and after every step one call to a lens contract reads
 * the books back. Every token is accounted for after every step:
 *   - StakeManager holds totalStaked + totalUnclaimed, and those equal the model's sums of
 *     per-owner positions (active + unbonding) and of per-owner unclaimed rewards;
 *   - TaskRegistry holds the model's escrowed budgets and bonds;
 *   - each live training clone holds what its books say (funded + slashed in - credited -
 *     refunded), and its books equal the model's;
 *   - the treasury (the timelock) holds the model's treasury: slashed verifier stake, forfeited
 *     bonds, vote dust and trainings' slashed stake in, governance payments out;
 *   - every account holds the model's balance, and the token's supply equals the sum of all
 *     of them: accounts, StakeManager, TaskRegistry, clones and treasury.
 * Every position, reward and task the step touched is compared field by field, and every one
 * of them every SWEEP_EVERY steps.
 *
 * No locked stake leaves. What the contracts guarantee, from their `lock` calls: TaskRegistry
 * locks a drawn member until its vote's reveal deadline plus a reveal period; a training clone
 * locks a trainer or validator that commits until the round's reveal deadline plus the settle
 * period, an aggregator that posts until the dispute window, a vote and a settle period are over,
 * and a dispute voter until the vote's deadline plus the settle period; StakeManager refuses a
 * withdrawal or a migration before a position's lock. So the run checks, after every step, that
 * each position backing work not yet judged (a member of a committee not yet finalized, a trainer
 * or validator committed in an opening not yet settled, an aggregator whose model is in its
 * dispute window or under dispute, a dispute voter) is locked at least until that work's
 * deadline, and, for every withdrawal and migration that succeeds, that the position's lock read
 * before the transaction had passed at the block's time.
 */

const SEED = 424_242
const OPERATIONS = 10_000
/**
 * A run goes on past OPERATIONS, up to this, while some path was never taken: rare paths hang on
 * chance (committee draws follow block hashes, which any change to the contracts' code moves).
 */
const MAX_OPERATIONS = 16_000
const SWEEP_EVERY = 50
/**
 * Positions, tasks and training clones read per lens call at most: a call's gas is capped like a
 * transaction's (2^24), and a sweep's lists grow with the run. A position costs about 17k gas, a
 * task 20k, a clone 22k: a full call stays under 7M.
 */
const LENS_POSITIONS = 150
const LENS_TASKS = 100
const LENS_CLONES = 50
const E = 10n ** 18n
const BPS = 10_000n
const SUPPLY = 200_000_000n * E
const UNBONDING = 3600n
const OPERATOR_DELAY = 600n
const ROTATION_DELAY = 1800n
const EPOCH_BLOCKS = 64n
const TASK_RULES: TaskRules = {
  committeeSize: 3,
  quorumBps: 6000,
  approvalBps: 5000,
  slashBps: 1000,
  drawDelayBlocks: 2,
  drawWindowBlocks: 40,
  commitPeriod: 1800n,
  revealPeriod: 1800n,
  minBond: 100n * E,
  fee: 10n * E,
  minVerifierStake: 100n * E,
}
const GOVERNANCE = { votingDelay: 600n, votingPeriod: 3600n, proposalThreshold: 1_000_000n * E, quorumBps: 400, timelockDelay: 1800n }
/** For + abstain votes a proposal needs: a share of the (fixed) supply. */
const QUORUM = (SUPPLY * BigInt(GOVERNANCE.quorumBps)) / BPS
const WHALE_FUNDS = [6_000_000n * E, 4_000_000n * E, 3_000_000n * E]
const PARTICIPANT_FUNDS = 50_000n * E
const PROPOSER_FUNDS = 500_000n * E
const ROTATION_TARGET_FUNDS = 10_000n * E
/** Trainings running at once, and tasks waiting for a committee, a vote or a training. */
const MAX_TRAININGS = 3
const MAX_PENDING_TASKS = 3
/** Time an open task waits for stakers before its proposer creates the training anyway. */
const TRAINING_PREP = 3600n
/** Share of the lifecycle steps spent on operations that must be refused. */
const INVALID_SHARE = 0.06
/** A training round's phases and settle period, as `randomConfig` sets them. */
const ROUND_TIME = 3600n + 1800n + 1800n + 1800n + 3600n

const VERIFIER = roleId('verifier')
const POOL0 = `0/${VERIFIER}`
const poolOf = (taskId: bigint, role: Hex): string => `${taskId}/${role}`
const ROLE_NAME = new Map<Hex, string>([[VERIFIER, 'verifier'], [TRAINER, 'trainer'], [VALIDATOR, 'validator'], [AGGREGATOR, 'aggregator']])

const TASK = { proposed: 1, voting: 2, open: 3, rejected: 4, failed: 5, abandoned: 6, closed: 7 } as const
const ROUND = { open: 1, settled: 2, cancelled: 3, closed: 4 } as const
const MODEL = { none: 0, posted: 1, rejected: 2 } as const
const DISPUTE = { none: 0, open: 1, resolved: 2 } as const

const OPS = [
  'stake', 'stakeFor', 'requestUnstake', 'withdraw', 'claim', 'setOperator', 'acceptOperator', 'revokeOperator',
  'requestRotation', 'completeRotation', 'migratePosition',
  'propose', 'drawCommittee', 'abandon', 'commitVote', 'revealVote', 'finalize', 'close',
  'createTraining', 'commitUpdate', 'revealUpdate', 'commitScores', 'revealScores', 'settle', 'postModel',
  'disputeModel', 'voteDispute', 'resolveDispute', 'finish',
  'delegate', 'govPropose', 'castVote', 'queue', 'execute',
] as const
type Op = (typeof OPS)[number]

/** Paths the run must have taken, or it tested less than it claims. */
const PATHS = [
  'slashed to treasury', 'training slashes to treasury', 'treasury payment executed', 'treasury payment refused',
  'min stake changed', 'task rules changed', 'paused', 'unpaused', 'stake refused while paused',
  'withdraw while paused', 'claim while paused', 'unstake while paused', 'proposal defeated',
  'approved task', 'rejected task refunded', 'no quorum refunded', 'too few verifiers refunded', 'abandoned bond to treasury',
  'task closed with refund', 'vote dust to treasury', 'withdraw refused while locked', 'migration refused while locked',
  'withdraw refused while unbonding', 'unbonding slashed', 'verifier slashed', 'trainer slashed', 'validator slashed',
  'update accepted', 'free riding', 'copied update', 'update not revealed', 'validator silent', 'dispute wrong',
  'dispute right', 'losing voter slashed', 'round cancelled', 'round reopened', 'finished after expiry', 'finished after last round',
  'operator did the work', 'owner key refused for its operator', 'rotation completed', 'position migrated',
  'rotated seat voted', 'late finalize', 'insufficient budget', 'schedule too long',
] as const
type Path = (typeof PATHS)[number]

type Position = { taskId: bigint; role: Hex; owner: Address; active: bigint; unbonding: bigint; releaseAt: bigint; lockedUntil: bigint }

type VotePlan = 'approve' | 'reject' | 'commit-only' | 'absent'
type Ballot = { approve: boolean; reasonsCid: string; salt: Hex }
type MemberVote = { plan: VotePlan; ballot: Ballot; committed: boolean; revealed: 0 | 1 | 2 }

type Task = {
  id: bigint
  proposer: PrivateKeyAccount
  status: number
  rules: TaskRules
  secret: Hex
  seedBlock: bigint
  snapshotEpoch: bigint
  expiresAt: bigint
  budget: bigint
  bond: bigint
  /** The proposer means to draw the committee (else the task is abandoned). */
  drawIntent: boolean
  /** Whether the spec is sound: members mostly approve a good task, reject a bad one. */
  good: boolean
  /** Once open, whether its proposer starts a training. */
  trainIntent: boolean
  committee: Address[]
  votes: Map<Address, MemberVote>
  /** Per member, the keys `drawCommittee` locked (the member and the keys it rotated to). */
  lockedKeys: Map<Address, Address[]>
  commitDeadline: bigint
  revealDeadline: bigint
  openedAt: bigint
  training: Training | undefined
}

type Entry = { trainer: Address; digest: Hex; examples: number; salt: Hex; reveals: boolean; revealed: boolean; keys: Address[] }
type Seat = { validator: Address; stakeAtCommit: bigint; scores: number[]; salt: Hex; reveals: boolean; revealed: boolean; keys: Address[] }
/** One opening of a round (a round reopens after a dispute finds the model it trains on wrong). */
type Opening = {
  round: bigint
  attempt: number
  status: number
  trainDeadline: bigint
  updateRevealDeadline: bigint
  scoreDeadline: bigint
  revealDeadline: bigint
  /** Each validator's active stake at the end of the block before the opening. */
  snapshot: Map<Address, bigint>
  modelDigest: Hex
  entries: Entry[]
  seats: Seat[]
  /** What each update is worth, drawn when scoring starts. */
  quality: number[]
  /** Trainers and validators that take part in this opening. */
  trains: Set<Address>
  scores: Set<Address>
}
type DisputeVote = { stake: bigint; wrong: boolean; keys: Address[] }
type Posted = {
  round: bigint
  status: number
  digest: Hex
  aggregator: Address
  postedAt: bigint
  aggregatorKeys: Address[]
  dispute: number
  disputer: Address
  voteDeadline: bigint
  /** Validators' active stake at the end of the block before the dispute. */
  snapshot: Map<Address, bigint>
  votes: Map<Address, DisputeVote>
  stakeForWrong: bigint
  stakeForRight: bigint
  /** Whether the model is in fact wrong: voters mostly say the truth. */
  wrong: boolean
  disputeIntent: boolean
}
type Books = { funded: bigint; slashedIn: bigint; credited: bigint; refunded: bigint }
type Training = {
  task: Task
  address: Address
  config: TrainingConfig
  rule: TrainingConsensusRule
  books: Books
  finished: boolean
  current: bigint
  openings: Map<bigint, Opening>
  models: Map<bigint, Posted>
  yuma: YumaBondState
  posts: number
}

type GovAction =
  | { kind: 'payment'; to: Address; amount: bigint }
  | { kind: 'min-stake'; role: Hex; amount: bigint }
  | { kind: 'pause' }
  | { kind: 'unpause' }
  | { kind: 'task-rules'; rules: TaskRules }
type Support = 'for' | 'against' | 'abstain'
type Proposal = {
  id: bigint
  action: GovAction
  targets: Address[]
  values: bigint[]
  calldatas: Hex[]
  descriptionHash: Hex
  voteStart: bigint
  voteEnd: bigint
  /** Each whale's votes at the snapshot, once the snapshot is past. */
  weights: Map<Address, bigint> | undefined
  plans: Map<Address, Support | 'none'>
  cast: Map<Address, Support>
  forVotes: bigint
  againstVotes: bigint
  abstainVotes: bigint
  eta: bigint | undefined
  executed: boolean
  failures: number
}

/** Everything the run predicts from. */
type Model = {
  now: bigint
  block: bigint
  positions: Map<string, Position>
  operators: OperatorBook
  rotations: Map<Address, { to: Address; readyAt: bigint }>
  rotatedTo: Map<Address, Address>
  rewards: Map<Address, bigint>
  balances: Map<Address, bigint>
  minStake: Map<Hex, bigint>
  paused: boolean
  treasury: bigint
  rules: TaskRules
  tasks: Task[]
  trainings: Training[]
  /** The verifier pool's sortition tree (StakeManager keeps one for VERIFIER only). */
  tree: SortitionModel
  proposals: Proposal[]
  delegates: Map<Address, Address>
}

/**
 * Fails with `expect`'s report only on a mismatch: a run compares tens of thousands of values, and
 * an assertion object per value would cost more than the comparisons.
 */
function same(actual: unknown, expected: unknown, what: () => string): void {
  if (!equal(actual, expected)) expect(actual, what()).toEqual(expected)
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const keys = Object.keys(x)
  return keys.length === Object.keys(y).length && keys.every((k) => equal(x[k], y[k]))
}

let fx: ProtocolFixture
let lens: Address
let lensAbi: Abi
let whales: PrivateKeyAccount[]
let proposers: PrivateKeyAccount[]
let verifiers: PrivateKeyAccount[]
let rotationTargets: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregators: PrivateKeyAccount[]
let operatorKeys: PrivateKeyAccount[]
let payee: PrivateKeyAccount
/** Every account that may ever hold DEAI, the deployer first. */
let accounts: PrivateKeyAccount[]
let initialBalances: Map<Address, bigint>

beforeAll(async () => {
  fx = await createProtocolFixture({
    accounts: 32,
    funded: [],
    params: {
      supply: SUPPLY,
      unbondingDelay: UNBONDING,
      operatorDelay: OPERATOR_DELAY,
      rotationDelay: ROTATION_DELAY,
      epochBlocks: EPOCH_BLOCKS,
      minVerifierStake: TASK_RULES.minVerifierStake,
      tasks: TASK_RULES,
      governance: GOVERNANCE,
    },
  })
  const take = (from: number, n: number) => Array.from({ length: n }, (_, i) => accountAt(fx, from + i))
  whales = take(1, 3)
  proposers = take(4, 3)
  verifiers = take(7, 6)
  rotationTargets = take(13, 2)
  trainers = take(15, 5)
  validators = take(20, 5)
  aggregators = take(25, 2)
  operatorKeys = take(27, 4)
  payee = accountAt(fx, 31)
  accounts = [fx.deployer, ...whales, ...proposers, ...verifiers, ...rotationTargets, ...trainers, ...validators, ...aggregators, ...operatorKeys, payee]
  const funds = new Map<Address, bigint>([
    ...whales.map((w, i) => [w.address, WHALE_FUNDS[i]!] as const),
    ...proposers.map((p) => [p.address, PROPOSER_FUNDS] as const),
    ...[...verifiers, ...trainers, ...validators, ...aggregators].map((a) => [a.address, PARTICIPANT_FUNDS] as const),
    ...rotationTargets.map((r) => [r.address, ROTATION_TARGET_FUNDS] as const),
  ])
  for (const [to, amount] of funds) await writeContract(fx.ledger, fx.deployer, { ...fx.token, functionName: 'transfer', args: [to, amount] })
  // Everyone who stakes (or stakes for others) approves StakeManager once; proposers escrow in TaskRegistry.
  for (const a of [...proposers, ...verifiers, ...rotationTargets, ...trainers, ...validators, ...aggregators]) {
    await writeContract(fx.ledger, a, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
  }
  for (const p of proposers) await writeContract(fx.ledger, p, { ...fx.token, functionName: 'approve', args: [fx.taskRegistry.address, maxUint256] })
  const compiled = await compileMock('ProtocolLens')
  lens = await deployContract(fx.ledger, fx.deployer, compiled)
  lensAbi = compiled.abi
  const funded = [...funds.values()].reduce((a, b) => a + b, 0n)
  initialBalances = new Map(accounts.map((a) => [a.address, funds.get(a.address) ?? 0n]))
  initialBalances.set(fx.deployer.address, SUPPLY - funded)
}, 300_000)

describe('protocol money invariant', () => {
  test(`${OPERATIONS} seeded operations over staking, tasks, training and governance account for every token and leave no locked stake`, { timeout: 900_000 }, async () => {
    const random = createPrng(SEED)
    const model: Model = {
      now: await fx.ledger.clock.now(),
      block: await fx.ledger.client.getBlockNumber({ cacheTime: 0 }),
      positions: new Map(),
      operators: createOperatorBook(),
      rotations: new Map(),
      rotatedTo: new Map(),
      rewards: new Map(),
      balances: new Map(initialBalances),
      minStake: new Map([[VERIFIER, TASK_RULES.minVerifierStake]]),
      paused: false,
      treasury: 0n,
      rules: TASK_RULES,
      tasks: [],
      trainings: [],
      tree: createSortitionModel(),
      proposals: [],
      delegates: new Map(),
    }
    const keyOf = new Map(accounts.map((a) => [a.address, a]))
    const account = (address: Address): PrivateKeyAccount => {
      const a = keyOf.get(address)
      if (a === undefined) throw new Error(`no key for ${address}`)
      return a
    }
    const tallies = new Map(OPS.map((op) => [op, { ok: 0, reverted: new Map<string, number>() }]))
    const paths = new Set<Path>()
    let operations = 0
    let advances = 0
    let lockChecks = 0
    let exitChecks = 0

    // ------------------------------------------------------------ the model's bookkeeping

    const dirty = { positions: new Set<string>(), rewards: new Set<Address>(), tasks: new Set<bigint>(), clones: new Set<Address>() }
    const posKey = (taskId: bigint, role: Hex, owner: Address) => `${taskId}/${role}/${owner}`
    const position = (taskId: bigint, role: Hex, owner: Address): Position => {
      const k = posKey(taskId, role, owner)
      let p = model.positions.get(k)
      if (p === undefined) {
        p = { taskId, role, owner, active: 0n, unbonding: 0n, releaseAt: 0n, lockedUntil: 0n }
        model.positions.set(k, p)
      }
      return p
    }
    const touch = (p: Position) => dirty.positions.add(posKey(p.taskId, p.role, p.owner))
    const epochOf = (block: bigint) => block / EPOCH_BLOCKS + 1n
    /** StakeManager._setActive: the verifier pool also feeds the sortition tree, in the epoch of the current block. */
    const setActive = (p: Position, active: bigint) => {
      p.active = active
      if (p.taskId === 0n && p.role === VERIFIER) model.tree.set(p.owner, active, epochOf(model.block))
      touch(p)
    }
    const pay = (to: Address, amount: bigint) => model.balances.set(to, (model.balances.get(to) ?? 0n) + amount)
    const currentOwner = (owner: Address): Address => {
      let o = owner
      for (let next = model.rotatedTo.get(o); next !== undefined; next = model.rotatedTo.get(o)) o = next
      return o
    }
    const rotated = (owner: Address) => model.rotatedTo.has(owner)
    const credit = (owner: Address, amount: bigint) => {
      if (amount === 0n) return
      const to = currentOwner(owner)
      model.rewards.set(to, (model.rewards.get(to) ?? 0n) + amount)
      dirty.rewards.add(to)
    }
    /** StakeManager._take: `amount`, or `bps` of active + unbonding, active first; an empty rotated position is judged at its new key. */
    const take = (taskId: bigint, role: Hex, owner: Address, amount: bigint, bps?: bigint): bigint => {
      let o = owner
      while (position(taskId, role, o).active === 0n && position(taskId, role, o).unbonding === 0n && model.rotatedTo.has(o)) o = model.rotatedTo.get(o)!
      const p = position(taskId, role, o)
      const want = bps === undefined ? amount : ((p.active + p.unbonding) * bps) / BPS
      const fromActive = want < p.active ? want : p.active
      const rest = want - fromActive
      const fromUnbonding = rest < p.unbonding ? rest : p.unbonding
      if (fromActive + fromUnbonding === 0n) return 0n
      p.unbonding -= fromUnbonding
      if (fromUnbonding > 0n) paths.add('unbonding slashed')
      setActive(p, p.active - fromActive)
      return fromActive + fromUnbonding
    }
    /** StakeManager.lock: every key on the owner's rotation chain; returns the keys locked. */
    const lock = (taskId: bigint, role: Hex, owner: Address, until: bigint): Address[] => {
      const keys: Address[] = []
      for (let k: Address | undefined = owner; k !== undefined; k = model.rotatedTo.get(k)) {
        const p = position(taskId, role, k)
        if (until > p.lockedUntil) p.lockedUntil = until
        touch(p)
        keys.push(k)
      }
      return keys
    }
    const active = (taskId: bigint, role: Hex, owner: Address) => model.positions.get(posKey(taskId, role, owner))?.active ?? 0n
    const minStake = (role: Hex) => model.minStake.get(role) ?? 0n
    /** The key that works for `owner` in the pool at time `t`. */
    const workingKey = (pool: string, owner: Address, t: bigint): PrivateKeyAccount => account(effectiveOperator(operatorSlot(model.operators, pool, owner), owner, t))
    const ownerOf = (pool: string, key: Address, t: bigint) => ownerOfOperator(model.operators, pool, key, t, rotated)
    const votesOf = (delegatee: Address): bigint => {
      let votes = 0n
      for (const [from, to] of model.delegates) if (to === delegatee) votes += model.balances.get(from) ?? 0n
      return votes
    }
    const liveTrainings = () => model.trainings.filter((tr) => !tr.finished)
    const min = (a: bigint, b: bigint) => (a < b ? a : b)

    // ------------------------------------------------------------ sending and checking

    /** What must happen before a block at time `t` is mined: proposals whose snapshot it passes record the votes as they stand. */
    const beforeBlock = (t: bigint) => {
      for (const p of model.proposals) {
        if (p.weights === undefined && p.voteStart < t) p.weights = new Map(whales.map((w) => [w.address, votesOf(w.address)]))
      }
    }

    /**
     * Sends one operation: its outcome must be `expected` (ok or a custom error's name); on
     * success the model applies it at the block's time, then the books are checked.
     */
    async function act(op: Op, expected: string, send: () => Promise<TransactionReceipt>, apply: (t: bigint, receipt: TransactionReceipt) => void | Promise<void>): Promise<boolean> {
      const t = model.now + 1n
      beforeBlock(t)
      let receipt: TransactionReceipt | undefined
      let actual = 'ok'
      try {
        receipt = await send()
      } catch (error) {
        const name = revertName(error)
        if (name === undefined) throw error
        actual = name
      }
      operations++
      same(actual, expected, () => `operation ${operations} (${op}) at ${t}`)
      const tally = tallies.get(op)!
      if (receipt === undefined) {
        tally.reverted.set(actual, (tally.reverted.get(actual) ?? 0) + 1)
      } else {
        tally.ok++
        model.now = t
        model.block += 1n
        await apply(t, receipt)
      }
      await check(`operation ${operations} (${op})`, operations % SWEEP_EVERY === 0)
      return receipt !== undefined
    }

    const call = (who: PrivateKeyAccount, target: { address: Address; abi: readonly unknown[] }, functionName: string, args: readonly unknown[]) =>
      () => writeByName(fx.ledger, who, target, functionName, args)
    const sm = (who: PrivateKeyAccount, functionName: string, args: readonly unknown[]) => call(who, fx.stakeManager, functionName, args)
    const tr = (who: PrivateKeyAccount, functionName: string, args: readonly unknown[]) => call(who, fx.taskRegistry, functionName, args)
    const clone = (training: Training, who: PrivateKeyAccount, functionName: string, args: readonly unknown[]) =>
      call(who, { address: training.address, abi: trainingTestAbi }, functionName, args)
    const governor = { address: fx.protocol.governor.address, abi: governorCallAbi }

    /** Lets `seconds` pass in one empty block. */
    async function advance(seconds: bigint): Promise<void> {
      beforeBlock(model.now + seconds)
      await fx.ledger.clock.advance(seconds)
      model.now += seconds
      model.block += 1n
      advances++
    }

    /** Mines `blocks` empty blocks, a second apart. */
    async function mine(blocks: bigint): Promise<void> {
      beforeBlock(model.now + blocks)
      await fx.ledger.clock.mine(Number(blocks))
      model.now += blocks
      model.block += blocks
      advances++
    }

    const escrowed = () => model.tasks.reduce((sum, t) => sum + t.budget + t.bond, 0n)
    const holds = (training: Training) => training.books.funded + training.books.slashedIn - training.books.credited - training.books.refunded

    /**
     * Reads the chain through the lens and compares: the money invariant on chain values, the
     * chain against the model, and the locks of pending work. `full` compares every position,
     * reward, task and clone, not only those the step touched.
     */
    async function check(label: string, full: boolean): Promise<void> {
      const positions = full
        ? [...model.positions.values()].filter((p) => p.active + p.unbonding > 0n || dirty.positions.has(posKey(p.taskId, p.role, p.owner)))
        : [...dirty.positions].map((k) => model.positions.get(k)!)
      const owners = full ? accounts.map((a) => a.address) : [...dirty.rewards]
      const tasks = full ? model.tasks : model.tasks.filter((t) => dirty.tasks.has(t.id))
      const clones = model.trainings.filter((c) => full || !c.finished || dirty.clones.has(c.address))
      const where = `after ${label}`
      /**
       * One lens call: the header, then `part`'s positions, tasks and clones (and, in the first
       * call, every account's balance and the owners' rewards), each compared with the model.
       */
      const read = async (part: { positions: readonly Position[]; tasks: readonly Task[]; clones: readonly Training[]; books: boolean }) => {
        const out = (await fx.ledger.client.readContract({
          address: lens,
          abi: lensAbi,
          functionName: 'snapshot',
          args: [{
            token: fx.token.address,
            stakes: fx.stakeManager.address,
            registry: fx.taskRegistry.address,
            treasury: fx.treasury,
            positionTasks: part.positions.map((p) => p.taskId),
            positionRoles: part.positions.map((p) => p.role),
            positionOwners: part.positions.map((p) => p.owner),
            accounts: part.books ? accounts.map((a) => a.address) : [],
            owners: part.books ? owners : [],
            tasks: part.tasks.map((t) => t.id),
            clones: part.clones.map((c) => c.address),
          }],
        })) as readonly bigint[]
        let k = 0
        const next = (): bigint => {
          const value = out[k++]
          if (value === undefined) throw new Error('short lens answer')
          return value
        }
        same({ block: next(), time: next() }, { block: model.block, time: model.now }, () => `${where}: head`)
        const header = { supply: next(), held: next(), staked: next(), unclaimed: next(), paused: next() === 1n, registryHeld: next(), treasuryHeld: next() }
        for (const p of part.positions) {
          const chain = { active: next(), unbonding: next(), releaseAt: next(), lockedUntil: next(), operator: next() }
          const operator = BigInt(effectiveOperator(operatorSlot(model.operators, poolOf(p.taskId, p.role), p.owner), p.owner, model.now))
          same(chain, { active: p.active, unbonding: p.unbonding, releaseAt: p.releaseAt, lockedUntil: p.lockedUntil, operator },
            () => `${where}: ${ROLE_NAME.get(p.role)} position of ${p.owner} in task ${p.taskId}`)
        }
        let accountsHeld = 0n
        if (part.books) {
          for (const a of accounts) {
            const balance = next()
            accountsHeld += balance
            same(balance, model.balances.get(a.address), () => `${where}: balance of ${a.address}`)
          }
          for (const o of owners) {
            same({ rewards: next(), rotatedTo: next() }, { rewards: model.rewards.get(o) ?? 0n, rotatedTo: BigInt(model.rotatedTo.get(o) ?? zeroAddress) }, () => `${where}: rewards of ${o}`)
          }
        }
        for (const t of part.tasks) {
          same({ status: next(), budget: next(), bond: next() }, { status: BigInt(t.status), budget: t.budget, bond: t.bond }, () => `${where}: task ${t.id}`)
        }
        let clonesHeld = 0n
        for (const c of part.clones) {
          const held = next()
          const books = { funded: next(), slashedIn: next(), credited: next(), refunded: next() }
          const finished = next() === 1n
          clonesHeld += held
          same(held, books.funded + books.slashedIn - books.credited - books.refunded, () => `${where}: clone of task ${c.task.id} holds its books`)
          same({ ...books, finished }, { ...c.books, finished: c.finished }, () => `${where}: books of the clone of task ${c.task.id}`)
        }
        same(k, out.length, () => `${where}: lens answer fully read`)
        return { header, accountsHeld, clonesHeld }
      }
      // Every list a sweep reads grows with the run: each goes in slices, so that no call passes a call's gas cap.
      const calls = Math.max(1, Math.ceil(positions.length / LENS_POSITIONS), Math.ceil(tasks.length / LENS_TASKS), Math.ceil(clones.length / LENS_CLONES))
      const slice = <T>(list: readonly T[], i: number, size: number) => list.slice(i * size, (i + 1) * size)
      const first = await read({ positions: slice(positions, 0, LENS_POSITIONS), tasks: slice(tasks, 0, LENS_TASKS), clones: slice(clones, 0, LENS_CLONES), books: true })
      const { header, accountsHeld } = first
      let clonesHeld = first.clonesHeld
      for (let i = 1; i < calls; i++) {
        const more = await read({ positions: slice(positions, i, LENS_POSITIONS), tasks: slice(tasks, i, LENS_TASKS), clones: slice(clones, i, LENS_CLONES), books: false })
        same(more.header, header, () => `${where}: the same books in every lens call`)
        clonesHeld += more.clonesHeld
      }
      const { supply, registryHeld, treasuryHeld } = header
      const manager = { held: header.held, staked: header.staked, unclaimed: header.unclaimed, paused: header.paused }
      // The invariants on chain values alone.
      same(supply, SUPPLY, () => where)
      same(manager.held, manager.staked + manager.unclaimed, () => `${where}: StakeManager holds totalStaked + totalUnclaimed`)
      // The chain against the model's per-owner books.
      const modelStaked = [...model.positions.values()].reduce((sum, p) => sum + p.active + p.unbonding, 0n)
      const modelUnclaimed = [...model.rewards.values()].reduce((a, b) => a + b, 0n)
      same(manager.staked, modelStaked, () => `${where}: totalStaked = the model's positions`)
      same(manager.unclaimed, modelUnclaimed, () => `${where}: totalUnclaimed = the model's rewards`)
      same(manager.paused, model.paused, () => `${where}: paused`)
      same(registryHeld, escrowed(), () => `${where}: TaskRegistry holds the escrowed budgets and bonds`)
      same(treasuryHeld, model.treasury, () => `${where}: treasury`)
      // Clones not read are finished, and a finished clone holds nothing: the supply check below proves it.
      for (const c of model.trainings) if (!clones.includes(c)) same(holds(c), 0n, () => `${where}: finished clone ${c.address}`)
      // Every token accounted for: the contracts hold stakes, unbonding, unclaimed rewards,
      // escrowed budgets and the treasury; with every account, they hold the whole supply.
      const modelClones = model.trainings.reduce((sum, c) => sum + holds(c), 0n)
      same(manager.held + registryHeld + clonesHeld + treasuryHeld, modelStaked + modelUnclaimed + escrowed() + modelClones + model.treasury,
        () => `${where}: contracts hold what the model's books say`)
      same(accountsHeld + manager.held + registryHeld + clonesHeld + treasuryHeld, supply, () => `${where}: every token accounted for`)
      checkLocks(where)
      dirty.positions.clear()
      dirty.rewards.clear()
      dirty.tasks.clear()
      dirty.clones.clear()
    }

    /** Every position that backs work not yet judged is locked until that work's deadline. */
    function checkLocks(where: string): void {
      const expectLocked = (taskId: bigint, role: Hex, keys: readonly Address[], deadline: bigint, what: string) => {
        for (const key of keys) {
          const p = position(taskId, role, key)
          if (p.lockedUntil < deadline) expect(p.lockedUntil, `${where}: ${what}: ${ROLE_NAME.get(role)} position of ${key} in task ${taskId} locked until ${deadline}`).toBeGreaterThanOrEqual(deadline)
          lockChecks++
        }
      }
      for (const t of model.tasks) {
        if (t.status !== TASK.voting) continue
        for (const keys of t.lockedKeys.values()) expectLocked(0n, VERIFIER, keys, t.revealDeadline + t.rules.revealPeriod, `member of task ${t.id}'s committee`)
      }
      for (const c of liveTrainings()) {
        const o = c.openings.get(c.current)!
        if (o.status === ROUND.open) {
          const deadline = o.revealDeadline + c.config.settlePeriod
          for (const e of o.entries) expectLocked(c.task.id, TRAINER, e.keys, deadline, `update in round ${o.round}`)
          for (const s of o.seats) expectLocked(c.task.id, VALIDATOR, s.keys, deadline, `scores in round ${o.round}`)
        }
        for (const m of c.models.values()) {
          const inWindow = m.status === MODEL.posted && m.dispute === DISPUTE.none && model.now <= m.postedAt + c.config.disputePeriod
          if (inWindow || m.dispute === DISPUTE.open) {
            expectLocked(c.task.id, AGGREGATOR, m.aggregatorKeys, m.postedAt + c.config.disputePeriod + c.config.revealPeriod + c.config.settlePeriod, `model of round ${m.round}`)
          }
          if (m.dispute === DISPUTE.open) {
            for (const v of m.votes.values()) expectLocked(c.task.id, VALIDATOR, v.keys, m.voteDeadline + c.config.settlePeriod, `dispute vote on round ${m.round}`)
          }
        }
      }
    }

    /** The lock of a position as the chain has it now (read before a withdrawal or migration). */
    const chainLock = async (taskId: bigint, role: Hex, owner: Address) =>
      (await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, role, owner] })).lockedUntil
    /** The time of the block a receipt was mined in. */
    const minedAt = async (receipt: TransactionReceipt) => (await fx.ledger.client.getBlock({ blockNumber: receipt.blockNumber })).timestamp

    // ------------------------------------------------------------ staking

    type Group = { role: Hex; owners: () => PrivateKeyAccount[]; scale: bigint }
    const groups: Group[] = [
      { role: VERIFIER, owners: () => [...verifiers, ...rotationTargets].filter((a) => !rotated(a.address)), scale: 600n * E },
      { role: TRAINER, owners: () => trainers, scale: 80n * E },
      { role: VALIDATOR, owners: () => validators, scale: 300n * E },
      { role: AGGREGATOR, owners: () => aggregators, scale: 200n * E },
    ]

    /** Tasks whose pools a participant of `role` cares about: open ones that will train, live trainings, and finished ones it still has stake in. */
    function stakingTasks(owner: Address): { taskId: bigint; exit: boolean }[] {
      const out: { taskId: bigint; exit: boolean }[] = []
      for (const t of model.tasks) {
        const waiting = t.status === TASK.open && t.trainIntent && t.training === undefined
        if (waiting || (t.training !== undefined && !t.training.finished)) out.push({ taskId: t.id, exit: false })
        else if (t.training !== undefined || t.status === TASK.closed) {
          const held = [TRAINER, VALIDATOR, AGGREGATOR].some((r) => {
            const p = model.positions.get(posKey(t.id, r, owner))
            return p !== undefined && p.active + p.unbonding > 0n
          })
          if (held) out.push({ taskId: t.id, exit: true })
        }
      }
      return out
    }

    /** A random amount around `scale`: sometimes zero, sometimes tiny, sometimes more than anyone holds. */
    function amountAround(scale: bigint): bigint {
      const roll = random.nextFloat()
      if (roll < 0.03) return 0n
      if (roll < 0.08) return random.nextBigInt(E) + 1n
      if (roll < 0.1) return PARTICIPANT_FUNDS * 100n
      return scale / 4n + random.nextBigInt(scale)
    }

    /** Minimums of the training configs (`randomConfig`): a participant below it in a pool it works in is topped up. */
    const WORKING_STAKE = new Map<Hex, bigint>([[VERIFIER, TASK_RULES.minVerifierStake], [TRAINER, 10n * E], [VALIDATOR, 50n * E], [AGGREGATOR, 50n * E]])

    /** Participants below the stake their work needs, in the verifier pool and the pools of coming and live trainings. */
    function neededStakes(): { owner: PrivateKeyAccount; taskId: bigint; group: Group }[] {
      const needs: { owner: PrivateKeyAccount; taskId: bigint; group: Group }[] = []
      const below = (taskId: bigint, group: Group, owner: PrivateKeyAccount) => {
        const working = WORKING_STAKE.get(group.role)!
        const floor = working > minStake(group.role) ? working : minStake(group.role)
        if (active(taskId, group.role, owner.address) < floor) needs.push({ owner, taskId, group })
      }
      for (const owner of groups[0]!.owners()) below(0n, groups[0]!, owner)
      for (const t of model.tasks) {
        const coming = t.status === TASK.open && t.trainIntent && t.training === undefined
        if (!coming && (t.training === undefined || t.training.finished)) continue
        for (const group of groups.slice(1)) for (const owner of group.owners()) below(t.id, group, owner)
      }
      return needs
    }

    /** Positions left in the pools of trainings that are over (or never came): their owners leave. */
    const leftovers = () => [...model.positions.values()].filter((p) => {
      if (p.taskId === 0n || p.active + p.unbonding === 0n) return false
      const t = model.tasks[Number(p.taskId) - 1]!
      return t.training !== undefined ? t.training.finished : t.status !== TASK.open
    })

    async function stakingOp(): Promise<void> {
      if (random.nextFloat() < 0.2) {
        const left = leftovers()
        if (left.length > 0) {
          const p = random.pick(left)
          const owner = account(p.owner)
          if (p.unbonding > 0n && (p.active === 0n || random.nextFloat() < 0.5)) return withdraw(owner, p.taskId, p.role)
          return p.active > 0n ? requestUnstake(owner, p.taskId, p.role, p.active) : withdraw(owner, p.taskId, p.role)
        }
      }
      // Often a participant that the coming work needs stakes up to it; else anything a staker does.
      if (random.nextFloat() < 0.35) {
        const needs = neededStakes()
        if (needs.length > 0) {
          const { owner, taskId, group } = random.pick(needs)
          return stake(owner, taskId, group.role, group.scale / 2n + random.nextBigInt(group.scale))
        }
      }
      const group = random.nextFloat() < 0.3 ? groups[0]! : random.pick(groups.slice(1))
      const owner = random.pick(group.owners())
      let taskId = 0n
      let exit = false
      if (group.role !== VERIFIER) {
        const choices = stakingTasks(owner.address)
        if (choices.length === 0) return stakeVerifierInstead()
        ;({ taskId, exit } = random.pick(choices))
      }
      const role = group.role
      const p = position(taskId, role, owner.address)
      const roll = random.nextFloat()
      if (exit) {
        // The training is over: its participants leave.
        if (p.unbonding > 0n && (p.active === 0n || roll < 0.5)) return withdraw(owner, taskId, role)
        if (p.active > 0n) return requestUnstake(owner, taskId, role, p.active)
        return withdraw(owner, taskId, role)
      }
      if (roll < 0.27) return stake(owner, taskId, role, amountAround(group.scale))
      if (roll < 0.33) return stakeFor(owner, taskId, role, amountAround(group.scale))
      if (roll < 0.45) return requestUnstake(owner, taskId, role, unstakeAmount(p.active))
      if (roll < 0.61) return withdraw(owner, taskId, role)
      if (roll < 0.78) return claim(owner)
      if (roll < 0.86) return setOperator(owner, taskId, role)
      if (roll < 0.92) return acceptOperator()
      if (roll < 0.95) return revokeOperator(owner, taskId, role)
      return rotationOp()
    }

    function stakeVerifierInstead(): Promise<void> {
      const owner = random.pick(groups[0]!.owners())
      return stake(owner, 0n, VERIFIER, amountAround(groups[0]!.scale))
    }

    function unstakeAmount(activeStake: bigint): bigint {
      const roll = random.nextFloat()
      if (roll < 0.05) return 0n
      if (roll < 0.1) return activeStake + 1n + random.nextBigInt(E)
      if (roll < 0.35) return activeStake
      return random.nextBigInt(activeStake + 1n)
    }

    /** Why `_stake` refuses, checked in the contract's order, or undefined. */
    function stakeRefusal(payer: Address, owner: Address, taskId: bigint, role: Hex, amount: bigint, t: bigint): string | undefined {
      if (model.paused) return 'EnforcedPause'
      if (owner === zeroAddress) return 'ZeroAddress'
      if (rotated(owner)) return 'OwnerRotated'
      if (amount === 0n) return 'ZeroAmount'
      if (active(taskId, role, owner) + amount < minStake(role)) return 'BelowMinimumStake'
      if (operatorTakenBy(model.operators, poolOf(taskId, role), owner, owner, t) !== undefined) return 'OperatorTaken'
      if (amount > (model.balances.get(payer) ?? 0n)) return 'ERC20InsufficientBalance'
      return undefined
    }

    async function stake(owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<void> {
      const t = model.now + 1n
      const expected = stakeRefusal(owner.address, owner.address, taskId, role, amount, t) ?? 'ok'
      if (expected === 'EnforcedPause') paths.add('stake refused while paused')
      await act('stake', expected, sm(owner, 'stake', [taskId, role, amount]), () => {
        const p = position(taskId, role, owner.address)
        setActive(p, p.active + amount)
        pay(owner.address, -amount)
      })
    }

    async function stakeFor(owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<void> {
      const t = model.now + 1n
      // A proposer or a fellow staker pays; the position and what it earns are the owner's.
      const payer = random.pick([...proposers, ...verifiers.filter((v) => !rotated(v.address)), ...trainers])
      const to = random.nextFloat() < 0.03 ? zeroAddress : owner.address
      const expected = stakeRefusal(payer.address, to, taskId, role, amount, t) ?? 'ok'
      await act('stakeFor', expected, sm(payer, 'stakeFor', [taskId, role, to, amount]), () => {
        const p = position(taskId, role, owner.address)
        setActive(p, p.active + amount)
        pay(payer.address, -amount)
      })
    }

    async function requestUnstake(owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<void> {
      const p = position(taskId, role, owner.address)
      const remaining = p.active - amount
      const expected = rotated(owner.address) ? 'OwnerRotated'
        : amount === 0n ? 'ZeroAmount'
          : amount > p.active ? 'InsufficientStake'
            : remaining !== 0n && remaining < minStake(role) ? 'BelowMinimumStake' : 'ok'
      if (expected === 'ok' && model.paused) paths.add('unstake while paused')
      await act('requestUnstake', expected, sm(owner, 'requestUnstake', [taskId, role, amount]), (t) => {
        p.unbonding += amount
        p.releaseAt = t + UNBONDING
        setActive(p, remaining)
      })
    }

    async function withdraw(owner: PrivateKeyAccount, taskId: bigint, role: Hex): Promise<void> {
      const t = model.now + 1n
      const p = position(taskId, role, owner.address)
      const r = model.rotations.get(owner.address)
      const expected = rotated(owner.address) ? 'OwnerRotated'
        : r !== undefined ? 'RotationPending'
          : p.unbonding === 0n ? 'NothingToWithdraw'
            : t < p.releaseAt ? 'StillUnbonding'
              : t < p.lockedUntil ? 'PositionLocked' : 'ok'
      if (expected === 'PositionLocked') paths.add('withdraw refused while locked')
      if (expected === 'StillUnbonding') paths.add('withdraw refused while unbonding')
      if (expected === 'ok' && model.paused) paths.add('withdraw while paused')
      // No locked stake leaves: the lock the chain holds before the withdrawal must have passed at its block.
      const lockedUntil = expected === 'ok' ? await chainLock(taskId, role, owner.address) : 0n
      await act('withdraw', expected, sm(owner, 'withdraw', [taskId, role]), async (_, receipt) => {
        expect(lockedUntil, `withdrawal of ${owner.address} in task ${taskId} before its lock`).toBeLessThanOrEqual(await minedAt(receipt))
        exitChecks++
        pay(owner.address, p.unbonding)
        p.unbonding = 0n
        touch(p)
      })
    }

    async function claim(owner: PrivateKeyAccount): Promise<void> {
      // Mostly an owner with rewards waiting, so that claims happen.
      const waiting = accounts.filter((a) => (model.rewards.get(a.address) ?? 0n) > 0n && !rotated(a.address) && !model.rotations.has(a.address))
      const claimer = waiting.length > 0 && random.nextFloat() < 0.7 ? random.pick(waiting) : owner
      const roll = random.nextFloat()
      const to = roll < 0.04 ? zeroAddress : roll < 0.15 ? random.pick(accounts).address : claimer.address
      const owed = model.rewards.get(claimer.address) ?? 0n
      const expected = rotated(claimer.address) ? 'OwnerRotated'
        : model.rotations.has(claimer.address) ? 'RotationPending'
          : to === zeroAddress ? 'ZeroAddress' : owed === 0n ? 'NothingToClaim' : 'ok'
      if (expected === 'ok' && model.paused) paths.add('claim while paused')
      await act('claim', expected, sm(claimer, 'claim', [to]), () => {
        model.rewards.set(claimer.address, 0n)
        dirty.rewards.add(claimer.address)
        pay(to, owed)
      })
    }

    async function setOperator(owner: PrivateKeyAccount, taskId: bigint, role: Hex, named?: Address): Promise<void> {
      const pool = poolOf(taskId, role)
      const operator = named ?? (random.nextFloat() < 0.15 ? owner.address : random.pick(operatorKeys).address)
      const expected = model.paused ? 'EnforcedPause' : rotated(owner.address) ? 'OwnerRotated' : 'ok'
      await act('setOperator', expected, sm(owner, 'setOperator', [taskId, role, operator]), (t) => {
        const s = settleOperator(model.operators, pool, owner.address, t)
        releasePendingOperator(model.operators, pool, owner.address, s)
        s.pending = operator
        s.effectiveAt = t + OPERATOR_DELAY
        s.accepted = operator === owner.address
        touch(position(taskId, role, owner.address))
      })
    }

    async function acceptOperator(slot?: string): Promise<void> {
      const t = model.now + 1n
      // A change still waiting for its key (or the one asked for), so that acceptances happen; now and then a key that was not asked.
      const waiting = [...model.operators.slots.entries()].filter(([k, s]) => (slot === undefined || k === slot) && s.pending !== undefined && !s.accepted && s.pending !== zeroAddress)
      if (waiting.length === 0) return
      const [k, s] = random.pick(waiting)
      const [taskIdText, role, ownerText] = k.split('/') as [string, Hex, Address]
      const taskId = BigInt(taskIdText)
      const owner = ownerText
      const pool = poolOf(taskId, role)
      const sender = random.nextFloat() < 0.9 ? account(s.pending!) : random.pick(operatorKeys)
      const pending = s.pending !== undefined && s.accepted && t >= s.effectiveAt ? undefined : s.pending
      const expected = pending !== sender.address || s.accepted ? 'NotPendingOperator'
        : operatorTakenBy(model.operators, pool, sender.address, owner, t) !== undefined ? 'OperatorTaken'
          : active(taskId, role, sender.address) > 0n ? 'OperatorTaken' : 'ok'
      await act('acceptOperator', expected, sm(sender, 'acceptOperator', [taskId, role, owner]), (time) => {
        const settled = settleOperator(model.operators, pool, owner, time)
        model.operators.claims.set(operatorKey(pool, sender.address), owner)
        settled.accepted = true
        touch(position(taskId, role, owner))
      })
    }

    async function revokeOperator(owner: PrivateKeyAccount, taskId: bigint, role: Hex): Promise<void> {
      const pool = poolOf(taskId, role)
      await act('revokeOperator', 'ok', sm(owner, 'revokeOperator', [taskId, role]), (t) => {
        const s = settleOperator(model.operators, pool, owner.address, t)
        releasePendingOperator(model.operators, pool, owner.address, s)
        releaseOperator(model.operators, pool, owner.address, s.current)
        s.current = undefined
        touch(position(taskId, role, owner.address))
      })
    }

    /**
     * Two verifiers rotate their owner key, each to its own fresh key: request, complete once
     * ready, then migrate the verifier position once no pending work locks it.
     */
    async function rotationOp(pair = random.nextInt(2), driven = false): Promise<void> {
      const t = model.now + 1n
      const from = verifiers[verifiers.length - 1 - pair]!
      const to = rotationTargets[pair]!
      const r = model.rotations.get(from.address)
      if (rotated(from.address)) {
        const p = position(0n, VERIFIER, from.address)
        if (p.active + p.unbonding === 0n) return claim(to)
        const expected = t < p.lockedUntil ? 'PositionLocked' : 'ok'
        if (expected === 'PositionLocked') paths.add('migration refused while locked')
        const lockedUntil = expected === 'ok' ? await chainLock(0n, VERIFIER, from.address) : 0n
        await act('migratePosition', expected, sm(payee, 'migratePosition', [0n, VERIFIER, from.address]), async (_, receipt) => {
          expect(lockedUntil, `migration of ${from.address} before its lock`).toBeLessThanOrEqual(await minedAt(receipt))
          exitChecks++
          if (p.active + p.unbonding > 0n) paths.add('position migrated')
          const q = position(0n, VERIFIER, to.address)
          if (p.releaseAt > q.releaseAt) q.releaseAt = p.releaseAt
          q.unbonding += p.unbonding
          p.unbonding = 0n
          const moved = p.active
          setActive(p, 0n)
          setActive(q, q.active + moved)
          const s = operatorSlot(model.operators, POOL0, from.address)
          releasePendingOperator(model.operators, POOL0, from.address, s)
          releaseOperator(model.operators, POOL0, from.address, s.current)
          s.current = undefined
        })
      } else if (r === undefined) {
        // Until a rotated seat has voted, a pair's keys are kept for `rotatedSeatStep`, which rotates one in time to vote.
        if (!driven && !paths.has('rotated seat voted')) return stakeVerifierInstead()
        // Rotate a key that a committee still needs, so the seat follows the key and the lock holds the migration.
        const seated = model.tasks.some((task) => task.status === TASK.voting && task.committee.includes(from.address))
        if (!seated && random.nextFloat() < 0.9) return stakeVerifierInstead()
        const repeat = random.nextFloat() < 0.05 ? from.address : to.address
        const expected = repeat === from.address ? 'InvalidRotationTarget' : rotated(to.address) ? 'InvalidRotationTarget' : 'ok'
        await act('requestRotation', expected, sm(from, 'requestRotation', [repeat]), (time) => {
          model.rotations.set(from.address, { to: to.address, readyAt: time + ROTATION_DELAY })
        })
      } else {
        const sender = random.nextFloat() < 0.9 ? to : random.pick(verifiers)
        const expected = sender.address !== r.to ? 'NotRotationTarget' : t < r.readyAt ? 'RotationNotReady' : 'ok'
        const completed = await act('completeRotation', expected, sm(sender, 'completeRotation', [from.address]), () => {
          model.rotations.delete(from.address)
          model.rotatedTo.set(from.address, to.address)
          const rewards = model.rewards.get(from.address) ?? 0n
          model.rewards.set(from.address, 0n)
          model.rewards.set(to.address, (model.rewards.get(to.address) ?? 0n) + rewards)
          dirty.rewards.add(from.address)
          dirty.rewards.add(to.address)
          paths.add('rotation completed')
        })
        // The new key moves the position at once, which the committee's lock may still refuse.
        if (completed) await rotationOp(pair)
      }
    }

    // ------------------------------------------------------------ tasks

    /**
     * An action available now on some live object: sent when picked. `invalid` ones are sent to
     * be refused (their error is easy to predict); they are a small share of the run.
     */
    type Action = { weight: number; run: () => Promise<unknown>; invalid?: true }
    const invalid = (run: () => Promise<unknown>): Action => ({ weight: 1, run, invalid: true })

    const pendingTasks = () => model.tasks.filter((t) => t.status === TASK.proposed || t.status === TASK.voting || (t.status === TASK.open && t.trainIntent && t.training === undefined))

    async function proposeTask(): Promise<void> {
      const proposer = random.pick(proposers)
      const rules = model.rules
      const t = model.now + 1n
      let specCid = `bafkreitask${model.tasks.length + 1}`
      let budget = rules.fee + random.nextBigInt(4000n * E)
      let bond = rules.minBond + random.nextBigInt(100n * E)
      let expiresAt = t + 14n * 3600n + random.nextBigInt(30n * 3600n)
      // Now and then a proposal the registry must refuse, each for one reason.
      const roll = random.nextFloat()
      if (roll < 0.02) specCid = ''
      else if (roll < 0.04 && rules.minBond > 0n) bond = rules.minBond - 1n
      else if (roll < 0.06 && rules.fee > 0n) budget = rules.fee - 1n
      else if (roll < 0.08) expiresAt = t + rules.commitPeriod + rules.revealPeriod
      else if (roll < 0.09) budget = PROPOSER_FUNDS * 10n
      const expected = specCid === '' ? 'InvalidSpecCid'
        : bond < rules.minBond ? 'BondTooLow'
          : budget < rules.fee ? 'BudgetBelowFee'
            : expiresAt <= t + rules.commitPeriod + rules.revealPeriod ? 'ExpiryTooSoon'
              : budget + bond > model.balances.get(proposer.address)! ? 'ERC20InsufficientBalance' : 'ok'
      const secret = bytes32Of(`protocol invariant task ${model.tasks.length + 1}`)
      await act('propose', expected, tr(proposer, 'propose', [specCid, budget, bond, expiresAt, seedCommitment(secret)]), (time) => {
        const earliest = model.block + BigInt(rules.drawDelayBlocks)
        const seedBlock = ((earliest + EPOCH_BLOCKS - 1n) / EPOCH_BLOCKS) * EPOCH_BLOCKS
        const task: Task = {
          id: BigInt(model.tasks.length + 1), proposer, status: TASK.proposed, rules, secret, seedBlock, snapshotEpoch: epochOf(seedBlock),
          expiresAt, budget, bond, drawIntent: random.nextFloat() < 0.92, good: random.nextFloat() < 0.75, trainIntent: random.nextFloat() < 0.9,
          committee: [], votes: new Map(), lockedKeys: new Map(), commitDeadline: 0n, revealDeadline: 0n, openedAt: time, training: undefined,
        }
        model.tasks.push(task)
        dirty.tasks.add(task.id)
        pay(proposer.address, -(budget + bond))
      })
    }

    /** Refunds a task's whole escrow to its proposer. */
    const refundAll = (task: Task) => {
      pay(task.proposer.address, task.budget + task.bond)
      task.budget = 0n
      task.bond = 0n
    }

    async function drawCommittee(task: Task, secret: Hex): Promise<void> {
      const block = model.block + 1n
      const last = task.seedBlock + BigInt(task.rules.drawWindowBlocks)
      const expected = task.status !== TASK.proposed ? 'WrongStatus'
        : block <= task.seedBlock ? 'SeedNotReady'
          : block > last ? 'DrawWindowClosed'
            : secret !== task.secret ? 'BadSeedSecret' : 'ok'
      // The committee is drawn from the verifier pool as it stood when the seed block's epoch began.
      let predicted: Address[] = []
      if (expected === 'ok') {
        const { hash } = await fx.ledger.client.getBlock({ blockNumber: task.seedBlock })
        predicted = referenceDraw(model.tree.leavesAt(task.snapshotEpoch), {
          seed: committeeSeed(secret, hash, task.id),
          count: task.rules.committeeSize,
          exclude: task.proposer.address,
          minimum: task.rules.minVerifierStake,
        })
      }
      await act('drawCommittee', expected, tr(random.pick([task.proposer, payee]), 'drawCommittee', [task.id, secret]), async (t) => {
        dirty.tasks.add(task.id)
        const chain = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getCommittee', args: [task.id] })
        const n = predicted.length
        if (n * 10_000 < task.rules.quorumBps * task.rules.committeeSize || n === 0) {
          expect(chain, `task ${task.id}: no committee`).toEqual([])
          task.status = TASK.failed
          refundAll(task)
          paths.add('too few verifiers refunded')
          return
        }
        expect(chain, `task ${task.id}: the committee drawn`).toEqual(predicted)
        task.status = TASK.voting
        task.committee = predicted
        task.commitDeadline = t + task.rules.commitPeriod
        task.revealDeadline = task.commitDeadline + task.rules.revealPeriod
        for (const member of predicted) {
          task.lockedKeys.set(member, lock(0n, VERIFIER, member, task.revealDeadline + task.rules.revealPeriod))
          // Members mostly judge the spec right; some never show up or never reveal.
          const roll = random.nextFloat()
          const right = random.nextFloat() < 0.85
          const plan: VotePlan = roll < 0.07 ? 'absent' : roll < 0.13 ? 'commit-only' : right === task.good ? 'approve' : 'reject'
          const approve = plan === 'approve' || plan === 'commit-only'
          task.votes.set(member, { plan, ballot: { approve, reasonsCid: `bafkreireasons${task.id}`, salt: bytes32Of(`vote ${task.id} ${member}`) }, committed: false, revealed: 0 })
        }
      })
    }

    async function abandon(task: Task): Promise<void> {
      const last = task.seedBlock + BigInt(task.rules.drawWindowBlocks)
      const expected = task.status !== TASK.proposed ? 'WrongStatus' : model.block + 1n <= last ? 'NotAbandoned' : 'ok'
      await act('abandon', expected, tr(random.pick([payee, ...proposers]), 'abandon', [task.id]), () => {
        task.status = TASK.abandoned
        pay(task.proposer.address, task.budget)
        model.treasury += task.bond
        if (task.bond > 0n) paths.add('abandoned bond to treasury')
        task.budget = 0n
        task.bond = 0n
        dirty.tasks.add(task.id)
      })
    }

    /** The committee member a key votes for (TaskRegistry._member), or undefined. */
    function memberOf(task: Task, key: Address, t: bigint): Address | undefined {
      const owner = ownerOf(POOL0, key, t)
      if (owner === undefined) return undefined
      return task.committee.find((m) => m === owner || currentOwner(m) === owner)
    }

    /** The keys that can vote for `member` now. */
    const votingKeys = (task: Task, member: Address, t: bigint) => accounts.filter((a) => memberOf(task, a.address, t) === member)

    async function commitVote(task: Task, member: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const matched = memberOf(task, key.address, t)
      const vote = matched === undefined ? undefined : task.votes.get(matched)
      const expected = task.status !== TASK.voting ? 'WrongStatus'
        : t > task.commitDeadline ? 'CommitClosed'
          : vote === undefined ? 'NotCommitteeMember'
            : vote.committed ? 'AlreadyCommitted' : 'ok'
      const ballot = task.votes.get(member)!.ballot
      const commitment = voteCommitment(task.id, member, ballot.approve, ballot.reasonsCid, ballot.salt)
      await act('commitVote', expected, tr(key, 'commitVote', [task.id, commitment]), () => {
        vote!.committed = true
        if (key.address !== member) paths.add(currentOwner(member) === key.address ? 'rotated seat voted' : 'operator did the work')
      })
    }

    async function revealVote(task: Task, member: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const matched = memberOf(task, key.address, t)
      const vote = matched === undefined ? undefined : task.votes.get(matched)
      const expected = task.status !== TASK.voting ? 'WrongStatus'
        : t <= task.commitDeadline ? 'RevealNotOpen'
          : t > task.revealDeadline ? 'RevealClosed'
            : vote === undefined ? 'NotCommitteeMember'
              : !vote.committed ? 'NoCommitment'
                : vote.revealed !== 0 ? 'AlreadyRevealed' : 'ok'
      const ballot = task.votes.get(member)!.ballot
      await act('revealVote', expected, tr(key, 'revealVote', [task.id, ballot.approve, ballot.reasonsCid, ballot.salt]), () => {
        vote!.revealed = ballot.approve ? 1 : 2
        if (key.address !== member && currentOwner(member) === key.address) paths.add('rotated seat voted')
      })
    }

    async function finalize(task: Task): Promise<void> {
      const t = model.now + 1n
      const expected = task.status !== TASK.voting ? 'WrongStatus' : t <= task.revealDeadline ? 'VotingNotOver' : 'ok'
      if (expected === 'ok' && t > task.revealDeadline + task.rules.revealPeriod) paths.add('late finalize')
      await act('finalize', expected, tr(random.pick([payee, task.proposer]), 'finalize', [task.id]), (time) => {
        dirty.tasks.add(task.id)
        const rules = task.rules
        const revealedOf = (m: Address) => task.votes.get(m)!.revealed
        const approvals = task.committee.filter((m) => revealedOf(m) === 1).length
        const rejections = task.committee.filter((m) => revealedOf(m) === 2).length
        const revealed = approvals + rejections
        const slash = (majority: number) => {
          for (const m of task.committee) {
            const r = revealedOf(m)
            if (r !== 0 && (majority === 0 || r === majority)) continue
            const taken = take(0n, VERIFIER, m, 0n, BigInt(rules.slashBps))
            model.treasury += taken
            if (taken > 0n) paths.add('verifier slashed').add('slashed to treasury')
          }
        }
        if (revealed * 10_000 < rules.quorumBps * task.committee.length || revealed === 0) {
          task.status = TASK.failed
          slash(0)
          refundAll(task)
          paths.add('no quorum refunded')
          return
        }
        const approved = approvals * 10_000 > rules.approvalBps * revealed
        const majority = approved ? 1 : 2
        slash(majority)
        let pot = rules.fee
        task.budget -= rules.fee
        if (approved) {
          task.status = TASK.open
          task.openedAt = time
          pay(task.proposer.address, task.bond)
          task.bond = 0n
          paths.add('approved task')
        } else {
          task.status = TASK.rejected
          pot += task.bond
          pay(task.proposer.address, task.budget)
          task.budget = 0n
          task.bond = 0n
          paths.add('rejected task refunded')
        }
        const winners = task.committee.filter((m) => revealedOf(m) === majority)
        const share = pot / BigInt(winners.length)
        for (const m of winners) credit(m, share)
        const dust = pot - share * BigInt(winners.length)
        model.treasury += dust
        if (dust > 0n) paths.add('vote dust to treasury')
      })
    }

    async function closeTask(task: Task): Promise<void> {
      const expected = task.status !== TASK.open ? 'WrongStatus' : model.now + 1n <= task.expiresAt ? 'NotExpired' : 'ok'
      await act('close', expected, tr(random.pick([payee, task.proposer]), 'close', [task.id]), () => {
        task.status = TASK.closed
        if (task.budget > 0n) paths.add('task closed with refund')
        pay(task.proposer.address, task.budget)
        task.budget = 0n
        dirty.tasks.add(task.id)
      })
    }

    /** The actions of the live tasks that make sense now, and a few that must fail. */
    function taskActions(t: bigint): Action[] {
      const actions: Action[] = []
      const block = model.block + 1n
      for (const task of model.tasks) {
        if (task.status === TASK.proposed) {
          const last = task.seedBlock + BigInt(task.rules.drawWindowBlocks)
          if (task.drawIntent && block > task.seedBlock && block <= last) {
            actions.push({ weight: 3, run: () => drawCommittee(task, task.secret) })
            actions.push(invalid(() => drawCommittee(task, bytes32Of('a wrong secret'))))
          }
          if (block > last) actions.push({ weight: 1, run: () => abandon(task) }, invalid(() => drawCommittee(task, task.secret)))
          if (block <= task.seedBlock) actions.push(invalid(() => drawCommittee(task, task.secret)), invalid(() => abandon(task)))
        } else if (task.status === TASK.voting) {
          for (const member of task.committee) {
            const vote = task.votes.get(member)!
            const keys = votingKeys(task, member, t)
            if (keys.length === 0) continue
            const key = random.pick(keys)
            if (t <= task.commitDeadline && !vote.committed && vote.plan !== 'absent') actions.push({ weight: 1, run: () => commitVote(task, member, key) })
            if (t > task.commitDeadline && t <= task.revealDeadline && vote.committed && vote.revealed === 0 && (vote.plan === 'approve' || vote.plan === 'reject')) {
              actions.push({ weight: 1, run: () => revealVote(task, member, key) })
            }
            if (t <= task.commitDeadline && vote.committed) actions.push(invalid(() => revealVote(task, member, key)), invalid(() => commitVote(task, member, key)))
          }
          if (t <= task.commitDeadline) {
            // A verifier that is not on the committee.
            const outsiders = [...verifiers, ...rotationTargets].filter((v) => memberOf(task, v.address, t) === undefined)
            if (outsiders.length > 0) actions.push(invalid(() => commitVote(task, task.committee[0]!, random.pick(outsiders))))
          }
          if (t > task.revealDeadline) actions.push({ weight: 2, run: () => finalize(task) })
          else actions.push(invalid(() => finalize(task)))
        } else if (task.status === TASK.open) {
          if (task.trainIntent && task.training === undefined && liveTrainings().length < MAX_TRAININGS && trainingReady(task, t)) {
            // Too close to its expiry for a single round, the proposer's config must be refused.
            const fits = t + ROUND_TIME <= task.expiresAt
            actions.push(fits ? { weight: 2, run: () => createTraining(task, task.proposer) } : invalid(() => createTraining(task, task.proposer)))
          }
          if (task.training !== undefined) actions.push(invalid(() => createTraining(task, task.proposer)))
          else actions.push(invalid(() => createTraining(task, random.pick(proposers.filter((p) => p !== task.proposer)))))
          if (t > task.expiresAt) actions.push({ weight: 1, run: () => closeTask(task) })
          else actions.push(invalid(() => closeTask(task)))
        }
      }
      return actions
    }

    // ------------------------------------------------------------ training

    /** The proposer starts once a few participants staked in the task's pools, or after a while anyway. */
    function trainingReady(task: Task, t: bigint): boolean {
      const staked = (role: Hex, group: PrivateKeyAccount[]) => group.filter((a) => active(task.id, role, a.address) > 0n).length
      return t > task.openedAt + TRAINING_PREP || (staked(TRAINER, trainers) >= 3 && staked(VALIDATOR, validators) >= 3 && staked(AGGREGATOR, aggregators) >= 1)
    }

    /** Every validator's active stake in the task now: the snapshot a transaction mined next takes of the block before it. */
    const validatorStakes = (taskId: bigint) => new Map(validators.map((v) => [v.address, active(taskId, VALIDATOR, v.address)]))

    function randomConfig(task: Task, t: bigint): TrainingConfig {
      const rule = random.pick([CONSENSUS.flock, CONSENSUS.medianScore, CONSENSUS.yuma])
      // As many rounds as fit before the task expires; now and then one too many.
      const fit = (task.expiresAt - t) / ROUND_TIME
      const wanted = BigInt(1 + random.nextInt(3))
      const rounds = random.nextFloat() < 0.03 ? fit + 1n : wanted < fit ? wanted : fit > 0n ? fit : 1n
      // What the budget pays for every round; now and then more than it holds.
      const affordable = task.budget / rounds
      const wish = (20n + random.nextBigInt(600n)) * E + random.nextBigInt(E)
      const emission = random.nextFloat() < 0.04 ? affordable + 1n + random.nextBigInt(E) : affordable === 0n ? E : wish < affordable ? wish : affordable
      return trainingConfig({
        rounds: Number(rounds),
        trainPeriod: 3600n,
        updateRevealPeriod: 1800n,
        scorePeriod: 1800n,
        revealPeriod: 1800n,
        settlePeriod: 3600n,
        disputePeriod: 1800n,
        emissionPerRound: emission,
        trainerShareBps: random.pick([5000, 7000, 10_000]),
        acceptFloorBps: random.pick([0, 3000, 5000]),
        acceptRelativeBps: random.pick([0, 8000]),
        deviationBoundBps: random.pick([1000, 3000, 10_000]),
        slashTrainerBps: random.nextInt(3001),
        slashValidatorBps: random.nextInt(3001),
        slashAggregatorBps: random.nextInt(5001),
        // Fewer update slots than trainers now and then: the round fills up.
        maxUpdates: random.pick([3, 6, 6]),
        maxValidators: 8,
        consensus: rule,
        minTrainerStake: 10n * E,
        minValidatorStake: 50n * E,
        minAggregatorStake: 50n * E,
      })
    }

    /** Opens round `round` of a training at time `t` from `digest`, with the validators' stake before the block. */
    function open(c: Training, round: bigint, digest: Hex, t: bigint, snapshot: Map<Address, bigint>): void {
      const attempt = (c.openings.get(round)?.attempt ?? 0) + 1
      const trainDeadline = t + c.config.trainPeriod
      const updateRevealDeadline = trainDeadline + c.config.updateRevealPeriod
      const scoreDeadline = updateRevealDeadline + c.config.scorePeriod
      c.openings.set(round, {
        round, attempt, status: ROUND.open, trainDeadline, updateRevealDeadline, scoreDeadline, revealDeadline: scoreDeadline + c.config.revealPeriod,
        snapshot, modelDigest: digest, entries: [], seats: [], quality: [],
        trains: new Set(trainers.filter(() => random.nextFloat() < 0.8).map((a) => a.address)),
        scores: new Set(validators.filter(() => random.nextFloat() < 0.85).map((a) => a.address)),
      })
      c.current = round
    }

    async function createTraining(task: Task, sender: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const config = randomConfig(task, t)
      const funded = config.emissionPerRound * BigInt(config.rounds)
      const roundTime = config.trainPeriod + config.updateRevealPeriod + config.scorePeriod + config.revealPeriod + config.settlePeriod
      const expected = sender !== task.proposer ? 'NotProposer'
        : task.status !== TASK.open ? 'TaskNotOpen'
          : task.training !== undefined ? 'TrainingExists'
            : funded > task.budget ? 'InsufficientBudget'
              : t + roundTime * BigInt(config.rounds) > task.expiresAt ? 'InvalidConfig' : 'ok'
      if (expected === 'InsufficientBudget') paths.add('insufficient budget')
      if (expected === 'InvalidConfig') paths.add('schedule too long')
      const snapshot = validatorStakes(task.id)
      const initial = digestOf(`initial model of task ${task.id}`)
      await act('createTraining', expected, call(sender, factoryOf(fx), 'createTraining', [task.id, config, initial, 0]), (time, receipt) => {
        const [event] = parseEventLogs({ abi: trainingFactoryAbi, eventName: 'TrainingCreated', logs: receipt.logs })
        expect(event?.args.funded).toBe(funded)
        const rule: TrainingConsensusRule = config.consensus === CONSENSUS.flock ? 'flock' : config.consensus === CONSENSUS.medianScore ? 'median-score' : 'yuma'
        const c: Training = {
          task, address: event!.args.training, config, rule, books: { funded, slashedIn: 0n, credited: 0n, refunded: 0n }, finished: false,
          current: 1n, openings: new Map(), models: new Map(), yuma: EMPTY_YUMA_BOND_STATE, posts: 0,
        }
        open(c, 1n, initial, time, snapshot)
        task.training = c
        task.budget -= funded
        model.trainings.push(c)
        dirty.tasks.add(task.id)
        dirty.clones.add(c.address)
      })
    }

    /** What a validator scores: close to each update's worth, noise, the opposite, or one value for all. */
    function scoresOf(quality: readonly number[]): number[] {
      const kind = random.nextInt(10)
      const clamp = (x: number) => Math.max(0, Math.min(10_000, Math.round(x)))
      if (kind < 6) return quality.map((q) => clamp(q + random.nextInt(601) - 300))
      if (kind < 8) return quality.map(() => random.nextInt(10_001))
      if (kind < 9) return quality.map((q) => clamp(10_000 - q))
      const constant = random.nextInt(10_001)
      return quality.map(() => constant)
    }

    async function commitUpdate(c: Training, trainer: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const o = c.openings.get(c.current)!
      const pool = poolOf(c.task.id, TRAINER)
      const owner = ownerOf(pool, key.address, t)
      const stake = owner === undefined ? 0n : active(c.task.id, TRAINER, owner)
      const expected = o.status !== ROUND.open ? 'RoundNotOpen'
        : t > o.trainDeadline ? 'SubmissionsClosed'
          : stake === 0n || stake < c.config.minTrainerStake ? 'NotStaked'
            : o.entries.some((e) => e.trainer === owner) ? 'AlreadySubmitted'
              : o.entries.length >= c.config.maxUpdates ? 'RoundFull' : 'ok'
      if (expected === 'NotStaked' && owner === undefined) paths.add('owner key refused for its operator')
      // A fresh update mostly; now and then the global model itself (free riding) or a copy of an earlier commitment's update.
      const roll = random.nextFloat()
      const digest = roll < 0.1 ? o.modelDigest : roll < 0.2 && o.entries.length > 0 ? random.pick(o.entries).digest : digestOf(`${c.address} ${o.round} ${o.attempt} ${trainer}`)
      const examples = 1 + random.nextInt(1000)
      const salt = bytes32Of(`update ${c.address} ${o.round} ${o.attempt} ${trainer}`)
      const commitment = updateCommitment(c.address, o.round, o.attempt, trainer, digest, 0, examples, salt)
      await act('commitUpdate', expected, clone(c, key, 'commitUpdate', [o.round, commitment]), () => {
        const keys = lock(c.task.id, TRAINER, trainer, o.revealDeadline + c.config.settlePeriod)
        o.entries.push({ trainer, digest, examples, salt, reveals: random.nextFloat() < 0.9, revealed: false, keys })
        if (key.address !== trainer) paths.add('operator did the work')
      })
    }

    async function revealUpdate(c: Training, entry: Entry, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const o = c.openings.get(c.current)!
      const owner = ownerOf(poolOf(c.task.id, TRAINER), key.address, t)
      const mine = o.entries.find((e) => e.trainer === owner)
      const expected = o.status !== ROUND.open ? 'RoundNotOpen'
        : t <= o.trainDeadline ? 'UpdateRevealNotOpen'
          : t > o.updateRevealDeadline ? 'UpdateRevealClosed'
            : mine === undefined ? 'NoUpdateCommitment'
              : mine.revealed ? 'UpdateAlreadyRevealed' : 'ok'
      await act('revealUpdate', expected, clone(c, key, 'revealUpdate', [o.round, entry.digest, 0, entry.examples, entry.salt]), () => {
        mine!.revealed = true
      })
    }

    async function commitScores(c: Training, validator: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const o = c.openings.get(c.current)!
      const owner = ownerOf(poolOf(c.task.id, VALIDATOR), key.address, t)
      const stake = owner === undefined ? 0n : min(o.snapshot.get(owner) ?? 0n, active(c.task.id, VALIDATOR, owner))
      const expected = o.status !== ROUND.open ? 'RoundNotOpen'
        : t <= o.updateRevealDeadline ? 'CommitNotOpen'
          : t > o.scoreDeadline ? 'CommitClosed'
            : !o.entries.some((e) => e.revealed) ? 'NothingToScore'
              : stake === 0n || stake < c.config.minValidatorStake ? 'NotStaked'
                : o.seats.some((s) => s.validator === owner) ? 'AlreadyCommitted' : 'ok'
      while (o.quality.length < o.entries.length) o.quality.push(3000 + random.nextInt(6501))
      const scores = scoresOf(o.quality)
      const salt = bytes32Of(`scores ${c.address} ${o.round} ${o.attempt} ${validator}`)
      await act('commitScores', expected, clone(c, key, 'commitScores', [o.round, scoreCommitment(c.address, o.round, o.attempt, validator, scores, salt)]), () => {
        const keys = lock(c.task.id, VALIDATOR, validator, o.revealDeadline + c.config.settlePeriod)
        o.seats.push({ validator, stakeAtCommit: stake, scores, salt, reveals: random.nextFloat() < 0.88, revealed: false, keys })
        if (key.address !== validator) paths.add('operator did the work')
      })
    }

    async function revealScores(c: Training, seat: Seat, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const o = c.openings.get(c.current)!
      const owner = ownerOf(poolOf(c.task.id, VALIDATOR), key.address, t)
      const mine = o.seats.find((s) => s.validator === owner)
      const expected = o.status !== ROUND.open ? 'RoundNotOpen'
        : t <= o.scoreDeadline ? 'RevealNotOpen'
          : t > o.revealDeadline ? 'RevealClosed'
            : mine === undefined ? 'NoCommitment'
              : mine.revealed ? 'AlreadyRevealed' : 'ok'
      await act('revealScores', expected, clone(c, key, 'revealScores', [o.round, seat.scores, seat.salt]), () => {
        mine!.revealed = true
      })
    }

    async function settle(c: Training): Promise<void> {
      const t = model.now + 1n
      const o = c.openings.get(c.current)!
      const previous = c.models.get(o.round - 1n)
      const expected = o.status !== ROUND.open ? 'RoundNotOpen'
        : t <= o.revealDeadline ? 'RoundNotOver'
          : previous !== undefined && previous.dispute === DISPUTE.open ? 'DisputeOpen' : 'ok'
      await act('settle', expected, clone(c, random.pick([payee, c.task.proposer]), 'settle', [o.round]), () => {
        const taskId = c.task.id
        const outcome = settleTrainingRound({
          rule: c.rule,
          acceptFloorBps: c.config.acceptFloorBps,
          acceptRelativeBps: c.config.acceptRelativeBps,
          deviationBoundBps: c.config.deviationBoundBps,
          trainerShareBps: c.config.trainerShareBps,
          emission: c.config.emissionPerRound,
          modelDigest: o.modelDigest,
          submissions: o.entries.map((e) => ({ trainer: e.trainer, digest: e.revealed ? e.digest : undefined })),
          // Weighed by the smallest of the stake at the snapshot, at commit and now.
          validators: o.seats.map((s) => ({ owner: s.validator, stake: min(s.stakeAtCommit, active(taskId, VALIDATOR, s.validator)), ...(s.revealed ? { scores: s.scores } : {}) })),
        }, { yuma: c.yuma, round: Number(o.round), uidSlots: c.config.maxUpdates })
        c.yuma = outcome.yuma
        o.status = ROUND.settled
        outcome.updates.forEach((u, j) => {
          const e = o.entries[j]!
          credit(e.trainer, u.reward)
          if (u.accepted) paths.add('update accepted')
          if (u.fate === 'free-riding') paths.add('free riding')
          if (u.fate === 'copied') paths.add('copied update')
          if (u.fate === 'not-revealed') paths.add('update not revealed')
          if (u.slashed && c.config.slashTrainerBps > 0) {
            const taken = take(taskId, TRAINER, e.trainer, 0n, BigInt(c.config.slashTrainerBps))
            c.books.slashedIn += taken
            if (taken > 0n) paths.add('trainer slashed')
          }
        })
        outcome.validators.forEach((v, i) => {
          const s = o.seats[i]!
          credit(s.validator, v.reward)
          if (!v.revealed) paths.add('validator silent')
          if (v.slashed && c.config.slashValidatorBps > 0) {
            const taken = take(taskId, VALIDATOR, s.validator, 0n, BigInt(c.config.slashValidatorBps))
            c.books.slashedIn += taken
            if (taken > 0n) paths.add('validator slashed')
          }
        })
        c.books.credited += outcome.paid
        dirty.clones.add(c.address)
      })
    }

    async function postModel(c: Training, round: bigint, aggregator: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const opening = c.openings.get(round)
      const m = c.models.get(round)
      const owner = ownerOf(poolOf(c.task.id, AGGREGATOR), key.address, t)
      const stake = owner === undefined ? 0n : active(c.task.id, AGGREGATOR, owner)
      const expected = c.finished ? 'AlreadyFinished'
        : opening?.status !== ROUND.settled ? 'RoundNotSettled'
          : m?.status === MODEL.posted ? 'ModelAlreadyPosted'
            : stake === 0n || stake < c.config.minAggregatorStake ? 'NotStaked' : 'ok'
      if (expected === 'NotStaked' && owner === undefined) paths.add('owner key refused for its operator')
      const digest = digestOf(`model ${c.address} ${round} ${c.posts}`)
      const snapshot = validatorStakes(c.task.id)
      await act('postModel', expected, clone(c, key, 'postModel', [round, digest, 0]), (time) => {
        c.posts++
        const keys = lock(c.task.id, AGGREGATOR, aggregator, time + c.config.disputePeriod + c.config.revealPeriod + c.config.settlePeriod)
        if (m?.status === MODEL.rejected) paths.add('round reopened')
        c.models.set(round, {
          round, status: MODEL.posted, digest, aggregator, postedAt: time, aggregatorKeys: keys, dispute: DISPUTE.none, disputer: zeroAddress,
          voteDeadline: 0n, snapshot: new Map(), votes: new Map(), stakeForWrong: 0n, stakeForRight: 0n,
          wrong: random.nextFloat() < 0.5, disputeIntent: random.nextFloat() < 0.2,
        })
        if (round < BigInt(c.config.rounds)) open(c, round + 1n, digest, time, snapshot)
        if (key.address !== aggregator) paths.add('operator did the work')
      })
    }

    /** A dispute vote's weight: the validator's stake before the dispute, no more than it has now. */
    const voteStake = (c: Training, m: Posted, voter: Address) => min(m.snapshot.get(voter) ?? 0n, active(c.task.id, VALIDATOR, voter))

    async function disputeModel(c: Training, m: Posted, validator: Address, key: PrivateKeyAccount): Promise<void> {
      const t = model.now + 1n
      const owner = ownerOf(poolOf(c.task.id, VALIDATOR), key.address, t)
      const stake = owner === undefined ? 0n : active(c.task.id, VALIDATOR, owner)
      const expected = c.finished ? 'AlreadyFinished'
        : m.status !== MODEL.posted ? 'NoModel'
          : m.dispute !== DISPUTE.none ? 'AlreadyDisputed'
            : t > m.postedAt + c.config.disputePeriod ? 'DisputeWindowClosed'
              : stake === 0n || stake < c.config.minValidatorStake ? 'NotStaked' : 'ok'
      const snapshot = validatorStakes(c.task.id)
      await act('disputeModel', expected, clone(c, key, 'disputeModel', [m.round]), (time) => {
        m.dispute = DISPUTE.open
        m.disputer = validator
        m.voteDeadline = time + c.config.revealPeriod
        m.snapshot = snapshot
        m.votes = new Map([[validator, { stake, wrong: true, keys: lock(c.task.id, VALIDATOR, validator, m.voteDeadline + c.config.settlePeriod) }]])
        m.stakeForWrong = stake
        m.stakeForRight = 0n
      })
    }

    async function voteDispute(c: Training, m: Posted, validator: Address, key: PrivateKeyAccount, wrong: boolean): Promise<void> {
      const t = model.now + 1n
      const owner = ownerOf(poolOf(c.task.id, VALIDATOR), key.address, t)
      const stake = owner === undefined ? 0n : voteStake(c, m, owner)
      const expected = c.finished ? 'AlreadyFinished'
        : m.dispute !== DISPUTE.open ? 'NoDispute'
          : t > m.voteDeadline ? 'VoteClosed'
            : stake === 0n || stake < c.config.minValidatorStake ? 'NotStaked'
              : m.votes.has(owner!) ? 'AlreadyVoted' : 'ok'
      await act('voteDispute', expected, clone(c, key, 'voteDispute', [m.round, wrong]), () => {
        m.votes.set(validator, { stake, wrong, keys: lock(c.task.id, VALIDATOR, validator, m.voteDeadline + c.config.settlePeriod) })
        if (wrong) m.stakeForWrong += stake
        else m.stakeForRight += stake
      })
    }

    async function resolveDispute(c: Training, m: Posted): Promise<void> {
      const t = model.now + 1n
      const expected = c.finished ? 'AlreadyFinished' : m.dispute !== DISPUTE.open ? 'NoDispute' : t <= m.voteDeadline ? 'VoteNotOver' : 'ok'
      await act('resolveDispute', expected, clone(c, random.pick([payee, c.task.proposer]), 'resolveDispute', [m.round]), () => {
        const taskId = c.task.id
        m.dispute = DISPUTE.resolved
        const wrong = m.stakeForWrong > m.stakeForRight
        // TrainingStorage._slash: bps of the owner's own position, then StakeManager.slash of that amount.
        const slashOwn = (role: Hex, owner: Address, bps: number) => {
          const p = position(taskId, role, owner)
          const amount = ((p.active + p.unbonding) * BigInt(bps)) / BPS
          return amount === 0n ? 0n : take(taskId, role, owner, amount)
        }
        if (wrong) {
          m.status = MODEL.rejected
          pay(m.disputer, slashOwn(AGGREGATOR, m.aggregator, c.config.slashAggregatorBps))
          if (m.round < BigInt(c.config.rounds)) {
            c.openings.get(m.round + 1n)!.status = ROUND.cancelled
            paths.add('round cancelled')
          }
          paths.add('dispute wrong')
        } else {
          pay(m.aggregator, slashOwn(VALIDATOR, m.disputer, c.config.slashValidatorBps))
          paths.add('dispute right')
        }
        for (const [voter, v] of m.votes) {
          if (voter === m.disputer || v.wrong === wrong) continue
          const taken = slashOwn(VALIDATOR, voter, c.config.slashValidatorBps)
          c.books.slashedIn += taken
          if (taken > 0n) paths.add('losing voter slashed')
        }
        dirty.clones.add(c.address)
      })
    }

    /** TrainingRounds._finishable at time `t`. */
    function finishable(c: Training, t: bigint): boolean {
      if (t > c.task.expiresAt) {
        const o = c.openings.get(c.current)!
        return o.status !== ROUND.open || t <= o.revealDeadline || t > o.revealDeadline + c.config.settlePeriod
      }
      const rounds = BigInt(c.config.rounds)
      if (c.current !== rounds || c.openings.get(rounds)!.status !== ROUND.settled) return false
      const m = c.models.get(rounds)
      return m !== undefined && m.status === MODEL.posted && m.dispute !== DISPUTE.open && t > m.postedAt + c.config.disputePeriod
    }

    async function finish(c: Training): Promise<void> {
      const t = model.now + 1n
      const expected = c.finished ? 'AlreadyFinished' : !finishable(c, t) ? 'TrainingNotOver' : 'ok'
      const afterExpiry = t > c.task.expiresAt
      await act('finish', expected, clone(c, random.pick([payee, c.task.proposer, ...validators]), 'finish', []), () => {
        c.finished = true
        const o = c.openings.get(c.current)!
        if (o.status === ROUND.open) o.status = ROUND.closed
        const balance = holds(c)
        const slashed = min(c.books.slashedIn, balance)
        c.books.refunded += balance
        model.treasury += slashed
        pay(c.task.proposer.address, balance - slashed)
        if (slashed > 0n) paths.add('training slashes to treasury').add('slashed to treasury')
        paths.add(afterExpiry ? 'finished after expiry' : 'finished after last round')
        dirty.clones.add(c.address)
      })
    }

    /** The actions of the live trainings that make sense now, and a few that must fail. */
    function trainingActions(t: bigint): Action[] {
      const actions: Action[] = []
      for (const c of liveTrainings()) {
        const taskId = c.task.id
        const o = c.openings.get(c.current)!
        const key = (role: Hex, owner: Address) => workingKey(poolOf(taskId, role), owner, t)
        if (o.status === ROUND.open) {
          if (t <= o.trainDeadline) {
            for (const trainer of trainers) {
              if (!o.trains.has(trainer.address) || o.entries.some((e) => e.trainer === trainer.address)) continue
              const run = () => commitUpdate(c, trainer.address, key(TRAINER, trainer.address))
              // Unstaked, or the round is full: the clone must refuse it.
              const refused = active(taskId, TRAINER, trainer.address) < c.config.minTrainerStake || o.entries.length >= c.config.maxUpdates
              actions.push(refused ? invalid(run) : { weight: 1, run })
            }
            for (const e of o.entries) actions.push(invalid(() => revealUpdate(c, e, key(TRAINER, e.trainer))))
          } else if (t <= o.updateRevealDeadline) {
            for (const e of o.entries) if (e.reveals && !e.revealed) actions.push({ weight: 1, run: () => revealUpdate(c, e, key(TRAINER, e.trainer)) })
            if (o.entries.length > 0) actions.push(invalid(() => commitScores(c, validators[0]!.address, key(VALIDATOR, validators[0]!.address))))
          } else if (t <= o.scoreDeadline) {
            for (const v of validators) {
              if (!o.scores.has(v.address) || o.seats.some((s) => s.validator === v.address)) continue
              const run = () => commitScores(c, v.address, key(VALIDATOR, v.address))
              // Not staked as of the opening, or nothing revealed to score: refused.
              const stake = min(o.snapshot.get(v.address) ?? 0n, active(taskId, VALIDATOR, v.address))
              const refused = stake < c.config.minValidatorStake || stake === 0n || !o.entries.some((e) => e.revealed)
              actions.push(refused ? invalid(run) : { weight: 1, run })
            }
          } else if (t <= o.revealDeadline) {
            for (const s of o.seats) if (s.reveals && !s.revealed) actions.push({ weight: 1, run: () => revealScores(c, s, key(VALIDATOR, s.validator)) })
          } else {
            actions.push({ weight: 2, run: () => settle(c) })
          }
          if (t <= o.revealDeadline) actions.push(invalid(() => settle(c)))
          // The owner's own key while an operator works for it: refused, and not so rare that no run meets it.
          const delegated = trainers.filter((a) => key(TRAINER, a.address).address !== a.address)
          if (t <= o.trainDeadline && delegated.length > 0) {
            const a = random.pick(delegated)
            actions.push({ weight: 0.5, run: () => commitUpdate(c, a.address, a) })
          }
        }
        // The model of the latest settled round, or again that of a round whose model a dispute rejected.
        const round = o.status === ROUND.cancelled ? c.current - 1n : c.current
        const settled = c.openings.get(round)
        const m = c.models.get(round)
        if (settled?.status === ROUND.settled && m?.status !== MODEL.posted) {
          for (const a of aggregators) {
            const run = () => postModel(c, round, a.address, key(AGGREGATOR, a.address))
            const stake = active(taskId, AGGREGATOR, a.address)
            actions.push(stake === 0n || stake < c.config.minAggregatorStake ? invalid(run) : { weight: 1, run })
          }
        } else if (o.status === ROUND.open && t <= o.trainDeadline) {
          actions.push(invalid(() => postModel(c, c.current, aggregators[0]!.address, key(AGGREGATOR, aggregators[0]!.address))))
        }
        for (const posted of c.models.values()) {
          if (posted.status === MODEL.posted && posted.dispute === DISPUTE.none && t <= posted.postedAt + c.config.disputePeriod && posted.disputeIntent) {
            const v = random.pick(validators)
            const run = () => disputeModel(c, posted, v.address, key(VALIDATOR, v.address))
            const stake = active(taskId, VALIDATOR, v.address)
            actions.push(stake === 0n || stake < c.config.minValidatorStake ? invalid(run) : { weight: 1, run })
          }
          if (posted.dispute === DISPUTE.open) {
            if (t <= posted.voteDeadline) {
              for (const v of validators) {
                if (posted.votes.has(v.address)) continue
                const wrong = random.nextFloat() < 0.75 ? posted.wrong : !posted.wrong
                const run = () => voteDispute(c, posted, v.address, key(VALIDATOR, v.address), wrong)
                const stake = voteStake(c, posted, v.address)
                actions.push(stake === 0n || stake < c.config.minValidatorStake ? invalid(run) : { weight: 1, run })
              }
              actions.push(invalid(() => resolveDispute(c, posted)))
            } else {
              actions.push({ weight: 2, run: () => resolveDispute(c, posted) })
            }
          }
          if (posted.dispute === DISPUTE.resolved && posted.status === MODEL.posted && t <= posted.postedAt + c.config.disputePeriod) {
            const v = random.pick(validators)
            actions.push(invalid(() => disputeModel(c, posted, v.address, key(VALIDATOR, v.address))))
          }
        }
        if (finishable(c, t)) actions.push({ weight: 2, run: () => finish(c) })
        else actions.push(invalid(() => finish(c)))
      }
      return actions
    }

    // ------------------------------------------------------------ governance

    function encode(action: GovAction): { target: Address; data: Hex } {
      switch (action.kind) {
        case 'payment':
          return { target: fx.token.address, data: encodeFunctionData({ abi: fx.token.abi, functionName: 'transfer', args: [action.to, action.amount] }) }
        case 'min-stake':
          return { target: fx.stakeManager.address, data: encodeFunctionData({ abi: fx.stakeManager.abi, functionName: 'setMinStake', args: [action.role, action.amount] }) }
        case 'pause':
        case 'unpause':
          return { target: fx.stakeManager.address, data: encodeFunctionData({ abi: fx.stakeManager.abi, functionName: action.kind, args: [] }) }
        case 'task-rules':
          return { target: fx.taskRegistry.address, data: encodeFunctionData({ abi: fx.taskRegistry.abi, functionName: 'setParams', args: [action.rules] }) }
      }
    }

    function randomGovAction(): GovAction {
      const roll = random.nextFloat()
      const pausing = model.proposals.some((p) => !p.executed && (p.action.kind === 'pause' || p.action.kind === 'unpause') && p.failures < 3)
      if (model.paused && !pausing) return { kind: 'unpause' }
      if (roll < 0.55) {
        // Up to a bit more than the treasury holds: the payment fails at execution if it is short.
        const amount = 1n + random.nextBigInt(model.treasury + model.treasury / 5n + 10n * E)
        return { kind: 'payment', to: random.pick([payee, ...proposers, ...trainers, ...whales]).address, amount }
      }
      if (roll < 0.75) {
        const role = random.pick([VERIFIER, TRAINER, VALIDATOR, AGGREGATOR])
        const amount = role === VERIFIER ? random.pick([50n, 100n, 150n]) * E : random.pick([0n, 0n, 5n, 30n]) * E
        return { kind: 'min-stake', role, amount }
      }
      if (roll < 0.87) {
        // Now and then a verifier minimum few verifiers meet: committees of the tasks proposed then cannot be drawn.
        const minVerifierStake = random.pick([100n, 100n, 100n, 100n, 5000n]) * E
        return { kind: 'task-rules', rules: { ...model.rules, fee: random.pick([5n, 10n, 20n]) * E, minBond: random.pick([50n, 100n, 200n]) * E, minVerifierStake } }
      }
      return pausing || roll < 0.93 ? { kind: 'min-stake', role: TRAINER, amount: random.pick([0n, 5n]) * E } : { kind: 'pause' }
    }

    async function delegate(): Promise<void> {
      const whale = random.pick(whales)
      const roll = random.nextFloat()
      const to = roll < 0.75 ? whale.address : roll < 0.9 ? random.pick(whales).address : zeroAddress
      await act('delegate', 'ok', call(whale, fx.token, 'delegate', [to]), () => {
        model.delegates.set(whale.address, to)
      })
    }

    async function govPropose(): Promise<void> {
      const proposer = random.nextFloat() < 0.95 ? random.pick(whales) : random.pick(proposers)
      const action = randomGovAction()
      const { target, data } = encode(action)
      const description = `protocol invariant proposal ${model.proposals.length + 1}: ${action.kind}`
      // Votes are counted a moment before the proposal: as they stand now.
      const expected = votesOf(proposer.address) < GOVERNANCE.proposalThreshold ? 'GovernorInsufficientProposerVotes' : 'ok'
      await act('govPropose', expected, call(proposer, governor, 'propose', [[target], [0n], [data], description]), (time) => {
        const voteStart = time + GOVERNANCE.votingDelay
        const plans = new Map(whales.map((w): [Address, Support | 'none'] => {
          const roll = random.nextFloat()
          return [w.address, roll < 0.55 ? 'for' : roll < 0.7 ? 'against' : roll < 0.85 ? 'abstain' : 'none']
        }))
        model.proposals.push({
          id: BigInt(model.proposals.length + 1), action, targets: [target], values: [0n], calldatas: [data], descriptionHash: keccak256(stringToBytes(description)),
          voteStart, voteEnd: voteStart + GOVERNANCE.votingPeriod, weights: undefined, plans, cast: new Map(),
          forVotes: 0n, againstVotes: 0n, abstainVotes: 0n, eta: undefined, executed: false, failures: 0,
        })
      })
    }

    /** Governor.state at time `t`: 0 pending, 1 active, 3 defeated, 4 succeeded, 5 queued, 7 executed. */
    function proposalState(p: Proposal, t: bigint): number {
      if (p.executed) return 7
      if (p.voteStart >= t) return 0
      if (p.voteEnd >= t) return 1
      if (p.forVotes + p.abstainVotes < QUORUM || p.forVotes <= p.againstVotes) return 3
      return p.eta === undefined ? 4 : 5
    }

    async function castVote(p: Proposal, whale: PrivateKeyAccount, support: Support): Promise<void> {
      const t = model.now + 1n
      const expected = proposalState(p, t) !== 1 ? 'GovernorUnexpectedProposalState' : p.cast.has(whale.address) ? 'GovernorAlreadyCastVote' : 'ok'
      const value = support === 'against' ? 0 : support === 'for' ? 1 : 2
      await act('castVote', expected, call(whale, governor, 'castVote', [p.id, value]), () => {
        const weight = p.weights!.get(whale.address)!
        p.cast.set(whale.address, support)
        if (support === 'for') p.forVotes += weight
        else if (support === 'against') p.againstVotes += weight
        else p.abstainVotes += weight
      })
    }

    async function queue(p: Proposal): Promise<void> {
      const state = proposalState(p, model.now + 1n)
      const expected = state === 4 ? 'ok' : 'GovernorUnexpectedProposalState'
      if (state === 3) paths.add('proposal defeated')
      await act('queue', expected, call(random.pick(whales), governor, 'queue', [p.targets, p.values, p.calldatas, p.descriptionHash]), (t) => {
        p.eta = t + GOVERNANCE.timelockDelay
      })
    }

    async function execute(p: Proposal): Promise<void> {
      const t = model.now + 1n
      const state = proposalState(p, t)
      const a = p.action
      const expected = state !== 5 && state !== 4 ? 'GovernorUnexpectedProposalState'
        : p.eta === undefined || t < p.eta ? 'TimelockUnexpectedOperationState'
          : a.kind === 'payment' && a.amount > model.treasury ? 'ERC20InsufficientBalance'
            : a.kind === 'pause' && model.paused ? 'EnforcedPause'
              : a.kind === 'unpause' && !model.paused ? 'ExpectedPause' : 'ok'
      if (expected === 'ERC20InsufficientBalance') paths.add('treasury payment refused')
      if (expected !== 'ok' && expected !== 'TimelockUnexpectedOperationState') p.failures++
      await act('execute', expected, call(random.pick([payee, ...whales]), governor, 'execute', [p.targets, p.values, p.calldatas, p.descriptionHash]), () => {
        p.executed = true
        switch (a.kind) {
          case 'payment':
            model.treasury -= a.amount
            pay(a.to, a.amount)
            paths.add('treasury payment executed')
            break
          case 'min-stake':
            model.minStake.set(a.role, a.amount)
            paths.add('min stake changed')
            break
          case 'pause':
            model.paused = true
            paths.add('paused')
            break
          case 'unpause':
            model.paused = false
            paths.add('unpaused')
            break
          case 'task-rules':
            model.rules = a.rules
            paths.add('task rules changed')
            break
        }
      })
    }

    function governanceActions(t: bigint): Action[] {
      const actions: Action[] = []
      for (const p of model.proposals) {
        const state = proposalState(p, t)
        if (state === 0) {
          actions.push(invalid(() => castVote(p, random.pick(whales), 'for')))
        } else if (state === 1) {
          for (const w of whales) {
            const plan = p.plans.get(w.address)!
            if (plan !== 'none' && !p.cast.has(w.address)) actions.push({ weight: 1, run: () => castVote(p, w, plan) })
            else if (p.cast.has(w.address)) actions.push(invalid(() => castVote(p, w, 'for')))
          }
          actions.push(invalid(() => queue(p)))
        } else if (state === 3) {
          // A defeated proposal is queued once, to be refused, and then left.
          if (p.failures === 0) actions.push({ weight: 1, run: async () => { await queue(p); p.failures = 3 } })
        } else if (state === 4) {
          actions.push({ weight: 2, run: () => queue(p) })
        } else if (state === 5 && p.failures < 3) {
          if (t >= p.eta!) actions.push({ weight: 2, run: () => execute(p) })
          else actions.push(invalid(() => execute(p)))
        }
      }
      return actions
    }

    // ------------------------------------------------------------ rare paths, brought about

    /**
     * The run opens on a verifier pool of one: the first task's committee has a single member,
     * short of a quorum, so the task fails and its escrow is refunded. Later the pool is too full
     * for that to happen but by a rule change that few verifiers meet.
     */
    async function loneVerifierDraw(): Promise<void> {
      await stake(verifiers[0]!, 0n, VERIFIER, TASK_RULES.minVerifierStake + random.nextBigInt(groups[0]!.scale))
      for (const proposed = model.tasks.length; model.tasks.length === proposed; ) await proposeTask()
      const task = model.tasks.at(-1)!
      if (model.block < task.seedBlock) await mine(task.seedBlock - model.block)
      await drawCommittee(task, task.secret)
    }

    /**
     * A committee member rotates its owner key in the middle of the vote and the new key reveals
     * its ballot. By chance this is rare: the rotation delay is as long as the commit phase, so the
     * request must come early in it and the ballot still be unrevealed once the rotation is ready.
     * Until it has happened the run brings it about on the first seat of a rotating verifier with a
     * ballot to reveal: the new key's operator (if any) is revoked so that the key votes itself, the
     * vote is committed, the rotation requested, time passes to its readiness, the rotation
     * completes and the new key reveals. Returns whether it took a step (sent or let time pass).
     */
    async function rotatedSeatStep(t: bigint): Promise<boolean> {
      for (let pair = 0; pair < rotationTargets.length; pair++) {
        const from = verifiers[verifiers.length - 1 - pair]!.address
        const to = rotationTargets[pair]!
        const rotation = model.rotations.get(from)
        const seats = model.tasks.filter((task) => {
          if (task.status !== TASK.voting || !task.committee.includes(from) || task.committee.includes(to.address)) return false
          const vote = task.votes.get(from)!
          return (vote.plan === 'approve' || vote.plan === 'reject') && vote.revealed === 0
        })
        if (rotated(from)) {
          const task = seats.find((task) => task.votes.get(from)!.committed && t <= task.revealDeadline && memberOf(task, to.address, t) === from)
          if (task === undefined) continue
          if (t <= task.commitDeadline) await advance(task.commitDeadline - model.now)
          else await revealVote(task, from, to)
          return true
        }
        if (rotation !== undefined) {
          const task = seats.find((task) => task.votes.get(from)!.committed && rotation.readyAt + 1n <= task.revealDeadline)
          if (task === undefined) continue
          if (t < rotation.readyAt) await advance(rotation.readyAt - 1n - model.now)
          else await rotationOp(pair, true)
          return true
        }
        const slot = operatorSlot(model.operators, POOL0, to.address)
        const clear = slot.current !== undefined || slot.pending !== undefined
        const task = seats.find((task) => {
          const committed = task.votes.get(from)!.committed
          const steps = BigInt((clear ? 1 : 0) + (committed ? 0 : 1))
          return (committed || t + steps - 1n <= task.commitDeadline) && t + steps + ROTATION_DELAY + 1n <= task.revealDeadline
        })
        if (task === undefined) continue
        if (clear) await revokeOperator(to, 0n, VERIFIER)
        else if (!task.votes.get(from)!.committed) await commitVote(task, from, random.pick(votingKeys(task, from, t)))
        else await rotationOp(pair, true)
        return true
      }
      return false
    }

    /**
     * A trainer whose operator works for it sends its update with its own key, and the clone
     * refuses it. By chance this is rare: an operator must be named, accept and come into effect
     * within the train phase of a training in that very pool. Until it has happened the run brings
     * it about on a live training: a trainer without an operator there names a free operator key,
     * the key accepts, time passes to the change's effect, and the trainer's own key commits.
     * Returns whether it took a step (sent or let time pass).
     */
    async function ownerKeyStep(t: bigint): Promise<boolean> {
      const live = liveTrainings().filter((c) => {
        const o = c.openings.get(c.current)!
        return o.status === ROUND.open && t <= o.trainDeadline
      })
      const slots = live.flatMap((c) => trainers.map((a) => {
        const pool = poolOf(c.task.id, TRAINER)
        return { c, a, pool, s: operatorSlot(model.operators, pool, a.address), deadline: c.openings.get(c.current)!.trainDeadline }
      }))
      // In effect: the own key commits.
      const working = slots.find(({ a, pool, s }) => effectiveOperator(s, a.address, t) !== a.address && ownerOf(pool, a.address, t) === undefined)
      if (working !== undefined) {
        await commitUpdate(working.c, working.a.address, working.a)
        return true
      }
      // The key can accept (or has), and the change takes effect within the train phase.
      const free = (pool: string, owner: Address, key: Address, taskId: bigint) =>
        operatorTakenBy(model.operators, pool, key, owner, t) === undefined && active(taskId, TRAINER, key) === 0n
      const coming = slots.find(({ c, a, pool, s, deadline }) => s.pending !== undefined && s.pending !== a.address && s.pending !== zeroAddress &&
        s.effectiveAt <= deadline && (s.accepted ? t < s.effectiveAt : free(pool, a.address, s.pending, c.task.id)))
      if (coming !== undefined) {
        const { a, pool, s } = coming
        if (!s.accepted) await acceptOperator(operatorKey(pool, a.address))
        else await advance(s.effectiveAt - 1n - model.now)
        return true
      }
      if (model.paused) return false
      const fresh = slots.filter(({ s, deadline }) => s.current === undefined && s.pending === undefined && t + OPERATOR_DELAY <= deadline)
      for (const { c, a, pool } of fresh) {
        const keys = operatorKeys.filter((k) => free(pool, a.address, k.address, c.task.id))
        if (keys.length === 0) continue
        await setOperator(a, c.task.id, TRAINER, random.pick(keys).address)
        return true
      }
      return false
    }

    // ------------------------------------------------------------ time

    /** The next moment anything live changes: a deadline, a seed block, a lock or unbonding release. */
    async function advanceToNextEvent(): Promise<void> {
      const times: bigint[] = []
      const blocks: bigint[] = []
      for (const t of model.tasks) {
        if (t.status === TASK.proposed) blocks.push(t.seedBlock, t.seedBlock + BigInt(t.rules.drawWindowBlocks))
        if (t.status === TASK.voting) times.push(t.commitDeadline, t.revealDeadline)
        if (t.status === TASK.open) times.push(t.expiresAt, t.openedAt + TRAINING_PREP)
      }
      for (const c of liveTrainings()) {
        const o = c.openings.get(c.current)!
        times.push(o.trainDeadline, o.updateRevealDeadline, o.scoreDeadline, o.revealDeadline, o.revealDeadline + c.config.settlePeriod, c.task.expiresAt)
        for (const m of c.models.values()) times.push(m.postedAt + c.config.disputePeriod, m.voteDeadline)
      }
      for (const p of model.proposals) times.push(p.voteStart, p.voteEnd, (p.eta ?? 1n) - 1n)
      for (const p of model.positions.values()) if (p.unbonding > 0n) times.push(p.releaseAt - 1n, p.lockedUntil - 1n)
      for (const r of model.rotations.values()) times.push(r.readyAt - 1n)
      const nextTime = times.filter((x) => x > model.now).reduce((a, b) => (a < b ? a : b), model.now + 3600n)
      const nextBlock = blocks.filter((b) => b > model.block).reduce((a, b) => (a < b ? a : b), model.block + 1_000_000n)
      if (nextBlock - model.block < nextTime - model.now) await mine(nextBlock - model.block)
      else await advance(nextTime - model.now)
    }

    // ------------------------------------------------------------ the run

    await check('setup', true)
    await loneVerifierDraw()
    let idle = 0
    const untaken = () => PATHS.some((p) => !paths.has(p))
    while (operations < OPERATIONS || (untaken() && operations < MAX_OPERATIONS)) {
      const before = operations
      const t = model.now + 1n
      const roll = random.nextFloat()
      if (!paths.has('rotated seat voted') && (await rotatedSeatStep(t))) {
        // A step of the rotated seat's vote, which chance alone rarely brings.
      } else if (!paths.has('owner key refused for its operator') && (await ownerKeyStep(t))) {
        // A step towards an owner key refused while its operator works, as rare by chance.
      } else if (roll < 0.3) {
        await stakingOp()
      } else if (roll < 0.33) {
        // A little time passes, mostly less than a phase, now and then more.
        const r = random.nextFloat()
        await advance(r < 0.8 ? 1n + random.nextBigInt(600n) : r < 0.97 ? 600n + random.nextBigInt(5400n) : 3n * 3600n + random.nextBigInt(7n * 3600n))
      } else if (roll < 0.345) {
        await delegate()
      } else if (roll < 0.36 && model.proposals.filter((p) => [0, 1, 4, 5].includes(proposalState(p, t)) && p.failures < 3).length < 2) {
        await govPropose()
      } else if (roll < 0.4 && pendingTasks().length < MAX_PENDING_TASKS) {
        await proposeTask()
      } else {
        // Work on the live tasks, trainings and proposals; when none has anything to do, time passes to the next deadline.
        // A few of them are deliberately refused ones.
        const all = [...taskActions(t), ...trainingActions(t), ...governanceActions(t)]
        const refused = all.filter((a) => a.invalid === true)
        const actions = refused.length > 0 && random.nextFloat() < INVALID_SHARE ? refused : all.filter((a) => a.invalid !== true)
        if (actions.length === 0) {
          await advanceToNextEvent()
        } else {
          const total = actions.reduce((sum, a) => sum + a.weight, 0)
          let pick = random.nextFloat() * total
          const chosen = actions.find((a) => (pick -= a.weight) < 0) ?? actions[actions.length - 1]!
          await chosen.run()
        }
      }
      idle = operations === before ? idle + 1 : 0
      if (idle > 0 && operations === before) await check('time passing', false)
      expect(idle, 'the run stalled').toBeLessThan(500)
    }
    await check('end', true)

    // ------------------------------------------------------------ what the run exercised

    const summary = JSON.stringify(Object.fromEntries([...tallies].map(([op, t]) => [op, { ok: t.ok, reverted: Object.fromEntries(t.reverted) }])))
    expect(operations).toBeGreaterThanOrEqual(OPERATIONS)
    const ok = (op: Op) => tallies.get(op)!.ok
    const least: Partial<Record<Op, number>> = {
      stake: 200, stakeFor: 30, requestUnstake: 150, withdraw: 100, claim: 100, setOperator: 30, acceptOperator: 20, revokeOperator: 10,
      requestRotation: 2, completeRotation: 2, migratePosition: 2,
      propose: 40, drawCommittee: 30, abandon: 2, commitVote: 60, revealVote: 60, finalize: 30, close: 5,
      createTraining: 15, commitUpdate: 150, revealUpdate: 120, commitScores: 120, revealScores: 100, settle: 30, postModel: 30,
      disputeModel: 5, voteDispute: 5, resolveDispute: 5, finish: 10,
      delegate: 10, govPropose: 20, castVote: 30, queue: 10, execute: 10,
    }
    for (const op of OPS) expect(ok(op), `${op} successes in ${summary}`).toBeGreaterThanOrEqual(least[op] ?? 1)
    expect(PATHS.filter((p) => !paths.has(p)), `paths never taken; ops ${summary}`).toEqual([])
    expect(lockChecks, 'positions checked for their locks').toBeGreaterThan(OPERATIONS)
    expect(exitChecks, 'withdrawals and migrations checked against their locks').toBeGreaterThan(50)
    expect(advances).toBeGreaterThan(0)
  })
})
