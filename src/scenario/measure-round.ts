import type { Address } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { getPosition } from '../ledger/actions/staking/get-position.js'
import type { UpdateJudgement, ValidatorJudgement } from '../ledger/actions/training/get-judgements.js'
import type { GasMeter } from '../ledger/gas-meter.js'
import type { Protocol } from '../ledger/protocol.js'
import { decentralization } from '../mechanisms/metrics/decentralization.js'
import type { ImageSet } from '../ml/datasets/image-set.js'
import type { ModelKind } from '../ml/models/architecture.js'
import { evaluate } from '../ml/train/evaluate.js'
import type { RoundRecord } from './run-report.js'
import type { Member } from './scenario-cast.js'

export type RoundMeterInit = {
  protocol: Protocol
  content: ContentStore
  gasMeter: GasMeter
  kind: ModelKind
  /** The test images accuracy is measured on. */
  test: ImageSet
  members: readonly Member[]
}

/** What a round left on chain that the report shows. */
export type PlayedRound = {
  taskId: bigint
  round: number
  model: { cid: string; weights: Float32Array }
  judged: { updates: UpdateJudgement[]; validators: ValidatorJudgement[] }
}

/** Measures each round as it ends: accuracy, gas per role, stake and decentralization. */
export interface RoundMeter {
  /** Accuracy and loss of a model on the test images. */
  evaluate(cid: string): Promise<{ accuracy: number; loss: number }>
  /** Counts gas from now on (the rounds' gas leaves out the task's and the staking's). */
  begin(): void
  /** The round's record; gas counts every transaction since the previous record (or `begin`). */
  record(played: PlayedRound): Promise<RoundRecord>
}

/** Creates the meter. */
export function roundMeter(init: RoundMeterInit): RoundMeter {
  const { protocol, members } = init
  const byAddress = new Map(members.map((m) => [m.account.address.toLowerCase(), m]))
  const idOf = (address: Address) => byAddress.get(address.toLowerCase())?.id ?? address
  const workers = members.filter((m) => m.role === 'trainer' || m.role === 'validator')
  const staked = members.filter((m) => m.role === 'trainer' || m.role === 'validator' || m.role === 'aggregator')
  const earned = new Map<string, bigint>()
  let gasSeen = init.gasMeter.records.length
  return {
    begin() {
      gasSeen = init.gasMeter.records.length
    },
    async evaluate(cid) {
      return evaluate({ kind: init.kind, weights: await init.content.getTensor(cid), data: init.test })
    },
    async record({ taskId, round, model, judged }) {
      const evaluation = await evaluate({ kind: init.kind, weights: model.weights, data: init.test })
      const gas: Record<string, bigint> = {}
      for (const record of init.gasMeter.records.slice(gasSeen)) {
        const role = byAddress.get(record.from.toLowerCase())?.role ?? 'other'
        gas[role] = (gas[role] ?? 0n) + record.gasUsed
      }
      gasSeen = init.gasMeter.records.length
      const stakes: Record<string, bigint> = {}
      for (const m of staked) {
        if (m.role !== 'trainer' && m.role !== 'validator' && m.role !== 'aggregator') continue
        stakes[m.id] = (await getPosition(protocol, m.account.address, { role: m.role, taskId })).active
      }
      for (const u of judged.updates) earned.set(idOf(u.trainer), (earned.get(idOf(u.trainer)) ?? 0n) + u.reward)
      for (const v of judged.validators) earned.set(idOf(v.validator), (earned.get(idOf(v.validator)) ?? 0n) + v.reward)
      const revealed = new Set(judged.validators.filter((v) => v.revealed).map((v) => idOf(v.validator)))
      return {
        round,
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
          validationPower: decentralization(workers.filter((m) => m.role === 'validator').map((m) => (revealed.has(m.id) ? stakes[m.id] ?? 0n : 0n))),
        },
      }
    },
  }
}
