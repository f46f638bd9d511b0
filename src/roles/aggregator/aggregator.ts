import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { getJudgements } from '../../ledger/actions/training/get-judgements.js'
import { getRevealedUpdates } from '../../ledger/actions/training/get-revealed-updates.js'
import { getRound } from '../../ledger/actions/training/get-round.js'
import { postModel } from '../../ledger/actions/training/post-model.js'
import { settleRound } from '../../ledger/actions/training/settle-round.js'
import type { Training } from '../../ledger/training.js'
import { nextGlobalModel } from './next-global-model.js'
import type { AggregationSpec } from './next-global-model.js'

/** The accepted updates of a settled round, as consensus judged them. */
export async function acceptedUpdates(training: Training, round: bigint): Promise<{ cid: string; examples: number }[]> {
  const [submissions, { updates }] = [await getRevealedUpdates(training, round), await getJudgements(training, round)]
  const accepted = new Set(updates.filter((u) => u.accepted).map((u) => u.index))
  return submissions.filter((s) => accepted.has(s.index)).map((s) => ({ cid: s.cid, examples: s.examples }))
}

/** Which updates the rule aggregates: the accepted ones (the protocol), or all (an ablation). */
export type AggregateOver = 'accepted' | 'all'

/** Computes the model that should follow `round` (what an honest aggregator posts). */
export async function expectedModel(training: Training, content: ContentStore, round: bigint, spec: AggregationSpec, over: AggregateOver = 'accepted'): Promise<{ cid: string; weights: Float32Array }> {
  const { modelCid } = await getRound(training, round)
  const updates = over === 'all'
    ? (await getRevealedUpdates(training, round)).map((s) => ({ cid: s.cid, examples: s.examples }))
    : await acceptedUpdates(training, round)
  const weights = await nextGlobalModel(content, modelCid, updates, spec)
  return { cid: await content.putTensor(weights), weights }
}

/**
 * The aggregator role: after the reveal deadline, settle the round (anyone may; the aggregator
 * does, since it posts next); once settled, aggregate the accepted updates with the task's
 * rule, store the result by CID and post it, which opens the next round.
 */
export interface Aggregator {
  /** Settles `round` (the contract holds its commitments and reveals). */
  settle(round: bigint): Promise<void>
  /** Aggregates the round's accepted updates and posts the next model. */
  post(round: bigint): Promise<{ cid: string; weights: Float32Array }>
}

export type AggregatorInit = { training: Training; content: ContentStore; key: PrivateKeyAccount; aggregation: AggregationSpec; over?: AggregateOver }

/**
 * Creates an aggregator (see {@link Aggregator}).
 */
export function createAggregator(init: AggregatorInit): Aggregator {
  return {
    /** Settles `round` (the contract holds its commitments and reveals). */
    async settle(round: bigint): Promise<void> {
      await settleRound(init.training, init.key, { round })
    },
    async post(round: bigint): Promise<{ cid: string; weights: Float32Array }> {
      const model = await expectedModel(init.training, init.content, round, init.aggregation, init.over)
      await postModel(init.training, init.key, { round, modelCid: model.cid })
      return model
    },
  }
}
