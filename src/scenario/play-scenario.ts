/**
 * A scenario's task from proposal to claims, played with the role modules on the virtual-clock
 * driver: the task vote and every training round are stage tables whose stages the clock jumps
 * to; the steps between them (stakes, data, the training's creation, the final model, inference)
 * open as soon as the one before is done.
 *
 * @packageDocumentation
 */
import { parseEther } from 'viem'
import type { Address } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { DeaiError } from '../errors/base.js'
import { claimRewards } from '../ledger/actions/staking/claim-rewards.js'
import { getTask } from '../ledger/actions/tasks/get-task.js'
import { getTaskRules } from '../ledger/actions/tasks/get-task-rules.js'
import { getUnclaimedRewards } from '../ledger/actions/staking/get-unclaimed-rewards.js'
import { verifyModelRecord } from '../ledger/actions/market/verify-model-record.js'
import { stake } from '../ledger/actions/staking/stake.js'
import { getJudgements } from '../ledger/actions/training/get-judgements.js'
import { getRound } from '../ledger/actions/training/get-round.js'
import type { LedgerClock } from '../ledger/ledger.js'
import type { Protocol } from '../ledger/protocol.js'
import type { Training } from '../ledger/training.js'
import { CONSENSUS_IDS, encodeAggregation, MAX_UPDATES, TRAINING_DEFAULTS } from '../ledger/training-config.js'
import { decodeImageSet } from '../ml/datasets/image-set-bytes.js'
import { selectExamples } from '../ml/datasets/image-set.js'
import { deriveSeed } from '../ml/random.js'
import type { MemoryPeerHub } from '../peers/memory-peer-hub.js'
import type { AdversaryRecord } from '../roles/adversary/adversary-record.js'
import { createOperatorGriefer } from '../roles/adversary/operator-griefer.js'
import type { PoolKey } from '../roles/adversary/operator-griefer.js'
import { createAggregator } from '../roles/aggregator/aggregator.js'
import { createDataProvider } from '../roles/data-provider/data-provider.js'
import { advanceClockTo, playOnVirtualClock } from '../roles/drivers/virtual-clock.js'
import { createInferenceProvider } from '../roles/inference-provider/inference-provider.js'
import { createGrinder } from '../roles/proposer/grinder.js'
import { createProposer, proposerVoteParticipant } from '../roles/proposer/proposer.js'
import type { Proposer, TrainingPlan } from '../roles/proposer/proposer.js'
import { aggregatorParticipant, ROUND_TABLE, trainerParticipant, validatorParticipant } from '../roles/round-schedule.js'
import type { RoundStage } from '../roles/round-schedule.js'
import { TASK_VOTE_TABLE } from '../roles/task-vote-schedule.js'
import { createFrontRunner, frontRunnerParticipant } from '../roles/trainer/front-runner.js'
import type { FrontRunner } from '../roles/trainer/front-runner.js'
import { createSlashEscaper, escaperParticipant } from '../roles/trainer/slash-escaper.js'
import type { SlashEscaper } from '../roles/trainer/slash-escaper.js'
import { createTrainer } from '../roles/trainer/trainer.js'
import type { PendingTrainerTx, Trainer } from '../roles/trainer/trainer.js'
import { createValidator } from '../roles/validator/validator.js'
import type { ValidatorBehaviour } from '../roles/validator/validator-behaviours.js'
import { createVerifier, verifierParticipant } from '../roles/verifier/verifier.js'
import { aggregationSpec } from './aggregation-spec.js'
import type { ScenarioData } from './prepare-data.js'
import type { RoundMeter } from './measure-round.js'
import type { RoundRecord, RunReport } from './run-report.js'
import type { ScenarioCast } from './scenario-cast.js'
import type { Scenario } from './scenario-schema.js'
import { serveInference } from './serve-inference.js'

/** Seconds of each phase of a scenario's rounds, and of a posted model's dispute window. */
export const SCENARIO_PERIODS = { train: 600n, updateReveal: 300n, score: 300n, reveal: 300n, settle: 300n, dispute: 300n } as const

/** A sybil swarm's members commit at the minimum validator stake. */
const SYBIL_VALIDATOR_STAKE = 100
/** A grinder's sybil verifiers stake the minimum verifier stake. */
const SYBIL_VERIFIER_STAKE = 100

function deai(value: number | string): bigint {
  return parseEther(String(value))
}

/** What a scenario is played with: the chain, content, peers, data and cast. */
export type ScenarioWorld = {
  scenario: Scenario
  data: ScenarioData
  clock: Pick<LedgerClock, 'now' | 'advance'>
  protocol: Protocol
  content: ContentStore
  hub: Pick<MemoryPeerHub, 'connect'>
  cast: ScenarioCast
  meter: RoundMeter
  log: (line: string) => void
  /** Marks the end of a named stage of the run (for the report's timing). */
  stage: (name: string) => void
}

/** What the played task left for the report. */
export type ScenarioOutcome = {
  task: RunReport['task']
  training: Training
  shards: RunReport['data']['shards']
  initialAccuracy: number
  initialCid: string
  rounds: RoundRecord[]
  /** Wall-clock seconds and CPU seconds of each round, and of each round's phases. */
  roundSeconds: number[]
  roundCpuSeconds: number[]
  phases: Record<string, number>[]
  model: RunReport['model']
  inference: RunReport['inference']
  /** The trust adversaries' own accounts of their attempts, by behaviour. */
  records: Map<string, AdversaryRecord[]>
}

/** The training a scenario's proposer creates. */
export function scenarioTrainingPlan(scenario: Scenario, trainers: number): TrainingPlan {
  const consensus = scenario.mechanisms.consensus
  return {
    rounds: scenario.task.rounds,
    periods: SCENARIO_PERIODS,
    acceptFloorBps: consensus.acceptFloorBps ?? TRAINING_DEFAULTS.acceptFloorBps,
    acceptRelativeBps: consensus.acceptRelativeBps ?? TRAINING_DEFAULTS.acceptRelativeBps,
    deviationBoundBps: consensus.deviationBoundBps ?? TRAINING_DEFAULTS.deviationBoundBps,
    maxUpdates: Math.min(MAX_UPDATES, trainers),
    maxValidators: scenario.mechanisms.maxValidators,
    consensus: CONSENSUS_IDS[consensus.rule],
    ...encodeAggregation(aggregationSpec(scenario).spec),
  }
}

/**
 * Plays the scenario's task: the committee approves it, providers register the trainers'
 * shards, everyone stakes, the proposer creates the training, the rounds run with the
 * scenario's adversaries, the proposer finishes and publishes the model, providers answer
 * inference requests, and everyone claims.
 *
 * @throws DeaiError `RUN_TASK_NOT_APPROVED` when the committee rejects the task
 */
export async function playScenario(world: ScenarioWorld): Promise<ScenarioOutcome> {
  const { scenario, protocol, content, cast, log, stage } = world
  const griefers = cast.strangers.map((m) => createOperatorGriefer({ protocol, key: m.account }))
  const claimAll = async (victims: readonly PoolKey[]) => {
    for (const g of griefers) await g.claim(victims)
  }
  const verifierKeys: PoolKey[] = cast.verifiers.map((v) => ({ address: v.account.address, role: 'verifier' }))
  await claimAll(verifierKeys)

  const grinder = cast.proposer.behaviour === 'grinder' ? createGrinder({ protocol, proposer: cast.proposer.account, sybils: cast.sybilVerifiers.map((v) => v.account) }) : undefined
  const proposer = createProposer({
    protocol, content, key: cast.proposer.account, budget: deai(scenario.task.budget), seed: scenario.seed, draw: grinder?.drawCommittee,
    spec: {
      name: scenario.name ?? `fashion-mnist ${scenario.task.model}`,
      model: scenario.task.model,
      training: { rounds: scenario.task.rounds, localEpochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize, learningRate: scenario.task.learningRate },
      mechanisms: { aggregation: scenario.mechanisms.aggregation.rule, consensus: scenario.mechanisms.consensus.rule },
    },
    training: scenarioTrainingPlan(scenario, cast.trainers.length),
  })
  const task = await proposeAndApprove(world, proposer, async () => {
    for (const v of cast.verifiers) await stake(protocol, v.account, { role: 'verifier', amount: deai(500) })
    await grinder?.stakeSybils(deai(SYBIL_VERIFIER_STAKE))
  })
  const taskId = task.id
  stage('task')

  const shards = await provideData(world, taskId)
  stage('data')

  // Staking for the training stage (strangers first try to claim the keys as their operators).
  const workerKeys: PoolKey[] = [
    ...cast.trainers.filter((m) => m.behaviour === 'honest').map((m) => ({ address: m.account.address, role: 'trainer' as const, taskId })),
    ...cast.validators.filter((m) => m.behaviour === 'honest').map((m) => ({ address: m.account.address, role: 'validator' as const, taskId })),
    ...cast.aggregators.map((m) => ({ address: m.account.address, role: 'aggregator' as const, taskId })),
  ]
  await claimAll(workerKeys)
  for (const t of cast.trainers) await stake(protocol, t.account, { role: 'trainer', taskId, amount: deai(t.group.stake ?? 100) })
  for (const v of cast.validators) {
    await stake(protocol, v.account, { role: 'validator', taskId, amount: deai(v.group.stake ?? (v.group.behaviour === 'sybil-swarm' ? SYBIL_VALIDATOR_STAKE : 1000)) })
  }
  for (const a of cast.aggregators) await stake(protocol, a.account, { role: 'aggregator', taskId, amount: deai(1000) })
  for (const g of griefers) await g.check([...verifierKeys, ...workerKeys])
  const training = await proposer.createTraining(taskId)
  stage('staking')

  const { initialCid } = await proposer.prepare()
  const initial = await world.meter.evaluate(initialCid)
  const played = await playRounds(world, training, shards)
  stage('training')

  // Settlement: the dispute window of the last model passes, the rest of the budget goes back.
  const finishAt = await proposer.finishOpensAt(training)
  if (finishAt !== undefined) await advanceClockTo(world.clock, finishAt)
  await proposer.finish(training)
  stage('training settlement')

  // Marketplace (simple form): the proposer publishes the final model with its lineage.
  const published = await proposer.publish(training)
  const verified = await verifyModelRecord(protocol, taskId)
  log(`model published: ${published.lineage.model}, lineage ${published.lineageCid} (${verified.valid ? 'verified against the chain' : 'DOES NOT match the chain'})`)
  const providers = cast.inferenceProviders.map((m) => Object.assign(createInferenceProvider({ protocol, content, key: m.account, kind: scenario.task.model }), { member: m }))
  const inference = await serveInference(protocol, content, {
    taskId, requester: cast.proposer.account, providers, test: world.data.test, requests: scenario.task.inferenceRequests, seed: scenario.seed,
  })
  if (inference.requests > 0) log(`inference: ${inference.answered} of ${inference.requests} requests answered, ${inference.correct} correct`)
  stage('post-training')

  const records = new Map<string, AdversaryRecord[]>()
  const keep = (behaviour: string, record: AdversaryRecord) => records.set(behaviour, [...(records.get(behaviour) ?? []), record])
  for (const f of played.frontRunners) keep('front-runner', f.record())
  for (const e of played.escapers) keep('slash-escaper', e.record())
  for (const g of griefers) keep('operator-griefer', g.record())
  if (grinder !== undefined) keep('grinder', grinder.record())
  for (const m of cast.members) {
    if ((await getUnclaimedRewards(protocol, { owner: m.account.address })) > 0n) await claimRewards(protocol, m.account)
  }
  stage('settlement')

  return {
    task: { id: taskId, specCid: task.specCid, committee: task.verdicts, trainingContract: training.address },
    training,
    shards,
    initialAccuracy: initial.accuracy,
    initialCid,
    ...played.timing,
    rounds: played.rounds,
    model: { cid: published.lineage.model, lineageCid: published.lineageCid, lineageRoot: published.lineageRoot, finalRound: published.lineage.finalRound, verified: verified.valid },
    inference,
    records,
  }
}

/** Task proposing: verifiers stake, the proposer proposes and draws, the committee votes, the proposer finalizes. */
async function proposeAndApprove(world: ScenarioWorld, proposer: Proposer, stakeVerifiers: () => Promise<void>): Promise<{ id: bigint; specCid: string; verdicts: RunReport['task']['committee'] }> {
  const { protocol, content, cast, log } = world
  log('task proposing: verifiers stake, the proposer proposes, the committee checks and votes')
  await stakeVerifiers()
  const { taskId, specCid } = await proposer.propose()
  const committee = await proposer.drawCommittee(taskId)
  const drawn = await getTask(protocol, taskId)
  if (drawn.status !== 'voting') {
    // The registry refunds a task it cannot seat a committee for; there is nothing to vote on.
    const { committeeSize } = await getTaskRules(protocol, { taskId })
    throw new DeaiError('RUN_TASK_NOT_APPROVED', `no committee could be drawn for the task (status ${drawn.status}): ${cast.verifiers.length} verifiers staked, the committee takes ${committeeSize}`, {
      fixes: [`set participants.verifiers to at least ${committeeSize}`],
    })
  }
  const byAddress = new Map([...cast.verifiers, ...cast.sybilVerifiers].map((m) => [m.account.address.toLowerCase(), m]))
  const members = committee.map((address) => {
    const member = byAddress.get(address.toLowerCase())
    if (member === undefined) throw new DeaiError('RUN_UNKNOWN_COMMITTEE_MEMBER', `the committee drew ${address}, who is not one of the scenario's verifiers`)
    return { member, participant: verifierParticipant(createVerifier({ protocol, content, key: member.account }), protocol) }
  })
  const results = await playOnVirtualClock(world.clock, TASK_VOTE_TABLE, [...members.map((m) => m.participant), proposerVoteParticipant(proposer, protocol)], await getTask(protocol, taskId), taskId)
  const verdicts = results.filter((r) => r.stage === 'commit-vote').map((r, i) => {
    const vote = r.value as { approve: boolean; reasonsCid: string }
    return { member: members[i]?.member.id ?? '', approve: vote.approve, reasonsCid: vote.reasonsCid }
  })
  const task = await getTask(protocol, taskId)
  if (task.status !== 'open') {
    throw new DeaiError('RUN_TASK_NOT_APPROVED', `the committee did not approve the task (status ${task.status})`, {
      details: verdicts.map((v) => `${v.member}: ${v.approve ? 'approve' : 'reject'} (${v.reasonsCid})`),
    })
  }
  log(`task ${taskId} approved by ${verdicts.filter((v) => v.approve).length} of ${committee.length} committee members`)
  return { id: taskId, specCid, verdicts }
}

/** Data: providers put each trainer's shard in the content store, register it and grant it to the trainer. */
async function provideData(world: ScenarioWorld, taskId: bigint): Promise<RunReport['data']['shards']> {
  const { protocol, content, cast, data } = world
  world.log(`data: ${cast.dataProviders.length} provider(s) register ${cast.trainers.length} shards`)
  for (const p of cast.dataProviders) await stake(protocol, p.account, { role: 'data-provider', taskId, amount: deai(100) })
  const providers = cast.dataProviders.map((m) => ({ member: m, provider: createDataProvider({ protocol, content, key: m.account }) }))
  const shards: RunReport['data']['shards'] = []
  for (const [t, trainer] of cast.trainers.entries()) {
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- providers take trainers in turn (a scenario has at least one), and the data holds one index list per trainer */
    const { member, provider } = providers[t % providers.length]!
    const { cid, shardId } = await provider.provide(taskId, selectExamples(data.trainPool, data.trainerIndices[t]!), trainer.account.address)
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    shards.push({ cid, shardId, provider: member.id })
  }
  return shards
}

type PlayedRounds = {
  rounds: RoundRecord[]
  frontRunners: FrontRunner[]
  escapers: SlashEscaper[]
  timing: Pick<ScenarioOutcome, 'roundSeconds' | 'roundCpuSeconds' | 'phases'>
}

/** The training rounds: every participant's steps on the shared round table, on the virtual clock. */
async function playRounds(world: ScenarioWorld, training: Training, shards: RunReport['data']['shards']): Promise<PlayedRounds> {
  const { scenario, content, cast, data } = world
  const attackers = new Set<Address>(cast.trainers.filter((t) => t.behaviour !== 'honest').map((t) => t.account.address))
  const frontRunners: FrontRunner[] = []
  const escapers: SlashEscaper[] = []
  const trainers: Trainer[] = []
  const watchers = async (tx: PendingTrainerTx) => {
    for (const f of frontRunners) await f.watch(tx)
  }
  for (const [i, m] of cast.trainers.entries()) {
    const g = m.group
    if (g.behaviour === 'front-runner') {
      frontRunners.push(createFrontRunner({ training, key: m.account, owner: m.account.address }))
      continue
    }
    // Each trainer reads its data back by the CID its provider registered.
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- provideData registered one shard per trainer, in cast order
    const shard = shards[i]!
    const shardData = decodeImageSet(await content.getBytes(shard.cid), `shard ${shard.shardId}`)
    const attack = g.behaviour === 'slash-escaper' ? 'sign-flip' : g.behaviour
    const conduct = attack === 'copier'
      ? { behaviour: 'copier' as const }
      : { behaviour: attack, ...(g.scale === undefined ? {} : { scale: g.scale }), ...(g.sigma === undefined ? {} : { sigma: g.sigma }), ...(g.target === undefined ? {} : { target: g.target }), ...(g.poisonFraction === undefined ? {} : { poisonFraction: g.poisonFraction }) }
    const trainer = createTrainer({
      training, content, peers: world.hub.connect({ peerId: m.id }), key: m.account, owner: m.account.address, kind: scenario.task.model,
      data: shardData, indices: Array.from({ length: shardData.count }, (_, k) => k), epochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize,
      learningRate: scenario.task.learningRate, seed: deriveSeed(scenario.seed, 0x7a, i), conduct,
      // Everyone's pending transactions are public; front-runners watch the others'.
      onPending: watchers,
    })
    if (g.behaviour === 'slash-escaper') escapers.push(createSlashEscaper({ training, trainer, owner: m.account, stake: deai(g.stake ?? 100) }))
    else trainers.push(trainer)
  }
  // A sybil swarm commits first, hoping to fill the validator set before anyone else.
  const validatorOrder = cast.validators.map((m, i) => ({ m, i })).sort((a, b) => Number(b.m.group.behaviour === 'sybil-swarm') - Number(a.m.group.behaviour === 'sybil-swarm'))
  const validators = validatorOrder.map(({ m, i }) => createValidator({
    training, content, key: m.account, owner: m.account.address, kind: scenario.task.model, data: data.validation,
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the data holds one index list per validator, in cast order
    indices: data.validatorIndices[i]!, behaviour: m.group.behaviour as ValidatorBehaviour, seed: deriveSeed(scenario.seed, 0x7b, i), colluders: attackers,
  }))
  const { spec: aggregation } = aggregationSpec(scenario)
  const aggregators = cast.aggregators.map((m) => createAggregator({ training, content, key: m.account, aggregation, over: scenario.mechanisms.aggregateOver }))

  world.meter.begin()
  const rounds: RoundRecord[] = []
  const timing: PlayedRounds['timing'] = { roundSeconds: [], roundCpuSeconds: [], phases: [] }
  const total = scenario.task.rounds
  for (let r = 1; r <= total; r++) {
    const started = Date.now()
    const cpuStarted = process.cpuUsage()
    const round = BigInt(r)
    const phase = phaseClock()
    const participants = [
      ...trainers.map((t) => trainerParticipant(t, training)),
      ...escapers.map((e) => escaperParticipant(e, training)),
      // Front-runners take their own turn last: by then they have copied whoever committed first.
      ...frontRunners.map((f) => frontRunnerParticipant(f, training)),
      ...validators.map((v) => validatorParticipant(v, training)),
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- aggregators take rounds in turn; a scenario has at least one
      aggregatorParticipant(aggregators[(r - 1) % aggregators.length]!, training),
    ]
    const info = await getRound(training, round)
    const results = await playOnVirtualClock(world.clock, ROUND_TABLE, participants, info, round, (stage: RoundStage) => void phase(stage))
    const judged = await getJudgements(training, round)
    for (const e of escapers) e.judged(round)
    const model = results.find((result) => result.stage === 'post')?.value as { cid: string; weights: Float32Array }
    const record = await world.meter.record({ taskId: training.taskId, round: r, model, judged })
    timing.phases.push(phase('measure'))
    rounds.push(record)
    timing.roundSeconds.push((Date.now() - started) / 1000)
    const cpu = process.cpuUsage(cpuStarted)
    timing.roundCpuSeconds.push((cpu.user + cpu.system) / 1e6)
    const mean = timing.roundSeconds.reduce((a, b) => a + b, 0) / timing.roundSeconds.length
    world.log(`round ${r}/${total}: accuracy ${record.accuracy.toFixed(4)}, accepted ${record.accepted}, rejected ${record.rejected} (${(timing.roundSeconds.at(-1) ?? 0).toFixed(1)} s; about ${Math.round(mean * (total - r))} s left)`)
  }
  return { rounds, frontRunners, escapers, timing }
}

/** Seconds spent in each named phase of a round (wall clock, for the report's timing). */
function phaseClock(): (name: string) => Record<string, number> {
  const spent: Record<string, number> = {}
  let last = performance.now()
  return (name) => {
    const now = performance.now()
    spent[name] = (now - last) / 1000
    last = now
    return spent
  }
}
