/**
 * Gas of federated training on the embedded chain: what a trainer pays per round (commitUpdate +
 * revealUpdate), what a validator pays per round (commitScores + revealScores), settlement and
 * postModel, over several rounds of one task; and settlement alone at larger sizes.
 *
 * Run it with `npx tsx bench/gas-training.ts` (add `--large` for the largest settlements).
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encodeAbiParameters, keccak256, maxUint256, parseEther, parseEventLogs, toHex } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { drawCommittee } from '../src/ledger/actions/tasks/draw-committee.js'
import { proposeTask } from '../src/ledger/actions/tasks/propose-task.js'
import { stake } from '../src/ledger/actions/staking/stake.js'
import { commitTaskVote } from '../src/ledger/actions/tasks/commit-task-vote.js'
import { finalizeTask } from '../src/ledger/actions/tasks/finalize-task.js'
import { revealTaskVote } from '../src/ledger/actions/tasks/reveal-task-vote.js'
import { scoresCommitment } from '../src/ledger/internal/training-secrets.js'
import { trainingRoundsAbi } from '../src/ledger/contracts/generated/TrainingRounds.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { createGasMeter } from '../src/ledger/gas-meter.js'
import type { GasMeter } from '../src/ledger/gas-meter.js'
import type { Ledger } from '../src/ledger/ledger.js'
import { connectProtocol } from '../src/ledger/protocol.js'
import type { Protocol } from '../src/ledger/protocol.js'
import { largestValidatorSet } from '../src/ledger/training-config.js'
import { writeContract } from '../src/ledger/write-contract.js'
import { formatGasTable } from './gas-tasks.js'
import type { GasRow } from './gas-tasks.js'

export type ConsensusName = 'flock' | 'median-score' | 'yuma'

export type BenchTrainingGasInit = {
  /** Trainers, each submitting one update per round. @default 10 */
  updates?: number
  /** Validators, each scoring every update every round. @default 3 */
  validators?: number
  /** @default 3 */
  rounds?: number
  /** @default 'flock' */
  consensus?: ConsensusName
}

const COMMITTEE = 3
const PERIOD = 3600n
const CONSENSUS_ID: Record<ConsensusName, number> = { flock: 0, 'median-score': 1, yuma: 2 }

/** One training, everyone staked, ready for round 1. */
type Bench = {
  ledger: Ledger
  protocol: Protocol
  meter: GasMeter
  proposer: PrivateKeyAccount
  trainers: readonly PrivateKeyAccount[]
  validators: readonly PrivateKeyAccount[]
  aggregator: PrivateKeyAccount
  training: { address: Address; abi: typeof trainingRoundsAbi }
}

async function setUp(updates: number, validatorCount: number, consensus: ConsensusName, maxUpdates: number, rounds: number): Promise<Bench> {
  const ledger = await createEmbeddedLedger({ accounts: 2 + COMMITTEE + updates + validatorCount + 1 })
  const deployment = await deployProtocol(ledger, { fund: ledger.accounts.map((a) => a.address), params: { tasks: { committeeSize: COMMITTEE } } })
  const protocol = await connectProtocol(ledger, deployment)
  const meter = createGasMeter()
  const [, proposer, ...rest] = ledger.accounts
  if (proposer === undefined) throw new RangeError('no proposer account')
  const verifiers = rest.slice(0, COMMITTEE)
  const trainers = rest.slice(COMMITTEE, COMMITTEE + updates)
  const validators = rest.slice(COMMITTEE + updates, COMMITTEE + updates + validatorCount)
  const aggregator = rest[COMMITTEE + updates + validatorCount]
  if (aggregator === undefined) throw new RangeError('no aggregator account')

  for (const v of verifiers) await stake(protocol, v, { role: 'verifier', amount: parseEther('1000') })
  const { taskId } = await proposeTask(protocol, proposer, { specCid: 'bafkreibenchtraining', budget: parseEther('100000') })
  await drawCommittee(protocol, proposer, taskId)
  const rules = await ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'params' })
  const vote = { taskId, approve: true, reasonsCid: 'bafkreibenchreasons' }
  for (const v of verifiers) await commitTaskVote(protocol, v, vote)
  await ledger.clock.advance(rules.commitPeriod + 1n)
  for (const v of verifiers) await revealTaskVote(protocol, v, vote)
  await ledger.clock.advance(rules.revealPeriod + 1n)
  await finalizeTask(protocol, proposer, taskId)

  // Everyone stakes before the training starts: validators weigh their stake as of the block
  // before a round opens.
  for (const t of trainers) await stake(protocol, t, { role: 'trainer', taskId, amount: parseEther('100') })
  // Unequal stakes: 100, 200, 300, ... so weights matter.
  for (const [i, v] of validators.entries()) await stake(protocol, v, { role: 'validator', taskId, amount: parseEther('100') * BigInt(i + 1) })
  await stake(protocol, aggregator, { role: 'aggregator', taskId, amount: parseEther('100') })
  for (const a of [...trainers, ...validators]) {
    await writeContract(ledger, a, { ...protocol.token, functionName: 'approve', args: [protocol.stakeManager.address, maxUint256] })
  }

  const maxValidators = largestValidatorSet(maxUpdates, CONSENSUS_ID[consensus])
  if (maxValidators < validatorCount) throw new RangeError(`${validatorCount} validators exceed the set that ${maxUpdates} updates allow (${maxValidators})`)
  const config = {
    rounds,
    trainPeriod: PERIOD + BigInt(updates),
    updateRevealPeriod: PERIOD + BigInt(updates),
    scorePeriod: PERIOD + BigInt(validatorCount),
    revealPeriod: PERIOD + BigInt(validatorCount),
    settlePeriod: PERIOD,
    disputePeriod: 600n,
    emissionPerRound: parseEther('10'),
    trainerShareBps: 7000,
    acceptFloorBps: 5000,
    acceptRelativeBps: 9000,
    deviationBoundBps: 3000,
    slashTrainerBps: 1000,
    slashValidatorBps: 2000,
    slashAggregatorBps: 5000,
    maxUpdates,
    maxValidators,
    consensus: CONSENSUS_ID[consensus],
    aggregation: 0,
    aggregationParam: 0,
    minTrainerStake: parseEther('10'),
    minValidatorStake: parseEther('100'),
    minAggregatorStake: parseEther('100'),
  }
  const created = await writeContract(ledger, proposer, {
    ...protocol.trainingFactory,
    functionName: 'createTraining',
    args: [taskId, config, digestOf('initial'), 0],
  }, { gasMeter: meter })
  const [event] = parseEventLogs({ abi: protocol.trainingFactory.abi, eventName: 'TrainingCreated', logs: created.logs })
  if (event === undefined) throw new Error('createTraining emitted no TrainingCreated')
  const training = { address: event.args.training, abi: trainingRoundsAbi }
  return { ledger, protocol, meter, proposer, trainers, validators, aggregator, training }
}

function digestOf(label: string): Hex {
  return keccak256(toHex(`bench digest ${label}`))
}

async function passDeadline(ledger: Ledger, deadline: bigint): Promise<void> {
  const now = await ledger.clock.now()
  if (now <= deadline) await ledger.clock.advance(deadline - now + 1n)
}

/** Scores of validator `v` in round `round`: `scoreOf` decides each update's score. */
type ScoreOf = (validator: number, update: number) => number

/** keccak256(abi.encode(training, round, attempt, trainer, digest, codec, examples, salt)), as `commitUpdate` takes it. */
function updateCommitment(training: Address, round: bigint, attempt: number, trainer: Address, digest: Hex, examples: number, salt: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'bytes32' }, { type: 'uint8' }, { type: 'uint32' }, { type: 'bytes32' }],
    [training, round, attempt, trainer, digest, 0, examples, salt],
  ))
}

/**
 * Plays one round: trainers commit then reveal, validators commit then reveal, settle (labels
 * end in `suffix`). With no `scoreOf` nobody commits anything and the round only settles.
 */
async function playRound(b: Bench, round: bigint, scoreOf: ScoreOf | undefined, suffix: string): Promise<void> {
  const { ledger, training, meter } = b
  const info = await ledger.client.readContract({ ...training, functionName: 'roundInfo', args: [round] })
  if (scoreOf === undefined) {
    await passDeadline(ledger, info.revealDeadline)
    await writeContract(ledger, b.proposer, { ...training, functionName: 'settle', args: [round] }, { gasMeter: meter, label: `settle${suffix}` })
    return
  }
  const updates = b.trainers.map((t, i) => ({ t, digest: digestOf(`${round} ${i}`), salt: keccak256(toHex(`update salt ${round} ${i}`)) }))
  for (const u of updates) {
    const commitment = updateCommitment(training.address, round, info.attempt, u.t.address, u.digest, 100, u.salt)
    await writeContract(ledger, u.t, { ...training, functionName: 'commitUpdate', args: [round, commitment] }, { gasMeter: meter, label: `commitUpdate${suffix}` })
  }
  await passDeadline(ledger, info.trainDeadline)
  for (const u of updates) {
    await writeContract(ledger, u.t, { ...training, functionName: 'revealUpdate', args: [round, u.digest, 0, 100, u.salt] }, { gasMeter: meter, label: `revealUpdate${suffix}` })
  }
  await passDeadline(ledger, info.updateRevealDeadline)
  const plans = b.validators.map((v, vi) => {
    const scores = b.trainers.map((_, j) => scoreOf(vi, j))
    const salt = keccak256(toHex(`salt ${round} ${vi}`))
    return { v, scores, salt, commitment: scoresCommitment(training.address, round, info.attempt, v.address, scores, salt) }
  })
  for (const p of plans) await writeContract(ledger, p.v, { ...training, functionName: 'commitScores', args: [round, p.commitment] }, { gasMeter: meter, label: `commitScores${suffix}` })
  await passDeadline(ledger, info.scoreDeadline)
  for (const p of plans) await writeContract(ledger, p.v, { ...training, functionName: 'revealScores', args: [round, p.scores, p.salt] }, { gasMeter: meter, label: `revealScores${suffix}` })
  await passDeadline(ledger, info.revealDeadline)
  await writeContract(ledger, b.proposer, { ...training, functionName: 'settle', args: [round] }, { gasMeter: meter, label: `settle${suffix}` })
}

/** Honest validators that agree: every update scores 8000 plus a little, the last one is bad. */
function honestScores(updates: number): ScoreOf {
  return (validator, update) => (update === updates - 1 && updates > 1 ? 2000 : 8000 + ((validator * 7 + update * 13) % 500))
}

/**
 * Plays `rounds` rounds of one task and reports the gas of each kind of transaction, with
 * round 1 (first writes to fresh storage) apart from the later rounds.
 *
 * @returns one row per operation.
 * @example
 * ```ts
 * import { benchTrainingGas } from './bench/gas-training.js'
 * import { formatGasTable } from './bench/gas-tasks.js'
 * console.log(formatGasTable(await benchTrainingGas()))
 * ```
 */
export async function benchTrainingGas(init: BenchTrainingGasInit = {}): Promise<GasRow[]> {
  const updates = init.updates ?? 10
  const validatorCount = init.validators ?? 3
  const rounds = init.rounds ?? 3
  if (rounds < 2) throw new RangeError('need at least 2 rounds to measure later rounds')
  // One round more than played, so that every postModel measured opens a round.
  const b = await setUp(updates, validatorCount, init.consensus ?? 'flock', Math.max(updates, 1), rounds + 1)
  const scoreOf = honestScores(updates)
  for (let round = 1n; round <= BigInt(rounds); round++) {
    const suffix = round === 1n ? ' (round 1)' : ' (later rounds)'
    await playRound(b, round, scoreOf, suffix)
    await writeContract(b.ledger, b.aggregator, { ...b.training, functionName: 'postModel', args: [round, digestOf(`model ${round}`), 0] }, { gasMeter: b.meter, label: 'postModel' })
  }
  await b.ledger.close()

  const gas = (label: string) => b.meter.records.filter((r) => r.label === label).map((r) => r.gasUsed)
  /** Each participant's commit plus its reveal (both are sent in the same order). */
  const paired = (commit: string, reveal: string) => {
    const reveals = gas(reveal)
    return gas(commit).map((c, i) => c + (reveals[i] ?? 0n))
  }
  const perTrainer = (suffix: string) => paired(`commitUpdate${suffix}`, `revealUpdate${suffix}`)
  const perValidator = (suffix: string) => paired(`commitScores${suffix}`, `revealScores${suffix}`)
  const size = `${updates} updates x ${validatorCount} validators`
  const rows: GasRow[] = [
    summarise('createTraining', gas('createTraining')),
    summarise('trainer per round: commit + reveal (round 1)', perTrainer(' (round 1)')),
    summarise('trainer per round: commit + reveal (later rounds)', perTrainer(' (later rounds)')),
    summarise('commitUpdate (later rounds)', gas('commitUpdate (later rounds)')),
    summarise('revealUpdate (later rounds)', gas('revealUpdate (later rounds)')),
    summarise(`validator per round: commit + reveal, ${updates} updates (round 1)`, perValidator(' (round 1)')),
    summarise(`validator per round: commit + reveal, ${updates} updates (later rounds)`, perValidator(' (later rounds)')),
    summarise('commitScores (later rounds)', gas('commitScores (later rounds)')),
    summarise(`revealScores, ${updates} updates (later rounds)`, gas('revealScores (later rounds)')),
    summarise(`settle, ${size} (round 1)`, gas('settle (round 1)')),
    summarise(`settle, ${size} (later rounds)`, gas('settle (later rounds)')),
    summarise('postModel (opens the next round)', gas('postModel')),
  ]
  return rows
}

export type SettlementCase = {
  updates: number
  validators: number
  consensus: ConsensusName
  /**
   * `honest`: validators agree, one bad update. `slash`: every update rejected (every trainer
   * slashed) and every validator but the largest deviating (slashed). `reject`: every update
   * rejected by validators that agree: every trainer slashed, its stake changed for the first
   * time since it staked. `credit`: every update accepted and every validator paid, each
   * credited for the first time (fresh storage). These are the most StakeManager work a
   * settlement can do. `credit-spread`: as `credit`, with every validator's scores different
   * (medians do the most work), and under Yuma every bond written for the first time: the most
   * a Yuma settlement does. In `reject`, `credit` and `credit-spread` nobody takes part in
   * round 1, so the measured round is everyone's first. @default 'honest'
   */
  scores?: 'honest' | 'slash' | 'reject' | 'credit' | 'credit-spread'
}

/**
 * Gas of one settlement (round 2, so the training's own storage is warm as in a running
 * training) at the given size.
 *
 * @example
 * ```ts
 * await measureSettlement({ updates: 256, validators: 8, consensus: 'median-score', scores: 'credit' })
 * ```
 */
export async function measureSettlement(c: SettlementCase): Promise<bigint> {
  const b = await setUp(c.updates, c.validators, c.consensus, c.updates, 2)
  // Validator i stakes 100 x (i + 1). The heaviest ones, from the last down until they hold
  // more than half the stake, fail every update; the lighter ones pass them all, so every update
  // is rejected and the lighter validators deviate.
  const total = (c.validators * (c.validators + 1)) / 2
  let heavy = c.validators // the first failing validator
  let held = 0
  while (2 * held <= total) {
    heavy--
    held += heavy + 1
  }
  const slash: ScoreOf = (validator) => (validator >= heavy ? 1000 : 9000)
  const passAll: ScoreOf = () => 9000
  const passSpread: ScoreOf = (validator, update) => 6000 + ((validator * 211 + update * 97) % 4000)
  const failAll: ScoreOf = () => 1000
  const fresh = c.scores === 'reject' || c.scores === 'credit' || c.scores === 'credit-spread'
  const first = fresh ? undefined : honestScores(c.updates)
  const seconds: Record<NonNullable<SettlementCase['scores']>, ScoreOf> = { honest: honestScores(c.updates), slash, reject: failAll, credit: passAll, 'credit-spread': passSpread }
  const second = seconds[c.scores ?? 'honest']
  await playRound(b, 1n, first, ' (round 1)')
  await writeContract(b.ledger, b.aggregator, { ...b.training, functionName: 'postModel', args: [1n, digestOf('model 1'), 0] })
  await playRound(b, 2n, second, ' (measured)')
  await b.ledger.close()
  const record = b.meter.records.find((r) => r.label === 'settle (measured)')
  if (record === undefined) throw new Error('settlement was not measured')
  return record.gasUsed
}

function summarise(operation: string, gas: readonly bigint[]): GasRow {
  if (gas.length === 0) return { operation, samples: 0, min: 0n, mean: 0n, max: 0n }
  const sum = gas.reduce((a, b) => a + b, 0n)
  return {
    operation,
    samples: gas.length,
    min: gas.reduce((a, b) => (b < a ? b : a)),
    mean: sum / BigInt(gas.length),
    max: gas.reduce((a, b) => (b > a ? b : a)),
  }
}

/** The settlements `--large` measures. */
export const LARGE_SETTLEMENTS: readonly SettlementCase[] = [
  { updates: 10, validators: 3, consensus: 'flock', scores: 'slash' },
  { updates: 10, validators: 3, consensus: 'flock', scores: 'credit' },
  { updates: 256, validators: 8, consensus: 'flock', scores: 'slash' },
  { updates: 256, validators: 8, consensus: 'flock', scores: 'credit' },
  { updates: 256, validators: 8, consensus: 'median-score', scores: 'credit' },
  { updates: 32, validators: 64, consensus: 'flock', scores: 'slash' },
  { updates: 32, validators: 64, consensus: 'median-score', scores: 'credit' },
  { updates: 64, validators: 64, consensus: 'flock', scores: 'slash' },
  { updates: 64, validators: 64, consensus: 'median-score', scores: 'credit' },
  { updates: 256, validators: 16, consensus: 'median-score', scores: 'credit' },
  { updates: 128, validators: 16, consensus: 'median-score', scores: 'reject' },
  { updates: 256, validators: 16, consensus: 'median-score', scores: 'reject' },
  { updates: 16, validators: 4, consensus: 'yuma', scores: 'honest' },
  { updates: 64, validators: 16, consensus: 'yuma', scores: 'honest' },
  { updates: 64, validators: 16, consensus: 'yuma', scores: 'slash' },
  { updates: 64, validators: 16, consensus: 'yuma', scores: 'credit-spread' },
  { updates: 32, validators: 32, consensus: 'yuma', scores: 'credit-spread' },
  { updates: 16, validators: 64, consensus: 'yuma', scores: 'credit-spread' },
]

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  process.stdout.write(`${formatGasTable(await benchTrainingGas())}\n`)
  if (process.argv.includes('--large')) {
    for (const c of LARGE_SETTLEMENTS) {
      // A settlement that does not fit a transaction reverts (out of gas at the cap).
      const gas = await measureSettlement(c).then((g) => g.toLocaleString('en-US'), (e: unknown) => `does not settle (${e instanceof Error ? e.message : String(e)})`)
      process.stdout.write(`settle ${c.updates} x ${c.validators} ${c.consensus} (${c.scores ?? 'honest'}): ${gas}\n`)
    }
  }
}
