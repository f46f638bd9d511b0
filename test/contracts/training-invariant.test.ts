import { beforeAll, describe, expect, test } from 'vitest'
import { getAddress, keccak256, parseEventLogs, stringToBytes } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { trainingRoundsAbi } from '../../src/ledger/contracts/generated/TrainingRounds.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf } from '../helpers/balances.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { advancePast } from '../helpers/task-flow.js'
import {
  AGGREGATOR,
  CONSENSUS,
  TRAINER,
  VALIDATOR,
  approveStakes,
  createTraining,
  digestOf,
  modelInfo,
  openTask,
  readSubmissions,
  roundInfo,
  saltOf,
  scoreCommitment,
  stakeVerifiers,
  toReveal,
  toScoring,
  toSettlement,
  trainingConfig,
} from '../helpers/training-flow.js'
import type { Submission, Training, TrainingConfig } from '../helpers/training-flow.js'
import { settleTrainingRound } from '../../src/mechanisms/consensus/training/settle-round.js'
import type { TrainingConsensusRule } from '../../src/mechanisms/consensus/training/settle-round.js'
import { EMPTY_YUMA_BOND_STATE, assignTrainerUids } from '../../src/mechanisms/consensus/training/yuma-round.js'
import type { YumaBondState } from '../../src/mechanisms/consensus/training/yuma-round.js'

/**
 * A seeded run of several multi-round trainings with random participants, stakes, scores, free
 * riders, copies, silent validators, unstaking, disputes and reopened rounds. After every
 * transaction the clone's token balance must equal its books (funded + slashed in - credited -
 * refunded), and the books must equal the same sums read from the chain's events. Every
 * settlement is predicted by the TypeScript restatement of the rules (settleTrainingRound) to the
 * wei, slashes included; under Yuma the restatement carries the trainer uids and the bonds from
 * round to round, and the bonds the clone stores must equal its prediction after every round.
 * Each training ends with `finish`, after which the clone holds nothing.
 */

const SEED = 90_210
const E = 10n ** 18n
const REASONS: Record<string, Hex> = {
  judged: keccak256(stringToBytes('TRAINING_UPDATE_REJECTED')),
  'free-riding': keccak256(stringToBytes('TRAINING_FREE_RIDING')),
  copied: keccak256(stringToBytes('TRAINING_COPIED_UPDATE')),
  silent: keccak256(stringToBytes('TRAINING_NO_REVEAL')),
  deviating: keccak256(stringToBytes('TRAINING_SCORE_DEVIATION')),
}
const TRAININGS: readonly { rule: TrainingConsensusRule; rounds: number }[] = [
  { rule: 'flock', rounds: 6 },
  { rule: 'median-score', rounds: 6 },
  { rule: 'yuma', rounds: 6 },
  { rule: 'flock', rounds: 5 },
  { rule: 'median-score', rounds: 5 },
  { rule: 'yuma', rounds: 5 },
  { rule: 'flock', rounds: 4 },
  { rule: 'median-score', rounds: 4 },
  { rule: 'yuma', rounds: 4 },
]
/** Paths the run must have taken at least once, or it tested less than it claims. */
const PATHS = [
  'accepted', 'rejected', 'free-riding', 'copied', 'silent', 'deviating', 'no consensus', 'nothing accepted', 'not staked',
  'unbonding slashed', 'stake changed before settlement', 'dispute wrong', 'dispute right', 'reopened', 'bonds',
  'yuma accepted', 'yuma rejected', 'yuma deviating', 'yuma absent trainer', 'yuma silent validator keeps bonds',
] as const
type Path = (typeof PATHS)[number]

let fx: ProtocolFixture
let proposer: PrivateKeyAccount
let verifiers: PrivateKeyAccount[]
let trainers: PrivateKeyAccount[]
let validators: PrivateKeyAccount[]
let aggregators: PrivateKeyAccount[]

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 18, params: { tasks: { committeeSize: 3 } } })
  proposer = accountAt(fx, 1)
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  trainers = [5, 6, 7, 8, 9, 10].map((i) => accountAt(fx, i))
  validators = [11, 12, 13, 14, 15].map((i) => accountAt(fx, i))
  aggregators = [16, 17].map((i) => accountAt(fx, i))
  await stakeVerifiers(fx, verifiers)
  for (const a of [...trainers, ...validators, ...aggregators]) await approveStakes(fx, a)
})

type Books = { funded: bigint; slashedIn: bigint; credited: bigint; refunded: bigint }

/** One training under test: its clone, config, and the books as the events tell them. */
type Run = {
  taskId: bigint
  training: Training
  config: TrainingConfig
  rule: TrainingConsensusRule
  /** Yuma's trainer uids and bonds as the restatement predicts them. */
  yuma: YumaBondState
  events: Books
  checks: number
  settlements: number
  paths: Set<Path>
}

async function position(taskId: bigint, role: Hex, owner: Address): Promise<bigint> {
  const p = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, role, owner] })
  return p.active + p.unbonding
}

function activeStake(taskId: bigint, role: Hex, owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [taskId, role, owner] })
}

/** Adds a receipt's money movements into and out of the clone to the event books. */
function absorb(run: Run, receipt: TransactionReceipt): void {
  const clone = getAddress(run.training.address)
  for (const e of parseEventLogs({ abi: fx.stakeManager.abi, logs: receipt.logs })) {
    if (e.eventName === 'Slashed' && getAddress(e.args.beneficiary) === clone) run.events.slashedIn += e.args.amount
    if (e.eventName === 'RewardCredited' && getAddress(e.args.rewarder) === clone) run.events.credited += e.args.amount
  }
  for (const e of parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs })) {
    if (e.eventName === 'TrainingStarted') run.events.funded += e.args.funded
    if (e.eventName === 'TrainingFinished') run.events.refunded += e.args.refund
  }
}

/** The invariant, after every step. */
async function check(run: Run, label: string): Promise<void> {
  const [funded, slashedIn, credited, refunded] = await fx.ledger.client.readContract({ ...run.training, functionName: 'books' })
  expect({ funded, slashedIn, credited, refunded }, label).toEqual(run.events)
  expect(await balanceOf(fx, run.training.address), label).toBe(funded + slashedIn - credited - refunded)
  run.checks++
}

/** Sends a clone transaction, books its events and checks the invariant. */
async function step(run: Run, who: PrivateKeyAccount, functionName: string, args: readonly unknown[]): Promise<TransactionReceipt> {
  const receipt = await writeContract(fx.ledger, who, { ...run.training, functionName, args } as never)
  absorb(run, receipt)
  await check(run, `${functionName} ${JSON.stringify(args, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`)
  return receipt
}

/** A staking transaction between rounds (moves no clone money, but the invariant still holds). */
async function stakeStep(run: Run, who: PrivateKeyAccount, functionName: 'stake' | 'requestUnstake', role: Hex, amount: bigint): Promise<void> {
  await writeContract(fx.ledger, who, { ...fx.stakeManager, functionName, args: [run.taskId, role, amount] })
  await check(run, `${functionName} ${who.address}`)
}

function randomConfig(random: Prng, rule: TrainingConsensusRule, rounds: number): TrainingConfig {
  return trainingConfig({
    rounds,
    trainPeriod: 7200n,
    scorePeriod: 3600n,
    revealPeriod: 1800n,
    disputePeriod: 1800n,
    emissionPerRound: BigInt(1 + random.nextInt(1500)) * E + random.nextBigInt(E),
    trainerShareBps: random.pick([0, 5000, 7000, 9999, 10_000]),
    acceptFloorBps: random.pick([0, 3000, 5000]),
    acceptRelativeBps: random.pick([0, 8000, 9500]),
    deviationBoundBps: random.pick([500, 2000, 3000, 10_000]),
    slashTrainerBps: random.nextInt(3001),
    slashValidatorBps: random.nextInt(3001),
    slashAggregatorBps: random.nextInt(5001),
    maxUpdates: 6,
    consensus: rule === 'flock' ? CONSENSUS.flock : rule === 'median-score' ? CONSENSUS.medianScore : CONSENSUS.yuma,
  })
}

/** What a validator scores: close to the truth, noise, the opposite, or one value for all. */
function scoresOf(random: Prng, quality: readonly number[]): number[] {
  const kind = random.nextInt(10)
  const clamp = (x: number) => Math.max(0, Math.min(10_000, Math.round(x)))
  if (kind < 6) return quality.map((q) => clamp(q + random.nextInt(601) - 300))
  if (kind < 8) return quality.map(() => random.nextInt(10_001))
  if (kind < 9) return quality.map((q) => clamp(10_000 - q))
  const constant = random.nextInt(10_001)
  return quality.map(() => constant)
}

/** Submits for each trainer with probability `p`; free riders and copies included. */
async function submitSome(run: Run, random: Prng, round: bigint, list: Submission[], p: number): Promise<void> {
  const { modelDigest, attempt } = await roundInfo(fx, run.training, round)
  for (const [i, t] of trainers.entries()) {
    if (list.some((s) => s.trainer === t.address) || random.nextFloat() >= p) continue
    const roll = random.nextFloat()
    const digest = roll < 0.12 ? modelDigest : roll < 0.24 && list.length > 0 ? random.pick(list).digest : digestOf(`${run.taskId} ${round} ${attempt} ${i}`)
    const examples = 1 + random.nextInt(1000)
    const stake = await activeStake(run.taskId, TRAINER, t.address)
    const call = step(run, t, 'submitUpdate', [round, digest, 0, examples])
    if (stake === 0n || stake < run.config.minTrainerStake) {
      expect(revertName(await call.catch((e: unknown) => e))).toBe('NotStaked')
      run.paths.add('not staked')
      continue
    }
    if (list.length >= run.config.maxUpdates) {
      expect(revertName(await call.catch((e: unknown) => e))).toBe('RoundFull')
      continue
    }
    await call
    list.push({ trainer: t.address, digest, codec: 0, examples })
    if (run.rule === 'yuma') run.yuma = assignTrainerUids(run.yuma, [t.address])
  }
}

/** Unstaking and top-ups between rounds, keeping or breaking the minimums at random. */
async function shuffleStakes(run: Run, random: Prng): Promise<void> {
  for (const [role, group, min] of [[VALIDATOR, validators, run.config.minValidatorStake], [TRAINER, trainers, run.config.minTrainerStake]] as const) {
    if (random.nextFloat() < 0.5) continue
    const who = random.pick(group)
    const active = await activeStake(run.taskId, role, who.address)
    if (random.nextFloat() < 0.5 && active > min) await stakeStep(run, who, 'requestUnstake', role, 1n + random.nextBigInt(active - min))
    else await stakeStep(run, who, 'stake', role, 1n + random.nextBigInt(200n * E))
  }
}

/** Posts the model of `round` from an aggregator holding enough stake (topping one up if needed). */
async function post(run: Run, random: Prng, round: bigint, label: string): Promise<PrivateKeyAccount> {
  const aggregator = random.pick(aggregators)
  const stake = await activeStake(run.taskId, AGGREGATOR, aggregator.address)
  if (stake < run.config.minAggregatorStake) await stakeStep(run, aggregator, 'stake', AGGREGATOR, run.config.minAggregatorStake)
  await step(run, aggregator, 'postModel', [round, digestOf(`${run.taskId} model ${round} ${label}`), 0])
  return aggregator
}

/**
 * Disputes the model of `round`; other validators vote at random. Checks the outcome and the
 * slash against the stakes; returns whether the model was found wrong.
 */
async function dispute(run: Run, random: Prng, round: bigint): Promise<boolean> {
  const model = await modelInfo(fx, run.training, round)
  const eligible: PrivateKeyAccount[] = []
  for (const v of validators) {
    const stake = await activeStake(run.taskId, VALIDATOR, v.address)
    if (stake > 0n && stake >= run.config.minValidatorStake) eligible.push(v)
  }
  if (eligible.length === 0) return false
  const disputer = random.pick(eligible)
  let forWrong = await activeStake(run.taskId, VALIDATOR, disputer.address)
  let forRight = 0n
  await step(run, disputer, 'disputeModel', [round])
  for (const v of eligible) {
    if (v === disputer || random.nextFloat() < 0.4) continue
    const wrong = random.nextFloat() < 0.5
    const stake = await activeStake(run.taskId, VALIDATOR, v.address)
    await step(run, v, 'voteDispute', [round, wrong])
    if (wrong) forWrong += stake
    else forRight += stake
  }
  await advancePast(fx, (await modelInfo(fx, run.training, round)).voteDeadline)
  const wrong = forWrong > forRight
  const [paying, role, bps] = wrong
    ? [model.aggregator, AGGREGATOR, run.config.slashAggregatorBps] as const
    : [disputer.address, VALIDATOR, run.config.slashValidatorBps] as const
  const expected = ((await position(run.taskId, role, paying)) * BigInt(bps)) / 10_000n
  const receipt = await step(run, random.pick(trainers), 'resolveDispute', [round])
  const resolved = parseEventLogs({ abi: trainingRoundsAbi, eventName: 'DisputeResolved', logs: receipt.logs })[0]
  expect(resolved?.args).toEqual({ round, modelWasWrong: wrong, stakeForWrong: forWrong, stakeForRight: forRight })
  const slashed = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs }).map((e) => [e.args.owner, e.args.amount, e.args.beneficiary])
  expect(slashed).toEqual(expected > 0n ? [[paying, expected, wrong ? disputer.address : model.aggregator]] : [])
  run.paths.add(wrong ? 'dispute wrong' : 'dispute right')
  return wrong
}

/** Validators commit and reveal (or not), the round settles, and everything is checked against the reference. */
async function scoreAndSettle(run: Run, random: Prng, round: bigint, list: Submission[]): Promise<void> {
  const quality = list.map(() => 3000 + random.nextInt(6501))
  const committed: { owner: Address; scores: number[]; reveal: boolean; key: PrivateKeyAccount; stakeAtCommit: bigint }[] = []
  const silentRound = random.nextFloat() < 0.12 // nobody reveals
  await toScoring(fx, run.training, round)
  if (list.length > 0) {
    for (const v of validators) {
      if (random.nextFloat() < 0.15) continue
      const scores = scoresOf(random, quality)
      const stake = await activeStake(run.taskId, VALIDATOR, v.address)
      const call = step(run, v, 'commitScores', [round, scoreCommitment(round, v.address, scores, saltOf(round, v.address))])
      if (stake === 0n || stake < run.config.minValidatorStake) {
        expect(revertName(await call.catch((e: unknown) => e))).toBe('NotStaked')
        run.paths.add('not staked')
        continue
      }
      await call
      committed.push({ owner: v.address, scores, reveal: !silentRound && random.nextFloat() >= 0.15, key: v, stakeAtCommit: stake })
    }
  }
  await toReveal(fx, run.training, round)
  for (const c of committed) {
    if (c.reveal) await step(run, c.key, 'revealScores', [round, c.scores, saltOf(round, c.owner)])
  }
  // Stake added after the reveals must not count; stake being withdrawn must not either.
  if (committed.length > 0 && random.nextFloat() < 0.5) {
    const c = random.pick(committed)
    const active = await activeStake(run.taskId, VALIDATOR, c.owner)
    if (random.nextFloat() < 0.5 || active === 0n) await stakeStep(run, c.key, 'stake', VALIDATOR, 1n + random.nextBigInt(2000n * E))
    else await stakeStep(run, c.key, 'requestUnstake', VALIDATOR, 1n + random.nextBigInt(active))
    run.paths.add('stake changed before settlement')
  }
  await toSettlement(fx, run.training, round)

  expect(await readSubmissions(fx, run.training, round)).toEqual(list)
  const now = await Promise.all(committed.map((c) => activeStake(run.taskId, VALIDATOR, c.owner)))
  const stakes = now.map((s, i) => (s < committed[i]!.stakeAtCommit ? s : committed[i]!.stakeAtCommit))
  const trainerPositions = await Promise.all(list.map((s) => position(run.taskId, TRAINER, s.trainer)))
  const validatorPositions = await Promise.all(committed.map((c) => position(run.taskId, VALIDATOR, c.owner)))
  const expected = settleTrainingRound({
    rule: run.rule,
    acceptFloorBps: run.config.acceptFloorBps,
    acceptRelativeBps: run.config.acceptRelativeBps,
    deviationBoundBps: run.config.deviationBoundBps,
    trainerShareBps: run.config.trainerShareBps,
    emission: run.config.emissionPerRound,
    modelDigest: (await roundInfo(fx, run.training, round)).modelDigest,
    submissions: list,
    validators: committed.map((c, i) => ({ owner: c.owner, stake: stakes[i]!, ...(c.reveal ? { scores: c.scores } : {}) })),
  }, { yuma: run.yuma })
  if (run.rule === 'yuma') yumaPaths(run, list, committed, expected)
  run.yuma = expected.yuma

  const receipt = await step(run, random.pick([proposer, ...trainers]), 'settle', [round, list])
  run.settlements++
  const events = parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs })
  const updates = events.flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.index, e.args.trainer, e.args.accepted, e.args.consensusScore, e.args.reward]] : []))
  expect(updates).toEqual(expected.updates.map((u, j) => [BigInt(j), list[j]!.trainer, u.accepted, u.consensusScore, u.reward]))
  const judged = events.flatMap((e) => (e.eventName === 'ValidatorJudged' ? [[e.args.validator, e.args.revealed, e.args.deviationBps, e.args.reward, e.args.slashed]] : []))
  expect(judged).toEqual(expected.validators.map((v, i) => [committed[i]!.owner, v.revealed, v.deviationBps, v.reward, v.slashed]))
  const settled = events.find((e) => e.eventName === 'RoundSettled')
  const accepted = expected.updates.filter((u) => u.accepted).length
  expect(settled?.args).toEqual({ round, accepted: BigInt(accepted), rejected: BigInt(list.length - accepted), paid: expected.paid })

  const slashes = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs }).map((e) => [e.args.owner, e.args.amount, e.args.reason])
  const expectedSlashes = [
    ...expected.updates.flatMap((u, j) => {
      const amount = (trainerPositions[j]! * BigInt(run.config.slashTrainerBps)) / 10_000n
      return u.slashed && amount > 0n ? [[list[j]!.trainer, amount, REASONS[u.fate]!]] : []
    }),
    ...expected.validators.flatMap((v, i) => {
      const amount = (validatorPositions[i]! * BigInt(run.config.slashValidatorBps)) / 10_000n
      return v.slashed && amount > 0n ? [[committed[i]!.owner, amount, v.revealed ? REASONS.deviating! : REASONS.silent!]] : []
    }),
  ]
  expect(slashes).toEqual(expectedSlashes)

  for (const u of expected.updates) {
    run.paths.add(u.accepted ? 'accepted' : 'rejected')
    if (u.fate !== 'judged') run.paths.add(u.fate)
  }
  for (const v of expected.validators) if (v.slashed) run.paths.add(v.revealed ? 'deviating' : 'silent')
  if (list.length > 0 && expected.validators.every((v) => !v.revealed)) run.paths.add('no consensus')
  if (list.length > 0 && expected.updates.every((u) => !u.accepted)) run.paths.add('nothing accepted')
  const unbonding = await Promise.all(slashes.map(async ([owner]) => {
    const role = list.some((s) => s.trainer === owner) ? TRAINER : VALIDATOR
    return (await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [run.taskId, role, owner as Address] })).unbonding
  }))
  if (unbonding.some((u) => u > 0n)) run.paths.add('unbonding slashed')
  if (run.rule === 'yuma') await checkBonds(run)
}

/** Notes the Yuma situations a round exercised. */
function yumaPaths(
  run: Run,
  list: readonly Submission[],
  committed: readonly { owner: Address; reveal: boolean }[],
  expected: ReturnType<typeof settleTrainingRound>,
): void {
  if (!expected.validators.some((v) => v.revealed)) return
  if (expected.updates.some((u) => u.fate === 'judged' && u.accepted)) run.paths.add('yuma accepted')
  if (expected.updates.some((u) => u.fate === 'judged' && !u.accepted)) run.paths.add('yuma rejected')
  if (expected.validators.some((v) => v.revealed && v.slashed)) run.paths.add('yuma deviating')
  const present = new Set(list.map((s) => s.trainer))
  const absent = run.yuma.trainers.flatMap((t, u) => (present.has(t as Address) ? [] : [u]))
  if (absent.some((u) => [...run.yuma.bonds.values()].some((row) => (row[u] ?? 0) > 0))) run.paths.add('yuma absent trainer')
  for (const c of committed) {
    const before = run.yuma.bonds.get(c.owner)
    if (!c.reveal && before !== undefined && before.some((b) => b > 0)) {
      expect(expected.yuma.bonds.get(c.owner)).toEqual(before)
      run.paths.add('yuma silent validator keeps bonds')
    }
  }
}

/** The clone's trainer uids and stored bonds are what the restatement predicts. */
async function checkBonds(run: Run): Promise<void> {
  const read = (functionName: 'yumaUids' | 'trainerUid' | 'bondsOf', args: readonly unknown[]) =>
    fx.ledger.client.readContract({ ...run.training, functionName, args } as never) as Promise<unknown>
  expect(await read('yumaUids', [])).toBe(BigInt(run.yuma.trainers.length))
  for (const [uid, trainer] of run.yuma.trainers.entries()) expect(await read('trainerUid', [trainer])).toEqual([true, BigInt(uid)])
  for (const v of validators) {
    const predicted = run.yuma.bonds.get(v.address) ?? []
    const bonds = await read('bondsOf', [v.address])
    expect(bonds, `bonds of ${v.address}`).toEqual(run.yuma.trainers.map((_, u) => predicted[u] ?? 0))
    if (predicted.some((b) => b > 0)) run.paths.add('bonds')
  }
}

async function playTraining(random: Prng, rule: TrainingConsensusRule, rounds: number, index: number): Promise<Run> {
  const taskId = await openTask(fx, proposer, verifiers, { label: `invariant ${SEED} ${index}` })
  const config = randomConfig(random, rule, rounds)
  const { training, receipt } = await createTraining(fx, proposer, taskId, config)
  const run: Run = { taskId, training, config, rule, yuma: EMPTY_YUMA_BOND_STATE, events: { funded: 0n, slashedIn: 0n, credited: 0n, refunded: 0n }, checks: 0, settlements: 0, paths: new Set() }
  absorb(run, receipt)
  await check(run, 'createTraining')
  for (const t of trainers) await stakeStep(run, t, 'stake', TRAINER, config.minTrainerStake + random.nextBigInt(200n * E))
  for (const v of validators) await stakeStep(run, v, 'stake', VALIDATOR, config.minValidatorStake + random.nextBigInt(1000n * E))
  for (const a of aggregators) await stakeStep(run, a, 'stake', AGGREGATOR, config.minAggregatorStake + random.nextBigInt(100n * E))

  for (let round = 1n; round <= BigInt(rounds); round++) {
    await shuffleStakes(run, random)
    let list: Submission[] = []
    if (round > 1n && random.nextFloat() < 0.5) {
      // A dispute over the model this round trains on; someone may already have submitted.
      await submitSome(run, random, round, list, 0.3)
      if (await dispute(run, random, round - 1n)) {
        await post(run, random, round - 1n, 'again')
        if (list.length > 0) run.paths.add('reopened')
        list = []
      }
    }
    await submitSome(run, random, round, list, 0.8)
    await scoreAndSettle(run, random, round, list)
    await post(run, random, round, 'first')
  }
  const last = BigInt(rounds)
  if (random.nextFloat() < 0.5 && (await dispute(run, random, last))) await post(run, random, last, 'again')
  const { postedAt } = await modelInfo(fx, training, last)
  await advancePast(fx, postedAt + config.disputePeriod)
  const held = await balanceOf(fx, training.address)
  const before = await balanceOf(fx, proposer.address)
  await step(run, random.pick(validators), 'finish', [])
  expect(await balanceOf(fx, training.address)).toBe(0n)
  expect(await balanceOf(fx, proposer.address)).toBe(before + held)
  expect(run.events.refunded).toBe(held)
  return run
}

describe('TrainingRounds money invariant', () => {
  test('seeded multi-round trainings keep the clone\'s balance equal to its books after every step, and settle as the reference says', async () => {
    const random = createPrng(SEED)
    const runs: Run[] = []
    for (const [i, t] of TRAININGS.entries()) runs.push(await playTraining(random, t.rule, t.rounds, i))
    // The run exercised what it is meant to.
    expect(runs.reduce((n, r) => n + r.settlements, 0)).toBe(TRAININGS.reduce((n, t) => n + t.rounds, 0))
    expect(runs.reduce((n, r) => n + r.checks, 0)).toBeGreaterThan(500)
    const taken = new Set(runs.flatMap((r) => [...r.paths]))
    expect(PATHS.filter((p) => !taken.has(p)), 'paths never taken').toEqual([])
    expect(runs.every((r) => r.events.slashedIn > 0n)).toBe(true)
  })
})
