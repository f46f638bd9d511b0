import { parseEther } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { createContentStore } from '../content/create-content-store.js'
import { DeaiError } from '../errors/base.js'
import { claimRewards } from '../ledger/actions/claim-rewards.js'
import { drawCommittee } from '../ledger/actions/draw-committee.js'
import { getTask } from '../ledger/actions/get-task.js'
import { proposeTask } from '../ledger/actions/propose-task.js'
import { stake } from '../ledger/actions/stake.js'
import { createTraining } from '../ledger/actions/training/create-training.js'
import type { TrainingConfig } from '../ledger/actions/training/create-training.js'
import { getJudgements, getRound } from '../ledger/actions/training/read-training.js'
import { finishTraining } from '../ledger/actions/training/write-training.js'
import { finalizeTask } from '../ledger/actions/vote-on-task.js'
import { roleId } from '../ledger/contracts/roles.js'
import { deployProtocol } from '../ledger/deploy/deploy-protocol.js'
import { decentralization } from '../mechanisms/metrics/decentralization.js'
import { createEmbeddedLedger } from '../ledger/embedded/create-embedded-ledger.js'
import { createGasMeter } from '../ledger/gas-meter.js'
import { connectProtocol } from '../ledger/protocol.js'
import type { Protocol } from '../ledger/protocol.js'
import type { Training } from '../ledger/training.js'
import { initMl } from '../ml/backend.js'
import { initialWeights } from '../ml/models/initial-weights.js'
import { deriveSeed } from '../ml/random.js'
import { evaluate } from '../ml/train/evaluate.js'
import { createMemoryPeerHub } from '../peers/memory-peer-hub.js'
import { createAggregator } from '../roles/aggregator/aggregator.js'
import { aggregatorParticipant, playRound, trainerParticipant, validatorParticipant } from '../roles/round-schedule.js'
import type { AggregationSpec } from '../roles/aggregator/next-global-model.js'
import { createTrainer } from '../roles/trainer/trainer.js'
import type { Trainer } from '../roles/trainer/trainer.js'
import { createValidator } from '../roles/validator/validator.js'
import type { Validator } from '../roles/validator/validator.js'
import { verifyAndVote } from '../roles/verifier/verify-and-vote.js'
import { buildTaskSpec } from '../tasks/build-task.js'
import { prepareData } from './prepare-data.js'
import type { AttackRecord, RoundRecord, RunParticipant, RunReport } from './run-report.js'
import { auditTrail } from './audit-trail.js'
import type { Scenario, TrainerBehaviour, ValidatorBehaviour } from './scenario-schema.js'

export type RunScenarioOptions = {
  /** Progress lines (stage, round, estimate). */
  progress?: (line: string) => void
}

const TRAIN_PERIOD = 600n
const SCORE_PERIOD = 300n
const REVEAL_PERIOD = 300n
const DISPUTE_PERIOD = 300n

const CONSENSUS_IDS = { flock: 0, 'median-score': 1, yuma: 2 } as const
const AGGREGATION_IDS = { fedavg: 0, median: 1, 'trimmed-mean': 2, krum: 3, 'multi-krum': 4, bulyan: 5 } as const

function deai(value: number | string): bigint {
  return parseEther(String(value))
}

type Member = { id: string; role: 'verifier' | 'trainer' | 'validator' | 'aggregator' | 'proposer'; behaviour: string; account: PrivateKeyAccount }

function aggregationSpec(scenario: Scenario): { spec: AggregationSpec; param: number } {
  const a = scenario.mechanisms.aggregation
  switch (a.rule) {
    case 'trimmed-mean':
      return { spec: { rule: a.rule, beta: a.beta }, param: Math.round(a.beta * 10_000) }
    case 'krum':
    case 'bulyan':
      return { spec: { rule: a.rule, f: a.f }, param: a.f ?? 0 }
    case 'multi-krum':
      return { spec: { rule: a.rule, f: a.f, k: a.k }, param: a.k ?? 0 }
    default:
      return { spec: { rule: a.rule }, param: 0 }
  }
}

/**
 * Plays a scenario on one embedded chain, content store and peer hub: a task proposed and
 * approved by the code-verification committee, trainers, validators and aggregators staked, the
 * training rounds with the scenario's adversaries, settlement and claims. Returns the report.
 * Deterministic: the same scenario and seed give the same report, timings aside.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<RunReport> {
  const log = options.progress ?? (() => {})
  const started = Date.now()
  const stageTimes: Record<string, number> = {}
  let stageStart = Date.now()
  const stage = (name: string) => {
    stageTimes[name] = (Date.now() - stageStart) / 1000
    stageStart = Date.now()
  }

  const trainerGroups = scenario.participants.trainers.flatMap((g) => Array.from({ length: g.count }, () => g))
  const validatorGroups = scenario.participants.validators.flatMap((g) => Array.from({ length: g.count }, () => g))
  const verifierCount = scenario.participants.verifiers
  const aggregatorCount = scenario.participants.aggregators

  log(`loading Fashion-MNIST and splitting it for ${trainerGroups.length} trainers and ${validatorGroups.length} validators`)
  await initMl()
  const data = await prepareData(scenario, trainerGroups.length, validatorGroups.length)

  // Accounts: deployer, proposer, then every participant in a fixed order.
  const accountCount = 2 + verifierCount + trainerGroups.length + validatorGroups.length + aggregatorCount
  const ledger = await createEmbeddedLedger({ accounts: accountCount })
  const accounts = [...ledger.accounts]
  const take = () => accounts.shift()!
  const deployer = take()
  const proposer = take()
  const members: Member[] = [{ id: 'proposer', role: 'proposer', behaviour: 'honest', account: proposer }]
  const verifiers = Array.from({ length: verifierCount }, (_, i) => ({ id: `verifier-${i + 1}`, role: 'verifier' as const, behaviour: 'honest', account: take() }))
  const trainerMembers = trainerGroups.map((g, i) => ({ id: `trainer-${i + 1}`, role: 'trainer' as const, behaviour: g.behaviour as string, account: take() }))
  const validatorMembers = validatorGroups.map((g, i) => ({ id: `validator-${i + 1}`, role: 'validator' as const, behaviour: g.behaviour as string, account: take() }))
  const aggregatorMembers = Array.from({ length: aggregatorCount }, (_, i) => ({ id: `aggregator-${i + 1}`, role: 'aggregator' as const, behaviour: 'honest', account: take() }))
  members.push(...verifiers, ...trainerMembers, ...validatorMembers, ...aggregatorMembers)

  const gasMeter = createGasMeter()
  log('deploying the protocol on the embedded chain')
  const deployment = await deployProtocol(ledger, { deployer, fund: members.map((m) => m.account.address) })
  const protocol = await connectProtocol(ledger, deployment, { gasMeter })
  const content = await createContentStore({ kind: 'memory' })
  const hub = createMemoryPeerHub()
  stage('setup')

  // Task proposing: the committee checks the spec and the model bundle.
  log('task proposing: verifiers stake, the proposer proposes, the committee checks and votes')
  for (const v of verifiers) await stake(protocol, v.account, { role: 'verifier', amount: deai(500) })
  const { specCid } = await buildTaskSpec(content, {
    name: scenario.name ?? `fashion-mnist ${scenario.task.model}`,
    model: scenario.task.model,
    training: { rounds: scenario.task.rounds, localEpochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize, learningRate: scenario.task.learningRate },
    mechanisms: { aggregation: scenario.mechanisms.aggregation.rule, consensus: scenario.mechanisms.consensus.rule },
  })
  const budget = deai(scenario.task.budget)
  const { taskId } = await proposeTask(protocol, proposer, { specCid, budget })
  const committee = await drawCommittee(protocol, proposer, taskId)
  const byAddress = new Map(members.map((m) => [m.account.address.toLowerCase(), m]))
  const verdicts: { member: string; approve: boolean; reasonsCid: string }[] = []
  for (const address of committee) {
    const v = byAddress.get(address.toLowerCase())!
    const result = await verifyAndVote(protocol, content, v.account, taskId)
    verdicts.push({ member: v.id, approve: result.approve, reasonsCid: result.reasonsCid })
  }
  let task = await getTask(protocol, taskId)
  await ledger.clock.advance(task.commitDeadline - (await ledger.clock.now()) + 1n)
  for (const address of committee) await verifyAndVote(protocol, content, byAddress.get(address.toLowerCase())!.account, taskId)
  await ledger.clock.advance(task.revealDeadline - (await ledger.clock.now()) + 1n)
  await finalizeTask(protocol, proposer, taskId)
  task = await getTask(protocol, taskId)
  if (task.status !== 'open') {
    throw new DeaiError('RUN_TASK_NOT_APPROVED', `the committee did not approve the task (status ${task.status})`, {
      details: verdicts.map((v) => `${v.member}: ${v.approve ? 'approve' : 'reject'} (${v.reasonsCid})`),
    })
  }
  log(`task ${taskId} approved by ${verdicts.filter((v) => v.approve).length} of ${committee.length} committee members`)
  stage('task')

  // Staking for the training stage.
  for (const t of trainerMembers) await stake(protocol, t.account, { role: 'trainer', taskId, amount: deai(trainerGroups[trainerMembers.indexOf(t)]!.stake ?? 100) })
  for (const v of validatorMembers) await stake(protocol, v.account, { role: 'validator', taskId, amount: deai(validatorGroups[validatorMembers.indexOf(v)]!.stake ?? 1000) })
  for (const a of aggregatorMembers) await stake(protocol, a.account, { role: 'aggregator', taskId, amount: deai(1000) })

  const { spec: aggregation, param: aggregationParam } = aggregationSpec(scenario)
  const consensus = scenario.mechanisms.consensus
  const rounds = scenario.task.rounds
  const emissionPerRound = task.budget / BigInt(rounds)
  const config: TrainingConfig = {
    rounds,
    trainPeriod: TRAIN_PERIOD,
    scorePeriod: SCORE_PERIOD,
    revealPeriod: REVEAL_PERIOD,
    disputePeriod: DISPUTE_PERIOD,
    emissionPerRound,
    trainerShareBps: 7000,
    acceptFloorBps: consensus.acceptFloorBps ?? 1500,
    acceptRelativeBps: consensus.acceptRelativeBps ?? 8000,
    deviationBoundBps: consensus.deviationBoundBps ?? 2500,
    slashTrainerBps: 1000,
    slashValidatorBps: 1000,
    slashAggregatorBps: 5000,
    maxUpdates: Math.min(256, trainerMembers.length),
    consensus: CONSENSUS_IDS[consensus.rule],
    aggregation: AGGREGATION_IDS[aggregation.rule],
    aggregationParam,
    minTrainerStake: deai(10),
    minValidatorStake: deai(100),
    minAggregatorStake: deai(100),
  }
  const initialCid = await content.putTensor(initialWeights(scenario.task.model, deriveSeed(scenario.seed, 0x1417)))
  const training: Training = await createTraining(protocol, proposer, taskId, config, initialCid)
  stage('staking')

  // Roles.
  const attackers = new Set<Address>(trainerMembers.filter((t) => t.behaviour !== 'honest').map((t) => t.account.address))
  const trainers: (Trainer & { member: Member })[] = trainerMembers.map((m, i) => {
    const g = trainerGroups[i]!
    const conduct = g.behaviour === 'copier'
      ? { behaviour: 'copier' as const }
      : { behaviour: g.behaviour as Exclude<TrainerBehaviour, 'copier'>, ...(g.scale === undefined ? {} : { scale: g.scale }), ...(g.sigma === undefined ? {} : { sigma: g.sigma }), ...(g.target === undefined ? {} : { target: g.target }), ...(g.poisonFraction === undefined ? {} : { poisonFraction: g.poisonFraction }) }
    const trainer = createTrainer({
      training, content, peers: hub.connect({ peerId: m.id }), key: m.account, owner: m.account.address, kind: scenario.task.model,
      data: data.trainPool, indices: data.trainerIndices[i]!, epochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize,
      learningRate: scenario.task.learningRate, seed: deriveSeed(scenario.seed, 0x7a, i), conduct,
    })
    return Object.assign(trainer, { member: m })
  })
  // Copiers need someone else's update on chain first.
  trainers.sort((a, b) => Number(a.behaviour === 'copier') - Number(b.behaviour === 'copier'))
  const validators: (Validator & { member: Member })[] = validatorMembers.map((m, i) => Object.assign(createValidator({
    training, content, key: m.account, owner: m.account.address, kind: scenario.task.model, data: data.validation,
    indices: data.validatorIndices[i]!, behaviour: validatorGroups[i]!.behaviour as ValidatorBehaviour, seed: deriveSeed(scenario.seed, 0x7b, i),
    colluders: attackers,
  }), { member: m }))
  const aggregators = aggregatorMembers.map((m) => createAggregator({ training, content, key: m.account, aggregation }))

  const roleOf = new Map(members.map((m) => [m.account.address.toLowerCase(), m.role]))
  const measure = async (cid: string) => evaluate({ kind: scenario.task.model, weights: await content.getTensor(cid), data: data.test })
  const initial = await measure(initialCid)
  const roundRecords: RoundRecord[] = []
  let gasSeen = gasMeter.records.length
  const earned = new Map<string, bigint>()
  const roundSeconds: number[] = []

  for (let r = 1; r <= rounds; r++) {
    const roundStarted = Date.now()
    const round = BigInt(r)
    const info = await getRound(training, round)
    // The shared round schedule (the same one `deai node` follows against a real chain).
    const participants = [
      ...trainers.map((t) => trainerParticipant(t, training)),
      ...validators.map((v) => validatorParticipant(v, training)),
      aggregatorParticipant(aggregators[(r - 1) % aggregators.length]!, training),
    ]
    const results = await playRound(participants, info, {
      advanceTo: async (time) => {
        const now = await ledger.clock.now()
        if (time > now) await ledger.clock.advance(time - now)
      },
    })
    const judged = await getJudgements(training, round)
    const model = results.find((result) => result.stage === 'post')!.value as { cid: string; weights: Float32Array }
    const evaluation = await evaluate({ kind: scenario.task.model, weights: model.weights, data: data.test })

    const gas: Record<string, bigint> = {}
    for (const record of gasMeter.records.slice(gasSeen)) {
      const role = roleOf.get(record.from.toLowerCase()) ?? 'other'
      gas[role] = (gas[role] ?? 0n) + record.gasUsed
    }
    gasSeen = gasMeter.records.length
    const idOf = (address: Address) => byAddress.get(address.toLowerCase())?.id ?? address
    const stakes: Record<string, bigint> = {}
    for (const [list, role] of [[trainerMembers, 'trainer'], [validatorMembers, 'validator'], [aggregatorMembers, 'aggregator']] as const) {
      for (const m of list) {
        const position = await ledger.client.readContract({ ...protocol.stakeManager, functionName: 'positionOf', args: [taskId, roleId(role), m.account.address] })
        stakes[m.id] = position.active
      }
    }
    for (const u of judged.updates) earned.set(idOf(u.trainer), (earned.get(idOf(u.trainer)) ?? 0n) + u.reward)
    for (const v of judged.validators) earned.set(idOf(v.validator), (earned.get(idOf(v.validator)) ?? 0n) + v.reward)
    const revealed = new Set(judged.validators.filter((v) => v.revealed).map((v) => idOf(v.validator)))
    const workers = [...trainerMembers, ...validatorMembers]
    roundRecords.push({
      round: r,
      accuracy: evaluation.accuracy,
      loss: evaluation.loss,
      modelCid: model.cid,
      accepted: judged.updates.filter((u) => u.accepted).length,
      rejected: judged.updates.filter((u) => !u.accepted).length,
      updates: judged.updates.map((u) => ({ trainer: idOf(u.trainer), accepted: u.accepted, consensusScore: u.consensusScore, reward: u.reward })),
      validators: judged.validators.map((v) => ({ validator: idOf(v.validator), revealed: v.revealed, deviationBps: v.deviationBps, reward: v.reward, slashed: v.slashed })),
      gas,
      stake: stakes,
      metrics: {
        stake: decentralization(workers.map((m) => stakes[m.id] ?? 0n)),
        rewards: decentralization(workers.map((m) => earned.get(m.id) ?? 0n)),
        validationPower: decentralization(validatorMembers.map((m) => (revealed.has(m.id) ? stakes[m.id] ?? 0n : 0n))),
      },
    })
    roundSeconds.push((Date.now() - roundStarted) / 1000)
    const mean = roundSeconds.reduce((a, b) => a + b, 0) / roundSeconds.length
    log(`round ${r}/${rounds}: accuracy ${evaluation.accuracy.toFixed(4)}, accepted ${roundRecords.at(-1)!.accepted}, rejected ${roundRecords.at(-1)!.rejected} (${roundSeconds.at(-1)!.toFixed(1)} s; about ${Math.round(mean * (rounds - r))} s left)`)
  }
  stage('training')

  // Settlement: the dispute window of the last model passes, the rest of the budget goes back,
  // everyone claims.
  await ledger.clock.advance(DISPUTE_PERIOD + 1n)
  await finishTraining(training, proposer)
  const participants = await summarise(protocol, members)
  for (const m of members) {
    const unclaimed = await ledger.client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [m.account.address] })
    if (unclaimed > 0n) await claimRewards(protocol, m.account)
  }
  stage('settlement')

  const report: RunReport = {
    format: 'deai-run/1',
    scenario,
    task: { id: taskId, specCid, committee: verdicts, trainingContract: training.address },
    initialAccuracy: initial.accuracy,
    rounds: roundRecords,
    final: { accuracy: roundRecords.at(-1)?.accuracy ?? initial.accuracy, modelCid: roundRecords.at(-1)?.modelCid ?? initialCid },
    participants,
    attacks: attacksOf(roundRecords, participants),
    auditTrail: await auditTrail(protocol, training),
    gas: gasByRole(roundRecords, members),
    chain: { chainId: ledger.chain.id, contracts: deployment.contracts, blocks: await ledger.client.getBlockNumber() },
    timing: { totalSeconds: (Date.now() - started) / 1000, stages: stageTimes },
  }
  await content.close()
  await hub.close()
  await ledger.close()
  return report
}

async function summarise(protocol: Protocol, members: readonly Member[]): Promise<RunParticipant[]> {
  const client = protocol.ledger.client
  const from = BigInt(protocol.deployment.blockNumber)
  const credited = await client.getContractEvents({ ...protocol.stakeManager, eventName: 'RewardCredited', fromBlock: from })
  const slashed = await client.getContractEvents({ ...protocol.stakeManager, eventName: 'Slashed', fromBlock: from })
  const rewards = new Map<string, bigint>()
  const slashes = new Map<string, bigint>()
  for (const e of credited) rewards.set(e.args.owner!.toLowerCase(), (rewards.get(e.args.owner!.toLowerCase()) ?? 0n) + e.args.amount!)
  for (const e of slashed) slashes.set(e.args.owner!.toLowerCase(), (slashes.get(e.args.owner!.toLowerCase()) ?? 0n) + e.args.amount!)
  return members.map((m) => ({
    id: m.id,
    role: m.role,
    behaviour: m.behaviour,
    address: m.account.address,
    rewards: rewards.get(m.account.address.toLowerCase()) ?? 0n,
    slashed: slashes.get(m.account.address.toLowerCase()) ?? 0n,
  }))
}

function attacksOf(rounds: readonly RoundRecord[], participants: readonly RunParticipant[]): AttackRecord[] {
  const total = participants.reduce((sum, p) => sum + p.rewards, 0n)
  const groups = new Map<string, RunParticipant[]>()
  for (const p of participants) {
    if ((p.role !== 'trainer' && p.role !== 'validator') || p.behaviour === 'honest') continue
    const key = `${p.role} ${p.behaviour}`
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  return [...groups.values()].map((group) => {
    const ids = new Set(group.map((p) => p.id))
    const role = group[0]!.role as 'trainer' | 'validator'
    const rows = role === 'trainer'
      ? rounds.flatMap((r) => r.updates.filter((u) => ids.has(u.trainer)).map((u) => !u.accepted))
      : rounds.flatMap((r) => r.validators.filter((v) => ids.has(v.validator)).map((v) => v.slashed))
    const rewards = group.reduce((sum, p) => sum + p.rewards, 0n)
    return {
      role,
      behaviour: group[0]!.behaviour,
      participants: group.length,
      attempted: rows.length,
      caught: rows.filter(Boolean).length,
      rewardShare: total === 0n ? 0 : Number((rewards * 1_000_000n) / total) / 1_000_000,
    }
  })
}

function gasByRole(rounds: readonly RoundRecord[], members: readonly Member[]): RunReport['gas'] {
  const counts = new Map<string, number>()
  for (const m of members) counts.set(m.role, (counts.get(m.role) ?? 0) + 1)
  const roles = [...new Set(rounds.flatMap((r) => Object.keys(r.gas)))].sort()
  return Object.fromEntries(roles.map((role) => {
    const totals = rounds.map((r) => r.gas[role] ?? 0n)
    const total = totals.reduce((a, b) => a + b, 0n)
    const perRound = rounds.length === 0 ? 0n : total / BigInt(rounds.length)
    const n = BigInt(counts.get(role) ?? 1)
    return [role, { perRound, perParticipantPerRound: perRound / n, total }]
  }))
}

