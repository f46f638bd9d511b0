import { parseEther } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { createContentStore } from '../content/create-content-store.js'
import { DeaiError } from '../errors/base.js'
import { claimRewards } from '../ledger/actions/staking/claim-rewards.js'
import { getPosition } from '../ledger/actions/staking/get-position.js'
import { getRewardsAndSlashes } from '../ledger/actions/staking/get-rewards-and-slashes.js'
import { getUnclaimedRewards } from '../ledger/actions/staking/get-unclaimed-rewards.js'
import { grantShard } from '../ledger/actions/data/grant-shard.js'
import { registerShard } from '../ledger/actions/data/register-shard.js'
import { postInferenceResult } from '../ledger/actions/inference/post-inference-result.js'
import { requestInference } from '../ledger/actions/inference/request-inference.js'
import { buildLineage } from '../ledger/actions/market/build-lineage.js'
import { publishModel } from '../ledger/actions/market/publish-model.js'
import { verifyModelRecord } from '../ledger/actions/market/verify-model-record.js'
import type { ContentStore } from '../content/content-store.js'
import { decodeImageSet, encodeImageSet } from '../ml/datasets/image-set-bytes.js'
import { selectExamples } from '../ml/datasets/image-set.js'
import type { ImageSet } from '../ml/datasets/image-set.js'
import { createRandom } from '../ml/random.js'
import { predict } from '../ml/train/predict.js'
import { drawCommittee } from '../ledger/actions/tasks/draw-committee.js'
import { getTask } from '../ledger/actions/tasks/get-task.js'
import { proposeTask } from '../ledger/actions/tasks/propose-task.js'
import { stake } from '../ledger/actions/staking/stake.js'
import { createTraining } from '../ledger/actions/training/create-training.js'
import { getJudgements } from '../ledger/actions/training/get-judgements.js'
import { getRound } from '../ledger/actions/training/get-round.js'
import { finishTraining } from '../ledger/actions/training/finish-training.js'
import { finalizeTask } from '../ledger/actions/tasks/finalize-task.js'
import { deployProtocol } from '../ledger/deploy/deploy-protocol.js'
import { decentralization } from '../mechanisms/metrics/decentralization.js'
import { createEmbeddedLedger } from '../ledger/embedded/create-embedded-ledger.js'
import type { ChainJournal } from '../ledger/embedded/create-embedded-ledger.js'
import { createGasMeter } from '../ledger/gas-meter.js'
import { connectProtocol } from '../ledger/protocol.js'
import { AGGREGATION_IDS, CONSENSUS_IDS, MAX_UPDATES, TRAINING_DEFAULTS, trainingConfig } from '../ledger/training-config.js'
import type { Protocol } from '../ledger/protocol.js'
import type { Training } from '../ledger/training.js'
import { initMl } from '../ml/backend.js'
import { INITIAL_MODEL_SALT, initialWeights } from '../ml/models/initial-weights.js'
import { deriveSeed } from '../ml/random.js'
import { evaluate } from '../ml/train/evaluate.js'
import { createMemoryPeerHub } from '../peers/memory-peer-hub.js'
import { createAggregator } from '../roles/aggregator/aggregator.js'
import { aggregatorParticipant, playRound, trainerParticipant, validatorParticipant } from '../roles/round-schedule.js'
import { createOperatorGriefer } from '../roles/adversary/operator-griefer.js'
import type { PoolKey } from '../roles/adversary/operator-griefer.js'
import type { AdversaryRecord } from '../roles/adversary/adversary-record.js'
import { createGrinder } from '../roles/proposer/grinder.js'
import { createFrontRunner, frontRunnerParticipant } from '../roles/trainer/front-runner.js'
import type { FrontRunner } from '../roles/trainer/front-runner.js'
import { createSlashEscaper, escaperParticipant } from '../roles/trainer/slash-escaper.js'
import type { SlashEscaper } from '../roles/trainer/slash-escaper.js'
import { createTrainer } from '../roles/trainer/trainer.js'
import type { PendingTrainerTx, Trainer } from '../roles/trainer/trainer.js'
import { createValidator } from '../roles/validator/validator.js'
import type { Validator } from '../roles/validator/validator.js'
import { verifyAndVote } from '../roles/verifier/verify-and-vote.js'
import { buildTaskSpec } from '../tasks/build-task.js'
import { aggregationSpec } from './aggregation-spec.js'
import { participantBooks } from './participant-books.js'
import { prepareData } from './prepare-data.js'
import type { AttackRecord, RoundRecord, RunParticipant, RunReport } from './run-report.js'
import { auditTrail } from './audit-trail.js'
import type { Scenario, ValidatorBehaviour } from './scenario-schema.js'

export type RunScenarioOptions = {
  /** Progress lines (stage, round, estimate). */
  progress?: (line: string) => void
  /** Keep the run's content (specs, every update and model) in this directory instead of memory. */
  contentDir?: string
  /** Receives the chain's journal at the end, from which `deai audit` can rebuild the chain. */
  recordChain?: (journal: ChainJournal) => Promise<void> | void
}

const TRAIN_PERIOD = 600n
const UPDATE_REVEAL_PERIOD = 300n
const SCORE_PERIOD = 300n
const REVEAL_PERIOD = 300n
const SETTLE_PERIOD = 300n
const DISPUTE_PERIOD = 300n

function deai(value: number | string): bigint {
  return parseEther(String(value))
}

type Member = { id: string; role: 'verifier' | 'trainer' | 'validator' | 'aggregator' | 'proposer' | 'data-provider' | 'inference-provider' | 'stranger'; behaviour: string; account: PrivateKeyAccount }

/** A sybil swarm's members commit at the minimum validator stake. */
const SYBIL_VALIDATOR_STAKE = 100
/** A grinder's sybil verifiers stake the minimum verifier stake. */
const SYBIL_VERIFIER_STAKE = 100
/**
 * Unbonding takes a minute here, less than any phase of a round, so that only the locks on
 * stake behind pending work keep a slash-escaper's stake in (the default is a week).
 */
const UNBONDING_DELAY = 60n

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
  const providerCount = scenario.participants.dataProviders
  const inferenceCount = scenario.participants.inferenceProviders
  const proposerConduct = scenario.participants.proposer
  const sybilVerifierCount = proposerConduct.behaviour === 'grinder' ? (proposerConduct.sybilVerifiers ?? 3) : 0
  const strangerGroups = scenario.participants.strangers.flatMap((g) => Array.from({ length: g.count }, () => g))
  const accountCount = 2 + verifierCount + sybilVerifierCount + trainerGroups.length + validatorGroups.length + aggregatorCount + providerCount + inferenceCount + strangerGroups.length
  const ledger = await createEmbeddedLedger({ accounts: accountCount })
  const accounts = [...ledger.accounts]
  const take = () => accounts.shift()!
  const deployer = take()
  const proposer = take()
  const members: Member[] = [{ id: 'proposer', role: 'proposer', behaviour: proposerConduct.behaviour, account: proposer }]
  const verifiers = Array.from({ length: verifierCount }, (_, i) => ({ id: `verifier-${i + 1}`, role: 'verifier' as const, behaviour: 'honest', account: take() }))
  const sybilVerifiers = Array.from({ length: sybilVerifierCount }, (_, i) => ({ id: `grinder-verifier-${i + 1}`, role: 'verifier' as const, behaviour: 'grinder', account: take() }))
  const trainerMembers = trainerGroups.map((g, i) => ({ id: `trainer-${i + 1}`, role: 'trainer' as const, behaviour: g.behaviour as string, account: take() }))
  const validatorMembers = validatorGroups.map((g, i) => ({ id: `validator-${i + 1}`, role: 'validator' as const, behaviour: g.behaviour as string, account: take() }))
  const aggregatorMembers = Array.from({ length: aggregatorCount }, (_, i) => ({ id: `aggregator-${i + 1}`, role: 'aggregator' as const, behaviour: 'honest', account: take() }))
  const providerMembers = Array.from({ length: providerCount }, (_, i) => ({ id: `data-provider-${i + 1}`, role: 'data-provider' as const, behaviour: 'honest', account: take() }))
  const inferenceMembers = Array.from({ length: inferenceCount }, (_, i) => ({ id: `inference-provider-${i + 1}`, role: 'inference-provider' as const, behaviour: 'honest', account: take() }))
  const strangerMembers = strangerGroups.map((g, i) => ({ id: `stranger-${i + 1}`, role: 'stranger' as const, behaviour: g.behaviour as string, account: take() }))
  members.push(...verifiers, ...sybilVerifiers, ...trainerMembers, ...validatorMembers, ...aggregatorMembers, ...providerMembers, ...inferenceMembers, ...strangerMembers)

  const gasMeter = createGasMeter()
  log('deploying the protocol on the embedded chain')
  const deployment = await deployProtocol(ledger, { deployer, fund: members.map((m) => m.account.address), params: { unbondingDelay: UNBONDING_DELAY } })
  const protocol = await connectProtocol(ledger, deployment, { gasMeter })
  const content = await createContentStore(options.contentDir === undefined ? { kind: 'memory' } : { kind: 'fs', path: options.contentDir })
  const hub = createMemoryPeerHub()
  stage('setup')

  const griefers = strangerMembers.map((m) => Object.assign(createOperatorGriefer({ protocol, key: m.account }), { member: m }))
  const claimAll = async (victims: readonly PoolKey[]) => {
    for (const g of griefers) await g.claim(victims)
  }
  const verifierKeys: PoolKey[] = verifiers.map((v) => ({ address: v.account.address, role: 'verifier' }))
  await claimAll(verifierKeys)

  // Task proposing: the committee checks the spec and the model bundle.
  log('task proposing: verifiers stake, the proposer proposes, the committee checks and votes')
  for (const v of verifiers) await stake(protocol, v.account, { role: 'verifier', amount: deai(500) })
  const grinder = proposerConduct.behaviour === 'grinder' ? createGrinder({ protocol, proposer, sybils: sybilVerifiers.map((v) => v.account) }) : undefined
  await grinder?.stakeSybils(deai(SYBIL_VERIFIER_STAKE))
  const { specCid } = await buildTaskSpec(content, {
    name: scenario.name ?? `fashion-mnist ${scenario.task.model}`,
    model: scenario.task.model,
    training: { rounds: scenario.task.rounds, localEpochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize, learningRate: scenario.task.learningRate },
    mechanisms: { aggregation: scenario.mechanisms.aggregation.rule, consensus: scenario.mechanisms.consensus.rule },
  })
  const budget = deai(scenario.task.budget)
  const { taskId } = await proposeTask(protocol, proposer, { specCid, budget })
  const committee = grinder === undefined ? await drawCommittee(protocol, proposer, taskId) : await grinder.drawCommittee(taskId)
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

  // Data: providers put each trainer's shard in the content store, register it on chain and
  // grant it to the trainer, who reads its data back by CID.
  log(`data: ${providerMembers.length} provider(s) register ${trainerMembers.length} shards`)
  for (const p of providerMembers) await stake(protocol, p.account, { role: 'data-provider', taskId, amount: deai(100) })
  const shards: { cid: string; shardId: bigint; provider: string }[] = []
  for (const [t, trainer] of trainerMembers.entries()) {
    const provider = providerMembers[t % providerMembers.length]!
    const cid = await content.putBytes(encodeImageSet(selectExamples(data.trainPool, data.trainerIndices[t]!)))
    const { shardId } = await registerShard(protocol, provider.account, { taskId, shardCid: cid, examples: data.trainerIndices[t]!.length })
    await grantShard(protocol, provider.account, { taskId, shardId, trainer: trainer.account.address })
    shards.push({ cid, shardId, provider: provider.id })
  }
  stage('data')

  // Staking for the training stage (strangers first try to claim the keys as their operators).
  const workerKeys: PoolKey[] = [
    ...trainerMembers.filter((m) => m.behaviour === 'honest').map((m) => ({ address: m.account.address, role: 'trainer' as const, taskId })),
    ...validatorMembers.filter((m) => m.behaviour === 'honest').map((m) => ({ address: m.account.address, role: 'validator' as const, taskId })),
    ...aggregatorMembers.map((m) => ({ address: m.account.address, role: 'aggregator' as const, taskId })),
  ]
  await claimAll(workerKeys)
  const trainerStake = (i: number) => deai(trainerGroups[i]!.stake ?? 100)
  for (const [i, t] of trainerMembers.entries()) await stake(protocol, t.account, { role: 'trainer', taskId, amount: trainerStake(i) })
  for (const [i, v] of validatorMembers.entries()) {
    const g = validatorGroups[i]!
    await stake(protocol, v.account, { role: 'validator', taskId, amount: deai(g.stake ?? (g.behaviour === 'sybil-swarm' ? SYBIL_VALIDATOR_STAKE : 1000)) })
  }
  for (const a of aggregatorMembers) await stake(protocol, a.account, { role: 'aggregator', taskId, amount: deai(1000) })
  for (const g of griefers) await g.check([...verifierKeys, ...workerKeys])

  const { spec: aggregation, param: aggregationParam } = aggregationSpec(scenario)
  const consensus = scenario.mechanisms.consensus
  const rounds = scenario.task.rounds
  const emissionPerRound = task.budget / BigInt(rounds)
  const maxUpdates = Math.min(MAX_UPDATES, trainerMembers.length)
  const config = trainingConfig({
    rounds,
    periods: { train: TRAIN_PERIOD, updateReveal: UPDATE_REVEAL_PERIOD, score: SCORE_PERIOD, reveal: REVEAL_PERIOD, settle: SETTLE_PERIOD, dispute: DISPUTE_PERIOD },
    emissionPerRound,
    acceptFloorBps: consensus.acceptFloorBps ?? TRAINING_DEFAULTS.acceptFloorBps,
    acceptRelativeBps: consensus.acceptRelativeBps ?? TRAINING_DEFAULTS.acceptRelativeBps,
    deviationBoundBps: consensus.deviationBoundBps ?? TRAINING_DEFAULTS.deviationBoundBps,
    maxUpdates,
    maxValidators: scenario.mechanisms.maxValidators,
    consensus: CONSENSUS_IDS[consensus.rule],
    aggregation: AGGREGATION_IDS[aggregation.rule],
    aggregationParam,
  })
  const initialCid = await content.putTensor(initialWeights(scenario.task.model, deriveSeed(scenario.seed, INITIAL_MODEL_SALT)))
  const training: Training = await createTraining(protocol, proposer, taskId, config, initialCid)
  stage('staking')

  // Roles.
  const attackers = new Set<Address>(trainerMembers.filter((t) => t.behaviour !== 'honest').map((t) => t.account.address))
  const shardData: ImageSet[] = []
  for (const shard of shards) shardData.push(decodeImageSet(await content.getBytes(shard.cid), `shard ${shard.shardId}`))
  const frontRunners: (FrontRunner & { member: Member })[] = []
  const escapers: (SlashEscaper & { member: Member })[] = []
  const trainers: (Trainer & { member: Member })[] = []
  const watchers = async (tx: PendingTrainerTx) => {
    for (const f of frontRunners) await f.watch(tx)
  }
  for (const [i, m] of trainerMembers.entries()) {
    const g = trainerGroups[i]!
    if (g.behaviour === 'front-runner') {
      frontRunners.push(Object.assign(createFrontRunner({ training, key: m.account, owner: m.account.address }), { member: m }))
      continue
    }
    const attack = g.behaviour === 'slash-escaper' ? 'sign-flip' : g.behaviour
    const conduct = attack === 'copier'
      ? { behaviour: 'copier' as const }
      : { behaviour: attack, ...(g.scale === undefined ? {} : { scale: g.scale }), ...(g.sigma === undefined ? {} : { sigma: g.sigma }), ...(g.target === undefined ? {} : { target: g.target }), ...(g.poisonFraction === undefined ? {} : { poisonFraction: g.poisonFraction }) }
    const trainer = createTrainer({
      training, content, peers: hub.connect({ peerId: m.id }), key: m.account, owner: m.account.address, kind: scenario.task.model,
      data: shardData[i]!, indices: Array.from({ length: shardData[i]!.count }, (_, k) => k), epochs: scenario.task.localEpochs, batchSize: scenario.task.batchSize,
      learningRate: scenario.task.learningRate, seed: deriveSeed(scenario.seed, 0x7a, i), conduct,
      // Everyone's pending transactions are public; front-runners watch the others'.
      onPending: watchers,
    })
    if (g.behaviour === 'slash-escaper') escapers.push(Object.assign(createSlashEscaper({ training, trainer, owner: m.account, stake: trainerStake(i) }), { member: m }))
    else trainers.push(Object.assign(trainer, { member: m }))
  }
  // A sybil swarm commits first, hoping to fill the validator set before anyone else.
  const validatorOrder = validatorMembers.map((m, i) => ({ m, i })).sort((a, b) => Number(validatorGroups[b.i]!.behaviour === 'sybil-swarm') - Number(validatorGroups[a.i]!.behaviour === 'sybil-swarm'))
  const validators: (Validator & { member: Member })[] = validatorOrder.map(({ m, i }) => Object.assign(createValidator({
    training, content, key: m.account, owner: m.account.address, kind: scenario.task.model, data: data.validation,
    indices: data.validatorIndices[i]!, behaviour: validatorGroups[i]!.behaviour as ValidatorBehaviour, seed: deriveSeed(scenario.seed, 0x7b, i),
    colluders: attackers,
  }), { member: m }))
  const aggregators = aggregatorMembers.map((m) => createAggregator({ training, content, key: m.account, aggregation, over: scenario.mechanisms.aggregateOver }))

  const roleOf = new Map(members.map((m) => [m.account.address.toLowerCase(), m.role]))
  const measure = async (cid: string) => evaluate({ kind: scenario.task.model, weights: await content.getTensor(cid), data: data.test })
  const initial = await measure(initialCid)
  const roundRecords: RoundRecord[] = []
  let gasSeen = gasMeter.records.length
  const roundSeconds: number[] = []
  const roundCpuSeconds: number[] = []
  const phases: Record<string, number>[] = []

  for (let r = 1; r <= rounds; r++) {
    const roundStarted = Date.now()
    const cpuStarted = process.cpuUsage()
    const round = BigInt(r)
    const phase = phaseClock()
    const info = await getRound(training, round)
    // The shared round schedule (the same one `deai node` follows against a real chain).
    const participants = [
      ...trainers.map((t) => trainerParticipant(t, training)),
      ...escapers.map((e) => escaperParticipant(e, training)),
      // Front-runners take their own turn last: by then they have copied whoever committed first.
      ...frontRunners.map((f) => frontRunnerParticipant(f, training)),
      ...validators.map((v) => validatorParticipant(v, training)),
      aggregatorParticipant(aggregators[(r - 1) % aggregators.length]!, training),
    ]
    const results = await playRound(participants, info, {
      advanceTo: async (time) => {
        const now = await ledger.clock.now()
        if (time > now) await ledger.clock.advance(time - now)
      },
      stageDone: (stage) => void phase(stage),
    })
    const judged = await getJudgements(training, round)
    for (const e of escapers) e.judged(round)
    const model = results.find((result) => result.stage === 'post')!.value as { cid: string; weights: Float32Array }
    const evaluation = await evaluate({ kind: scenario.task.model, weights: model.weights, data: data.test })
    phases.push(phase('measure'))

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
        const position = await getPosition(protocol, m.account.address, { role, taskId })
        stakes[m.id] = position.active
      }
    }
    const { rewards: earned } = await getRewardsAndSlashes(protocol)
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
        rewards: decentralization(workers.map((m) => earned.get(m.account.address.toLowerCase()) ?? 0n)),
        validationPower: decentralization(validatorMembers.map((m) => (revealed.has(m.id) ? stakes[m.id] ?? 0n : 0n))),
      },
    })
    roundSeconds.push((Date.now() - roundStarted) / 1000)
    const cpu = process.cpuUsage(cpuStarted)
    roundCpuSeconds.push((cpu.user + cpu.system) / 1e6)
    const mean = roundSeconds.reduce((a, b) => a + b, 0) / roundSeconds.length
    log(`round ${r}/${rounds}: accuracy ${evaluation.accuracy.toFixed(4)}, accepted ${roundRecords.at(-1)!.accepted}, rejected ${roundRecords.at(-1)!.rejected} (${roundSeconds.at(-1)!.toFixed(1)} s; about ${Math.round(mean * (rounds - r))} s left)`)
  }
  stage('training')

  // Settlement: the dispute window of the last model passes, the rest of the budget goes back,
  // everyone claims.
  await ledger.clock.advance(DISPUTE_PERIOD + 1n)
  await finishTraining(training, proposer)
  stage('training settlement')

  // Marketplace (simple form): the proposer publishes the final model with its lineage.
  const lineage = await buildLineage(protocol, training)
  const published = await publishModel(protocol, proposer, { taskId, lineage, store: content })
  const verifiedRecord = await verifyModelRecord(protocol, taskId)
  log(`model published: ${lineage.model}, lineage ${published.lineageCid} (${verifiedRecord.valid ? 'verified against the chain' : 'DOES NOT match the chain'})`)

  // Inference (simple form): requests answered from the published model, results on chain.
  const inference = await serveInference(protocol, content, {
    taskId, requester: proposer, providers: inferenceMembers, modelCid: lineage.model, kind: scenario.task.model,
    test: data.test, requests: scenario.task.inferenceRequests, seed: scenario.seed,
  })
  if (inference.requests > 0) log(`inference: ${inference.answered} of ${inference.requests} requests answered, ${inference.correct} correct`)
  stage('post-training')

  const participants = await participantBooks(protocol, taskId, members.map((m) => ({ id: m.id, role: m.role, behaviour: m.behaviour, address: m.account.address })))
  const records = new Map<string, AdversaryRecord[]>()
  const keep = (behaviour: string, record: AdversaryRecord) => records.set(behaviour, [...(records.get(behaviour) ?? []), record])
  for (const f of frontRunners) keep('front-runner', f.record())
  for (const e of escapers) keep('slash-escaper', e.record())
  for (const g of griefers) keep('operator-griefer', g.record())
  if (grinder !== undefined) keep('grinder', grinder.record())
  for (const m of members) {
    const unclaimed = await getUnclaimedRewards(protocol, { owner: m.account.address })
    if (unclaimed > 0n) await claimRewards(protocol, m.account)
  }
  stage('settlement')

  const report: RunReport = {
    format: 'deai-run/1',
    scenario,
    task: { id: taskId, specCid, committee: verdicts, trainingContract: training.address },
    stages: [
      { stage: 'task proposing', form: 'full', detail: 'stake-drawn committee, commit–reveal votes, rewards and slashing' },
      { stage: 'data', form: 'simple', detail: 'shards registered by CID with provenance events and per-trainer grants; no data market or proof of contribution yet' },
      { stage: 'compute', form: 'simple', detail: 'every participant brings its own compute; no compute market yet' },
      { stage: 'training', form: 'full', detail: 'update commitments, score commit–reveal, consensus, rewards and slashing, model posting with disputes' },
      { stage: 'marketplace', form: 'simple', detail: 'a model record with its lineage (CID and Merkle root), checkable against the chain; no licences or revenue split yet' },
      { stage: 'inference', form: 'simple', detail: 'requests and results recorded with an escrowed fee; results are not verified or challengeable yet' },
    ],
    data: { shards },
    model: { cid: lineage.model, lineageCid: published.lineageCid, lineageRoot: published.lineageRoot, finalRound: lineage.finalRound, verified: verifiedRecord.valid },
    inference,
    initialAccuracy: initial.accuracy,
    rounds: roundRecords,
    final: { accuracy: roundRecords.at(-1)?.accuracy ?? initial.accuracy, modelCid: roundRecords.at(-1)?.modelCid ?? initialCid },
    participants,
    attacks: attacksOf(roundRecords, participants, records),
    auditTrail: await auditTrail(protocol, training),
    gas: gasByRole(roundRecords, members),
    chain: { chainId: ledger.chain.id, deployment, blocks: await ledger.client.getBlockNumber() },
    timing: { totalSeconds: (Date.now() - started) / 1000, stages: stageTimes, rounds: roundSeconds, roundsCpu: roundCpuSeconds, phases },
  }
  await options.recordChain?.(await ledger.journal())
  await content.close()
  await hub.close()
  await ledger.close()
  return report
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

/** Test images sent as inference requests and answered by the providers in turn. */
async function serveInference(protocol: Protocol, content: ContentStore, o: {
  taskId: bigint; requester: PrivateKeyAccount; providers: readonly Member[]; modelCid: string; kind: Scenario['task']['model']; test: ImageSet; requests: number; seed: number
}): Promise<RunReport['inference']> {
  const results: RunReport['inference']['results'] = []
  if (o.requests === 0 || o.providers.length === 0) return { requests: 0, answered: 0, correct: 0, results }
  const order = Array.from({ length: o.test.count }, (_, i) => i)
  createRandom(deriveSeed(o.seed, 0x1f)).shuffle(order)
  const weights = await content.getTensor(o.modelCid)
  for (let k = 0; k < o.requests; k++) {
    const image = selectExamples(o.test, [order[k % order.length]!])
    const provider = o.providers[k % o.providers.length]!
    const inputCid = await content.putBytes(encodeImageSet({ ...image, labels: new Uint8Array(1) }))
    const { requestId } = await requestInference(protocol, o.requester, { taskId: o.taskId, inputCid, provider: provider.account.address, fee: deai(1) })
    // The provider fetches the model and the input by CID and answers.
    const input = decodeImageSet(await content.getBytes(inputCid), `request ${requestId}`)
    const { classes, confidence } = await predict({ kind: o.kind, weights, data: input })
    const resultCid = await content.putJson({ format: 'deai-inference/1', model: o.modelCid, input: inputCid, class: classes[0]!, confidence: Math.round(confidence[0]! * 10_000) / 10_000 })
    await postInferenceResult(protocol, provider.account, { requestId, resultCid, outputClass: classes[0]! })
    results.push({ requestId, provider: provider.id, inputCid, resultCid, outputClass: classes[0]!, label: image.labels[0]! })
  }
  return { requests: o.requests, answered: results.length, correct: results.filter((r) => r.outputClass === r.label).length, results }
}

/** The trust adversaries report their own attempts; the others are judged round by round. */
function attacksOf(rounds: readonly RoundRecord[], participants: readonly RunParticipant[], records: ReadonlyMap<string, readonly AdversaryRecord[]>): AttackRecord[] {
  const total = participants.reduce((sum, p) => sum + p.rewards, 0n)
  const groups = new Map<string, RunParticipant[]>()
  for (const p of participants) {
    if (p.behaviour === 'honest' || !['trainer', 'validator', 'proposer', 'stranger', 'verifier'].includes(p.role)) continue
    // A grinder's sybil verifiers are part of its attack.
    const key = p.behaviour === 'grinder' ? 'proposer grinder' : `${p.role} ${p.behaviour}`
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  return [...groups.entries()].map(([key, group]) => {
    const ids = new Set(group.map((p) => p.id))
    const role = key.split(' ')[0] as AttackRecord['role']
    const behaviour = group[0]!.behaviour
    const rewards = group.reduce((sum, p) => sum + p.rewards, 0n)
    const own = records.get(behaviour)
    let attempted: number
    let defeated: number
    if (own !== undefined) {
      attempted = own.reduce((n, r) => n + r.attempted, 0)
      defeated = own.reduce((n, r) => n + r.defeated, 0)
    } else if (role === 'trainer') {
      const rows = rounds.flatMap((r) => r.updates.filter((u) => ids.has(u.trainer)))
      attempted = rows.length
      defeated = rows.filter((u) => !u.accepted).length
    } else if (behaviour === 'sybil-swarm') {
      // Each member tries every round to take a seat and be paid for scoring in the owner's
      // favour; it is defeated when it is evicted from the set, slashed or paid nothing.
      const rows = rounds.flatMap((r) => r.validators.filter((v) => ids.has(v.validator)))
      attempted = rounds.length * group.length
      defeated = attempted - rows.filter((v) => !v.slashed && v.reward > 0n).length
    } else {
      const rows = rounds.flatMap((r) => r.validators.filter((v) => ids.has(v.validator)))
      attempted = rows.length
      defeated = rows.filter((v) => v.slashed).length
    }
    return {
      role,
      behaviour,
      participants: group.length,
      attempted,
      defeated,
      rewardShare: total === 0n ? 0 : Number((rewards * 1_000_000n) / total) / 1_000_000,
      net: group.reduce((sum, p) => sum + p.net, 0n),
      notes: own?.flatMap((r) => r.notes) ?? [],
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

