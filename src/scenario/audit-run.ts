import { isDeepStrictEqual } from 'node:util'
import type { Address } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { DeaiError } from '../errors/base.js'
import { getInferenceRequest } from '../ledger/actions/inference/get-inference-request.js'
import { verifyModelRecord } from '../ledger/actions/market/verify-model-record.js'
import { getPosition } from '../ledger/actions/staking/get-position.js'
import { getRewardsAndSlashes } from '../ledger/actions/staking/get-rewards-and-slashes.js'
import { findTraining } from '../ledger/actions/training/find-training.js'
import { getJudgements } from '../ledger/actions/training/get-judgements.js'
import { getPostedModels } from '../ledger/actions/training/get-posted-models.js'
import { parseDeployment } from '../ledger/deploy/deployment.js'
import type { Ledger } from '../ledger/ledger.js'
import { connectProtocol } from '../ledger/protocol.js'
import { trainingAt } from '../ledger/training.js'
import { decentralization } from '../mechanisms/metrics/decentralization.js'
import { evaluate } from '../ml/train/evaluate.js'
import { expectedModel } from '../roles/aggregator/aggregator.js'
import { toJson } from '../shared/to-json.js'
import { auditTrail } from './audit-trail.js'
import { parseScenario } from './load-scenario.js'
import { participantBooks } from './participant-books.js'
import { prepareData } from './prepare-data.js'
import { aggregationSpec } from './aggregation-spec.js'

/** One recomputed figure and whether the report agrees. */
export type AuditCheck = { check: string; ok: boolean; detail?: string }

export type AuditResult = { ok: boolean; checks: AuditCheck[] }

export type AuditRunInit = {
  /** The report as read from its JSON file. */
  report: unknown
  /** The chain the run left (replayed from its journal, or over JSON-RPC). */
  ledger: Ledger
  /** The run's content; when given, every posted model is recomputed and re-evaluated. */
  content?: ContentStore
}

type ReportJson = {
  scenario: unknown
  task: { id: string; trainingContract: Address }
  rounds: { round: number; accuracy: number; loss: number; modelCid: string; accepted: number; rejected: number; updates: unknown; validators: unknown; stake: Record<string, string>; metrics: unknown }[]
  final: { accuracy: number; modelCid: string }
  participants: { id: string; role: string; behaviour: string; address: Address; rewards: string; slashed: string; fees: string; net: string }[]
  auditTrail: unknown
  chain: { deployment: unknown }
  model?: { cid: string; lineageCid: string; lineageRoot: string }
  inference?: { results: { requestId: string; inputCid: string; resultCid: string; outputClass: number }[] }
}

/** Compares as the report's JSON has it (bigints as decimal strings). */
function same(recomputed: unknown, reported: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(toJson(recomputed)), reported)
}

function firstDifference(recomputed: unknown, reported: unknown, path = ''): string {
  const a = JSON.parse(toJson(recomputed)) as unknown
  if (typeof a !== 'object' || a === null || typeof reported !== 'object' || reported === null) {
    return `${path || 'value'}: chain says ${JSON.stringify(a)}, report says ${JSON.stringify(reported)}`
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(reported)])) {
    const x = (a as Record<string, unknown>)[key]
    const y = (reported as Record<string, unknown>)[key]
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}${Array.isArray(a) ? `[${key}]` : `.${key}`}`)
  }
  return path
}

/**
 * Recomputes a run report's key figures from the chain alone (and, given the content, from the
 * content by CID): every round's judgements, rewards and slashes per participant, stake and
 * decentralization per round, the model lineage and the audit trail; with content also every
 * posted model (re-aggregated from the accepted updates) and its test accuracy. Says, figure by
 * figure, whether the report agrees.
 */
export async function auditRun(init: AuditRunInit): Promise<AuditResult> {
  const report = init.report as ReportJson
  if (typeof report !== 'object' || report === null || !Array.isArray(report.rounds) || !Array.isArray(report.participants)) {
    throw new DeaiError('AUDIT_BAD_REPORT', 'this is not a deai run report', { fixes: ['pass the .json file `deai run` wrote'] })
  }
  const scenario = parseScenario(report.scenario, 'report.scenario')
  const deployment = parseDeployment(report.chain.deployment, 'report.chain.deployment')
  const protocol = await connectProtocol(init.ledger, deployment)
  const taskId = BigInt(report.task.id)
  const training = trainingAt(protocol, taskId, report.task.trainingContract)
  const checks: AuditCheck[] = []
  const check = (name: string, recomputed: unknown, reported: unknown) => {
    const ok = same(recomputed, reported)
    checks.push(ok ? { check: name, ok } : { check: name, ok, detail: firstDifference(recomputed, reported) })
  }

  const created = await findTraining(protocol, taskId)
  checks.push({ check: 'training contract of the task', ok: created?.address.toLowerCase() === training.address.toLowerCase() })

  const idOf = new Map(report.participants.map((p) => [p.address.toLowerCase(), p.id]))
  const name = (address: Address) => idOf.get(address.toLowerCase()) ?? address
  const posted = await getPostedModels(training)
  const workers = report.participants.filter((p) => p.role === 'trainer' || p.role === 'validator')
  const staked = report.participants.filter((p) => p.role === 'trainer' || p.role === 'validator' || p.role === 'aggregator')
  const data = init.content === undefined ? undefined : await prepareData(scenario, report.participants.filter((p) => p.role === 'trainer').length, report.participants.filter((p) => p.role === 'validator').length)
  const { spec } = aggregationSpec(scenario)

  for (const reported of report.rounds) {
    const round = BigInt(reported.round)
    const judged = await getJudgements(training, round)
    const updates = judged.updates.map((u) => ({ trainer: name(u.trainer), accepted: u.accepted, consensusScore: u.consensusScore, reward: u.reward }))
    const validators = judged.validators.map((v) => ({ validator: name(v.validator), revealed: v.revealed, deviationBps: v.deviationBps, reward: v.reward, slashed: v.slashed }))
    check(`round ${reported.round}: judgements of the updates`, updates, reported.updates)
    check(`round ${reported.round}: judgements of the validators`, validators, reported.validators)
    check(`round ${reported.round}: accepted and rejected`, { accepted: updates.filter((u) => u.accepted).length, rejected: updates.filter((u) => !u.accepted).length }, { accepted: reported.accepted, rejected: reported.rejected })

    const post = posted.filter((p) => p.round === round).at(-1)
    const modelCid = post?.cid ?? '(none)'
    check(`round ${reported.round}: model posted on chain`, modelCid, reported.modelCid)

    // Stake and decentralization as they stood when the round's model was posted.
    const stake: Record<string, bigint> = {}
    for (const p of staked) {
      const position = await getPosition(protocol, p.address, { role: p.role as 'trainer', taskId, blockNumber: post?.blockNumber })
      stake[p.id] = position.active
    }
    check(`round ${reported.round}: stake per participant`, stake, reported.stake)
    const { rewards: earned } = await getRewardsAndSlashes(protocol, { toBlock: post?.blockNumber })
    const revealed = new Set(validators.filter((v) => v.revealed).map((v) => v.validator))
    check(`round ${reported.round}: decentralization of stake, rewards and validation power`, {
      stake: decentralization(workers.map((p) => stake[p.id] ?? 0n)),
      rewards: decentralization(workers.map((p) => earned.get(p.address.toLowerCase()) ?? 0n)),
      validationPower: decentralization(workers.filter((p) => p.role === 'validator').map((p) => (revealed.has(p.id) ? stake[p.id] ?? 0n : 0n))),
    }, reported.metrics)

    if (init.content !== undefined && data !== undefined) {
      const model = await expectedModel(training, init.content, round, spec, scenario.mechanisms.aggregateOver)
      checks.push({ check: `round ${reported.round}: model recomputed from the accepted updates by CID`, ok: model.cid === modelCid, ...(model.cid === modelCid ? {} : { detail: `recomputed ${model.cid}, posted ${modelCid}` }) })
      const evaluation = await evaluate({ kind: scenario.task.model, weights: model.weights, data: data.test })
      check(`round ${reported.round}: test accuracy of the posted model`, { accuracy: evaluation.accuracy, loss: evaluation.loss }, { accuracy: reported.accuracy, loss: reported.loss })
    }
  }
  const last = report.rounds.at(-1)
  if (last !== undefined) check('final model', last.modelCid, report.final.modelCid)

  const participants = await participantBooks(protocol, taskId, report.participants)
  check('rewards, slashes, fees and net gain per participant', participants, report.participants)

  const record = await verifyModelRecord(protocol, taskId)
  checks.push({ check: 'model record: lineage rebuilt from the chain matches the published record', ok: record.valid, ...(record.valid ? {} : { detail: record.mismatches.map((m) => m.field).join(', ') }) })
  check('model record: model, lineage CID and root', { cid: record.record.modelCid, lineageCid: record.record.lineageCid, lineageRoot: record.record.lineageRoot }, report.model === undefined ? null : { cid: report.model.cid, lineageCid: report.model.lineageCid, lineageRoot: report.model.lineageRoot })
  const answers = []
  for (const r of report.inference?.results ?? []) {
    const request = await getInferenceRequest(protocol, BigInt(r.requestId))
    answers.push({ requestId: r.requestId, inputCid: request.inputCid, resultCid: request.resultCid ?? null, outputClass: request.outputClass ?? null })
  }
  check('inference: every request and result as recorded on chain', answers, (report.inference?.results ?? []).map((r) => ({ requestId: r.requestId, inputCid: r.inputCid, resultCid: r.resultCid, outputClass: r.outputClass })))
  check('audit trail (every event, in order)', await auditTrail(protocol, training), report.auditTrail)
  return { ok: checks.every((c) => c.ok), checks }
}
