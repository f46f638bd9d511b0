import { writeByName, readByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { getAddress, keccak256, parseEventLogs, stringToBytes, zeroHash } from 'viem'
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
  toUpdateReveal,
  trainingConfig,
  updateCommitment,
  updateSaltOf,
} from '../helpers/training-flow.js'
import type { Submission, Training, TrainingConfig } from '../helpers/training-flow.js'
import { settleTrainingRound } from '../../src/mechanisms/consensus/training/settle-round.js'
import type { TrainingConsensusRule } from '../../src/mechanisms/consensus/training/settle-round.js'
import { EMPTY_YUMA_BOND_STATE } from '../../src/mechanisms/consensus/training/yuma-round.js'
import type { YumaBondState } from '../../src/mechanisms/consensus/training/yuma-round.js'

/**
 * A seeded run of several multi-round trainings with random participants, stakes, scores, free
 * riders, copies, unrevealed updates, validator sets smaller than the committers (evictions),
 * silent validators, stake changed before and after each opening, disputes (with voter sets,
 * snapshots and losing voters) and reopened rounds. After every transaction the clone's token
 * balance must equal its books (funded + slashed in - credited - refunded), and the books must
 * equal the same sums read from the chain's events. The validator set and each member's weight
 * are predicted from the stakes before each opening; every settlement is predicted by the
 * TypeScript restatement of the rules (settleTrainingRound) to the wei, slashes included; under
 * Yuma the restatement carries the trainer uids and the bonds from round to round, and the bonds
 * the clone stores must equal its prediction after every round. Each training ends with
 * `finish`, after which the clone holds nothing: the slashed stake went to the treasury and the
 * rest to the proposer.
 */

const SEED = 90_210
const E = 10n ** 18n
const REASONS: Record<string, Hex> = {
  judged: keccak256(stringToBytes('TRAINING_UPDATE_REJECTED')),
  'free-riding': keccak256(stringToBytes('TRAINING_FREE_RIDING')),
  copied: keccak256(stringToBytes('TRAINING_COPIED_UPDATE')),
  'not-revealed': keccak256(stringToBytes('TRAINING_UPDATE_NOT_REVEALED')),
  silent: keccak256(stringToBytes('TRAINING_NO_REVEAL')),
  deviating: keccak256(stringToBytes('TRAINING_SCORE_DEVIATION')),
  'wrong model': keccak256(stringToBytes('TRAINING_WRONG_MODEL')),
  'failed dispute': keccak256(stringToBytes('TRAINING_FAILED_DISPUTE')),
  'lost dispute vote': keccak256(stringToBytes('TRAINING_LOST_DISPUTE_VOTE')),
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
  'accepted', 'rejected', 'free-riding', 'copied', 'not-revealed', 'silent', 'deviating', 'no consensus', 'nothing accepted',
  'nothing to score', 'not staked', 'stake added after the opening', 'evicted', 'evicted cannot reveal', 'set full',
  'unbonding slashed', 'stake changed before settlement', 'dispute wrong', 'dispute right', 'lost dispute vote',
  'voter evicted', 'voter set full', 'vote weighs the snapshot', 'reopened', 'bonds', 'to the treasury',
  'yuma accepted', 'yuma rejected', 'yuma deviating', 'yuma absent trainer', 'yuma silent validator keeps bonds',
  'yuma uid recycled',
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
  /** Each validator's active stake just before the current round's latest opening. */
  snapshot: Map<Address, bigint>
  events: Books
  checks: number
  settlements: number
  paths: Set<Path>
}

/** An update commitment of the current opening, and what its trainer will reveal. */
type Entry = { key: PrivateKeyAccount; trainer: Address; digest: Hex; examples: number; salt: Hex; reveals: boolean; revealed: boolean }

/** A member of a bounded set (the round's validators or a dispute's voters), as `_admit` ranks it. */
type Member = { owner: Address; rank: bigint }

async function position(taskId: bigint, role: Hex, owner: Address): Promise<bigint> {
  const p = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [taskId, role, owner] })
  return p.active + p.unbonding
}

function activeStake(taskId: bigint, role: Hex, owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [taskId, role, owner] })
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)

/** Every validator's active stake now (read just before a transaction that takes a snapshot). */
async function validatorStakes(taskId: bigint): Promise<Map<Address, bigint>> {
  return new Map(await Promise.all(validators.map(async (v): Promise<[Address, bigint]> => [v.address, await activeStake(taskId, VALIDATOR, v.address)])))
}

/**
 * Where `_admit` puts a newcomer of `weight` (the `seq`-th admitted) into a set of `capacity`:
 * appended while there is room, else in place of the lowest rank if it ranks higher; 'full'
 * otherwise, with the lowest member's weight. Ranks order by weight, then by arrival.
 */
function admit(set: Member[], capacity: number, owner: Address, weight: bigint, seq: number): { slot: number; evicted?: Address } | { full: bigint } {
  const cap88 = (1n << 88n) - 1n
  const rank = (min(weight, cap88) << 8n) | BigInt(255 - Math.min(seq, 255))
  if (set.length < capacity) {
    set.push({ owner, rank })
    return { slot: set.length - 1 }
  }
  let slot = 0
  set.forEach((m, i) => {
    if (m.rank < set[slot]!.rank) slot = i
  })
  const least = set[slot]!
  if (rank <= least.rank) return { full: least.rank >> 8n }
  set[slot] = { owner, rank }
  return { slot, evicted: least.owner }
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
    if (e.eventName === 'TrainingFinished') run.events.refunded += e.args.refund + e.args.toTreasury
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
  const receipt = await writeByName(fx.ledger, who, run.training, functionName, args)
  absorb(run, receipt)
  await check(run, `${functionName} ${JSON.stringify(args, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`)
  return receipt
}

/** A step expected to revert with `errorName` (nothing moves; the invariant is checked again). */
async function refused(run: Run, who: PrivateKeyAccount, functionName: string, args: readonly unknown[], errorName: string): Promise<void> {
  expect(revertName(await step(run, who, functionName, args).catch((e: unknown) => e)), `${functionName} by ${who.address}`).toBe(errorName)
  await check(run, `${functionName} refused`)
}

/** A staking transaction (moves no clone money, but the invariant still holds). */
async function stakeStep(run: Run, who: PrivateKeyAccount, functionName: 'stake' | 'requestUnstake', role: Hex, amount: bigint): Promise<void> {
  await writeContract(fx.ledger, who, { ...fx.stakeManager, functionName, args: [run.taskId, role, amount] })
  await check(run, `${functionName} ${who.address}`)
}

function randomConfig(random: Prng, rule: TrainingConsensusRule, rounds: number): TrainingConfig {
  return trainingConfig({
    rounds,
    trainPeriod: 7200n,
    updateRevealPeriod: 1800n,
    scorePeriod: 3600n,
    revealPeriod: 1800n,
    settlePeriod: 3600n,
    disputePeriod: 1800n,
    emissionPerRound: BigInt(1 + random.nextInt(1500)) * E + random.nextBigInt(E),
    trainerShareBps: random.pick([0, 5000, 7000, 9999, 10_000]),
    acceptFloorBps: random.pick([0, 3000, 5000]),
    acceptRelativeBps: random.pick([0, 8000, 9500]),
    deviationBoundBps: random.pick([500, 2000, 3000, 10_000]),
    slashTrainerBps: random.nextInt(3001),
    slashValidatorBps: random.nextInt(3001),
    slashAggregatorBps: random.nextInt(5001),
    // Under Yuma often fewer uid slots than the six trainers: newcomers take recycled uids.
    maxUpdates: rule === 'yuma' ? 4 : 6,
    // Smaller than the five validators, often: commits and dispute votes evict.
    maxValidators: random.pick([2, 3, 4, 16]),
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

/** The trainers, or validators, in a random order. */
function shuffled<T>(random: Prng, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Commits an update for each trainer with probability `p`: free riders, copies and updates that will stay unrevealed included. */
async function submitSome(run: Run, random: Prng, round: bigint, list: Entry[], p: number): Promise<void> {
  const { modelDigest, attempt } = await roundInfo(fx, run.training, round)
  for (const [i, t] of trainers.entries()) {
    if (list.some((s) => s.trainer === t.address) || random.nextFloat() >= p) continue
    const roll = random.nextFloat()
    const digest = roll < 0.12 ? modelDigest : roll < 0.24 && list.length > 0 ? random.pick(list).digest : digestOf(`${run.taskId} ${round} ${attempt} ${i}`)
    const examples = 1 + random.nextInt(1000)
    const salt = updateSaltOf(round, t.address)
    const args = [round, updateCommitment(run.training.address, round, attempt, t.address, digest, 0, examples, salt)]
    const stake = await activeStake(run.taskId, TRAINER, t.address)
    if (stake === 0n || stake < run.config.minTrainerStake) {
      await refused(run, t, 'commitUpdate', args, 'NotStaked')
      run.paths.add('not staked')
      continue
    }
    if (list.length >= run.config.maxUpdates) {
      await refused(run, t, 'commitUpdate', args, 'RoundFull')
      continue
    }
    await step(run, t, 'commitUpdate', args)
    list.push({ key: t, trainer: t.address, digest, examples, salt, reveals: random.nextFloat() >= 0.1, revealed: false })
  }
}

/**
 * Ends the training phase; the trainers that mean to reveal do (in a random order), each taking
 * a Yuma uid at its first reveal. Now and then nobody reveals.
 */
async function revealSome(run: Run, random: Prng, round: bigint, list: Entry[]): Promise<void> {
  await toUpdateReveal(fx, run.training, round)
  const hidden = random.nextFloat() < 0.08
  for (const u of shuffled(random, list)) {
    if (!u.reveals || hidden) continue
    await step(run, u.key, 'revealUpdate', [round, u.digest, 0, u.examples, u.salt])
    u.revealed = true
  }
}

/** Unstaking and top-ups, keeping or breaking the minimums at random. */
async function shuffleStakes(run: Run, random: Prng): Promise<void> {
  for (const [role, group, minimum] of [[VALIDATOR, validators, run.config.minValidatorStake], [TRAINER, trainers, run.config.minTrainerStake]] as const) {
    if (random.nextFloat() < 0.5) continue
    const who = random.pick(group)
    const active = await activeStake(run.taskId, role, who.address)
    if (random.nextFloat() < 0.5 && active > minimum) await stakeStep(run, who, 'requestUnstake', role, 1n + random.nextBigInt(active - minimum))
    else await stakeStep(run, who, 'stake', role, 1n + random.nextBigInt(200n * E))
  }
}

/**
 * Posts the model of `round` from an aggregator holding enough stake (topping one up if
 * needed); a post that opens a round fixes the validators' stakes it weighs them by.
 */
async function post(run: Run, random: Prng, round: bigint, label: string): Promise<PrivateKeyAccount> {
  const aggregator = random.pick(aggregators)
  const stake = await activeStake(run.taskId, AGGREGATOR, aggregator.address)
  if (stake < run.config.minAggregatorStake) await stakeStep(run, aggregator, 'stake', AGGREGATOR, run.config.minAggregatorStake)
  const before = await validatorStakes(run.taskId)
  await step(run, aggregator, 'postModel', [round, digestOf(`${run.taskId} model ${round} ${label}`), 0])
  if (round < BigInt(run.config.rounds)) run.snapshot = before
  return aggregator
}

/**
 * Disputes the model of `round`; other validators vote at random, some after changing their
 * stake. Predicts every vote's weight (the stake before the dispute, no more than now), the
 * voter set and its tallies, the outcome and every slash; returns whether the model was found wrong.
 */
async function dispute(run: Run, random: Prng, round: bigint): Promise<boolean> {
  const model = await modelInfo(fx, run.training, round)
  const floor = run.config.minValidatorStake
  const before = await validatorStakes(run.taskId)
  const eligible = validators.filter((v) => before.get(v.address)! > 0n && before.get(v.address)! >= floor)
  if (eligible.length === 0) return false
  const disputer = random.pick(eligible)
  const cap = run.config.maxValidators
  const voters: Member[] = []
  const sides = new Map<Address, { wrong: boolean; weight: bigint }>()
  let seq = 0
  admit(voters, cap, disputer.address, before.get(disputer.address)!, seq++)
  sides.set(disputer.address, { wrong: true, weight: before.get(disputer.address)! })
  await step(run, disputer, 'disputeModel', [round])
  for (const v of shuffled(random, validators)) {
    if (v === disputer || random.nextFloat() < 0.3) continue
    // Stake changed after the dispute: a top-up buys nothing, unstaking lowers the weight.
    const active = await activeStake(run.taskId, VALIDATOR, v.address)
    if (random.nextFloat() < 0.25) {
      if (random.nextFloat() < 0.5 || active === 0n) await stakeStep(run, v, 'stake', VALIDATOR, 1n + random.nextBigInt(500n * E))
      else await stakeStep(run, v, 'requestUnstake', VALIDATOR, 1n + random.nextBigInt(active))
    }
    const weight = min(before.get(v.address)!, await activeStake(run.taskId, VALIDATOR, v.address))
    if (weight !== await activeStake(run.taskId, VALIDATOR, v.address)) run.paths.add('vote weighs the snapshot')
    const wrong = random.nextFloat() < 0.5
    if (weight === 0n || weight < floor) {
      await refused(run, v, 'voteDispute', [round, wrong], 'NotStaked')
      continue
    }
    const placed = admit(voters, cap, v.address, weight, seq)
    if ('full' in placed) {
      await refused(run, v, 'voteDispute', [round, wrong], 'ValidatorSetFull')
      run.paths.add('voter set full')
      continue
    }
    seq++
    const receipt = await step(run, v, 'voteDispute', [round, wrong])
    const events = parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs }).map((e) => [e.eventName, e.args])
    expect(events).toEqual([
      ...(placed.evicted === undefined ? [] : [['DisputeVoterEvicted', { round, validator: placed.evicted, by: v.address }]]),
      ['DisputeVoted', { round, validator: v.address, modelIsWrong: wrong, stake: weight }],
    ])
    if (placed.evicted !== undefined) run.paths.add('voter evicted')
    sides.set(v.address, { wrong, weight })
  }
  const tally = (wrong: boolean) => voters.reduce((sum, m) => (sides.get(m.owner)!.wrong === wrong ? sum + sides.get(m.owner)!.weight : sum), 0n)
  const [forWrong, forRight] = [tally(true), tally(false)]
  expect(await modelInfo(fx, run.training, round)).toMatchObject({ stakeForWrong: forWrong, stakeForRight: forRight })
  await advancePast(fx, (await modelInfo(fx, run.training, round)).voteDeadline)
  const wrong = forWrong > forRight
  const [paying, role, bps, beneficiary, reason] = wrong
    ? [model.aggregator, AGGREGATOR, run.config.slashAggregatorBps, disputer.address, REASONS['wrong model']!] as const
    : [disputer.address, VALIDATOR, run.config.slashValidatorBps, model.aggregator, REASONS['failed dispute']!] as const
  const expected: [Address, bigint, Address, Hex][] = []
  const payerSlash = ((await position(run.taskId, role, paying)) * BigInt(bps)) / 10_000n
  if (payerSlash > 0n) expected.push([paying, payerSlash, beneficiary, reason])
  // The other voters of the set on the losing side pay slashValidatorBps to the training, by slot.
  for (const m of voters) {
    if (m.owner === disputer.address || sides.get(m.owner)!.wrong === wrong) continue
    const amount = ((await position(run.taskId, VALIDATOR, m.owner)) * BigInt(run.config.slashValidatorBps)) / 10_000n
    if (amount > 0n) expected.push([m.owner, amount, getAddress(run.training.address), REASONS['lost dispute vote']!])
    run.paths.add('lost dispute vote')
  }
  const receipt = await step(run, random.pick(trainers), 'resolveDispute', [round])
  const resolved = parseEventLogs({ abi: trainingRoundsAbi, eventName: 'DisputeResolved', logs: receipt.logs })[0]
  expect(resolved?.args).toEqual({ round, modelWasWrong: wrong, stakeForWrong: forWrong, stakeForRight: forRight })
  const slashed = parseEventLogs({ abi: fx.stakeManager.abi, eventName: 'Slashed', logs: receipt.logs }).map((e) => [e.args.owner, e.args.amount, getAddress(e.args.beneficiary), e.args.reason])
  expect(slashed).toEqual(expected)
  run.paths.add(wrong ? 'dispute wrong' : 'dispute right')
  return wrong
}

/** A validator of the round's set: its weight when it committed, its scores, and whether it will reveal. */
type Seat = { key: PrivateKeyAccount; owner: Address; weight: bigint; scores: number[]; reveal: boolean }

/**
 * Validators commit in a random order (some refused: not staked as of the opening, or the set
 * full), members reveal (or not), stakes move, the round settles; everything is checked
 * against the predicted set and the reference.
 */
async function scoreAndSettle(run: Run, random: Prng, round: bigint, list: Entry[]): Promise<void> {
  await revealSome(run, random, round, list)
  const quality = list.map(() => 3000 + random.nextInt(6501))
  const silentRound = random.nextFloat() < 0.12 // nobody reveals
  const set: Member[] = []
  const seats = new Map<Address, Seat>()
  const evicted: Seat[] = []
  let seq = 0
  await toScoring(fx, run.training, round)
  const { attempt } = await roundInfo(fx, run.training, round)
  const anyRevealed = list.some((u) => u.revealed)
  if (list.length > 0) {
    for (const v of shuffled(random, validators)) {
      if (random.nextFloat() < 0.15) continue
      const scores = scoresOf(random, quality)
      const args = [round, scoreCommitment(run.training.address, round, attempt, v.address, scores, saltOf(round, v.address))]
      if (!anyRevealed) {
        await refused(run, v, 'commitScores', args, 'NothingToScore')
        run.paths.add('nothing to score')
        break
      }
      const active = await activeStake(run.taskId, VALIDATOR, v.address)
      const weight = min(run.snapshot.get(v.address)!, active)
      if (weight === 0n || weight < run.config.minValidatorStake) {
        await refused(run, v, 'commitScores', args, 'NotStaked')
        run.paths.add(active >= run.config.minValidatorStake ? 'stake added after the opening' : 'not staked')
        continue
      }
      const placed = admit(set, run.config.maxValidators, v.address, weight, seq)
      if ('full' in placed) {
        await refused(run, v, 'commitScores', args, 'ValidatorSetFull')
        run.paths.add('set full')
        continue
      }
      seq++
      const receipt = await step(run, v, 'commitScores', args)
      const events = parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs }).map((e) => [e.eventName, e.args])
      expect(events).toEqual([
        ...(placed.evicted === undefined ? [] : [['ValidatorEvicted', { round, validator: placed.evicted, by: v.address }]]),
        ['ScoresCommitted', { round, validator: v.address, slot: BigInt(placed.slot), weight }],
      ])
      if (placed.evicted !== undefined) {
        evicted.push(seats.get(placed.evicted)!)
        seats.delete(placed.evicted)
        run.paths.add('evicted')
      }
      seats.set(v.address, { key: v, owner: v.address, weight, scores, reveal: !silentRound && random.nextFloat() >= 0.15 })
    }
  }
  const members = set.map((m) => seats.get(m.owner)!)
  expect(await fx.ledger.client.readContract({ ...run.training, functionName: 'committers', args: [round] })).toEqual(members.map((m) => m.owner))
  await toReveal(fx, run.training, round)
  for (const m of members) {
    if (m.reveal) await step(run, m.key, 'revealScores', [round, m.scores, saltOf(round, m.owner)])
  }
  for (const e of evicted) {
    if (random.nextFloat() < 0.5 || seats.has(e.owner)) continue
    await refused(run, e.key, 'revealScores', [round, e.scores, saltOf(round, e.owner)], 'NoCommitment')
    run.paths.add('evicted cannot reveal')
  }
  // Stake added after the reveals must not count; stake being withdrawn must not either.
  if (members.length > 0 && random.nextFloat() < 0.5) {
    const m = random.pick(members)
    const active = await activeStake(run.taskId, VALIDATOR, m.owner)
    if (random.nextFloat() < 0.5 || active === 0n) await stakeStep(run, m.key, 'stake', VALIDATOR, 1n + random.nextBigInt(2000n * E))
    else await stakeStep(run, m.key, 'requestUnstake', VALIDATOR, 1n + random.nextBigInt(active))
    run.paths.add('stake changed before settlement')
  }
  await toSettlement(fx, run.training, round)

  const submissions: Submission[] = list.map((u) => ({ trainer: u.trainer, revealed: u.revealed, digest: u.revealed ? u.digest : zeroHash, codec: 0, examples: u.revealed ? u.examples : 0 }))
  expect(await readSubmissions(fx, run.training, round)).toEqual(submissions)
  const now = await Promise.all(members.map((m) => activeStake(run.taskId, VALIDATOR, m.owner)))
  const trainerPositions = await Promise.all(list.map((u) => position(run.taskId, TRAINER, u.trainer)))
  const validatorPositions = await Promise.all(members.map((m) => position(run.taskId, VALIDATOR, m.owner)))
  const expected = settleTrainingRound({
    rule: run.rule,
    acceptFloorBps: run.config.acceptFloorBps,
    acceptRelativeBps: run.config.acceptRelativeBps,
    deviationBoundBps: run.config.deviationBoundBps,
    trainerShareBps: run.config.trainerShareBps,
    emission: run.config.emissionPerRound,
    modelDigest: (await roundInfo(fx, run.training, round)).modelDigest,
    submissions: list.map((u) => ({ trainer: u.trainer, digest: u.revealed ? u.digest : undefined })),
    validators: members.map((m, i) => ({ owner: m.owner, stake: min(m.weight, now[i]!), ...(m.reveal ? { scores: m.scores } : {}) })),
  }, { yuma: run.yuma, round: Number(round), uidSlots: run.config.maxUpdates })
  if (run.rule === 'yuma') yumaPaths(run, list, members, expected)
  if (run.yuma.trainers.some((t, u) => expected.yuma.trainers[u] !== t)) run.paths.add('yuma uid recycled')
  run.yuma = expected.yuma

  const receipt = await step(run, random.pick([proposer, ...trainers]), 'settle', [round])
  run.settlements++
  const events = parseEventLogs({ abi: trainingRoundsAbi, logs: receipt.logs })
  const updates = events.flatMap((e) => (e.eventName === 'UpdateJudged' ? [[e.args.index, e.args.trainer, e.args.accepted, e.args.consensusScore, e.args.reward]] : []))
  expect(updates).toEqual(expected.updates.map((u, j) => [BigInt(j), list[j]!.trainer, u.accepted, u.consensusScore, u.reward]))
  const judged = events.flatMap((e) => (e.eventName === 'ValidatorJudged' ? [[e.args.validator, e.args.revealed, e.args.deviationBps, e.args.reward, e.args.slashed]] : []))
  expect(judged).toEqual(expected.validators.map((v, i) => [members[i]!.owner, v.revealed, v.deviationBps, v.reward, v.slashed]))
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
      return v.slashed && amount > 0n ? [[members[i]!.owner, amount, v.revealed ? REASONS.deviating! : REASONS.silent!]] : []
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
    const role = list.some((u) => u.trainer === owner) ? TRAINER : VALIDATOR
    return (await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [run.taskId, role, owner as Address] })).unbonding
  }))
  if (unbonding.some((u) => u > 0n)) run.paths.add('unbonding slashed')
  if (run.rule === 'yuma') await checkBonds(run)
}

/** Notes the Yuma situations a round exercised. */
function yumaPaths(run: Run, list: readonly Entry[], members: readonly Seat[], expected: ReturnType<typeof settleTrainingRound>): void {
  if (!expected.validators.some((v) => v.revealed)) return
  if (expected.updates.some((u) => u.fate === 'judged' && u.accepted)) run.paths.add('yuma accepted')
  if (expected.updates.some((u) => u.fate === 'judged' && !u.accepted)) run.paths.add('yuma rejected')
  if (expected.validators.some((v) => v.revealed && v.slashed)) run.paths.add('yuma deviating')
  const present = new Set(list.map((u) => u.trainer))
  const absent = run.yuma.trainers.flatMap((t, u) => (present.has(t as Address) ? [] : [u]))
  if (absent.some((u) => [...run.yuma.bonds.values()].some((row) => (row[u] ?? 0) > 0))) run.paths.add('yuma absent trainer')
  for (const m of members) {
    const before = run.yuma.bonds.get(m.owner)
    if (!m.reveal && before !== undefined && before.some((b) => b > 0)) {
      expect(expected.yuma.bonds.get(m.owner)).toEqual(before)
      run.paths.add('yuma silent validator keeps bonds')
    }
  }
}

/** The clone's trainer uids and stored bonds are what the restatement predicts. */
async function checkBonds(run: Run): Promise<void> {
  const read = (functionName: 'yumaUids' | 'trainerUid' | 'uidInfo' | 'bondsOf', args: readonly unknown[]) =>
    readByName<unknown>(fx.ledger, run.training, functionName, args)
  expect(await read('yumaUids', [])).toBe(BigInt(run.yuma.trainers.length))
  for (const [uid, trainer] of run.yuma.trainers.entries()) {
    expect(await read('trainerUid', [trainer])).toEqual([true, BigInt(uid)])
    expect(await read('uidInfo', [BigInt(uid)]), `uid ${uid}`).toEqual([trainer, BigInt(run.yuma.registeredRound[uid]!), run.yuma.score[uid]])
  }
  // A trainer whose uid was recycled holds none.
  for (const t of trainers) {
    if (!run.yuma.trainers.includes(t.address)) expect(((await read('trainerUid', [t.address])) as [boolean, bigint])[0], `uid of ${t.address}`).toBe(false)
  }
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
  // Everyone stakes before the training (and so round 1) starts.
  const stakeIn = (who: PrivateKeyAccount, role: Hex, amount: bigint) => writeContract(fx.ledger, who, { ...fx.stakeManager, functionName: 'stake', args: [taskId, role, amount] })
  for (const t of trainers) await stakeIn(t, TRAINER, config.minTrainerStake + random.nextBigInt(200n * E))
  for (const v of validators) await stakeIn(v, VALIDATOR, config.minValidatorStake + random.nextBigInt(1000n * E))
  for (const a of aggregators) await stakeIn(a, AGGREGATOR, config.minAggregatorStake + random.nextBigInt(100n * E))
  const snapshot = await validatorStakes(taskId)
  const { training, receipt } = await createTraining(fx, proposer, taskId, config)
  const run: Run = { taskId, training, config, rule, yuma: EMPTY_YUMA_BOND_STATE, snapshot, events: { funded: 0n, slashedIn: 0n, credited: 0n, refunded: 0n }, checks: 0, settlements: 0, paths: new Set() }
  absorb(run, receipt)
  await check(run, 'createTraining')

  for (let round = 1n; round <= BigInt(rounds); round++) {
    // Stake moved after the round opened: added stake does not count in it, removed stake does.
    await shuffleStakes(run, random)
    const under = validators.filter((v) => run.snapshot.get(v.address)! < run.config.minValidatorStake)
    if (under.length > 0 && random.nextFloat() < 0.5) await stakeStep(run, random.pick(under), 'stake', VALIDATOR, run.config.minValidatorStake)
    let list: Entry[] = []
    if (round > 1n && random.nextFloat() < 0.5) {
      // A dispute over the model this round trains on; someone may already have committed.
      await submitSome(run, random, round, list, 0.3)
      if (await dispute(run, random, round - 1n)) {
        await post(run, random, round - 1n, 'again')
        if (list.length > 0) run.paths.add('reopened')
        list = []
      }
    }
    await submitSome(run, random, round, list, 0.8)
    await scoreAndSettle(run, random, round, list)
    // Stake moved before the post that opens the next round counts in it.
    await shuffleStakes(run, random)
    await post(run, random, round, 'first')
  }
  const last = BigInt(rounds)
  if (random.nextFloat() < 0.5 && (await dispute(run, random, last))) await post(run, random, last, 'again')
  const { postedAt } = await modelInfo(fx, training, last)
  await advancePast(fx, postedAt + config.disputePeriod)
  const held = await balanceOf(fx, training.address)
  const treasury = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'treasury' })
  const [proposerBefore, treasuryBefore] = [await balanceOf(fx, proposer.address), await balanceOf(fx, treasury)]
  const finished = await step(run, random.pick(validators), 'finish', [])
  // The slashed stake goes to the treasury, the rest to the proposer.
  const toTreasury = run.events.slashedIn
  expect(parseEventLogs({ abi: trainingRoundsAbi, eventName: 'TrainingFinished', logs: finished.logs })[0]?.args).toEqual({ refund: held - toTreasury, toTreasury })
  expect(await balanceOf(fx, training.address)).toBe(0n)
  expect(await balanceOf(fx, proposer.address)).toBe(proposerBefore + held - toTreasury)
  expect(await balanceOf(fx, treasury)).toBe(treasuryBefore + toTreasury)
  expect(run.events.refunded).toBe(held)
  if (toTreasury > 0n) run.paths.add('to the treasury')
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
