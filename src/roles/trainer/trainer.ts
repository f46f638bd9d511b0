import type { Address, Hex, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { getRevealedUpdates } from '../../ledger/actions/training/get-revealed-updates.js'
import { getRound } from '../../ledger/actions/training/get-round.js'
import { prepareUpdateCommitment, updateSalt } from '../../ledger/internal/training-secrets.js'
import { commitUpdate } from '../../ledger/actions/training/commit-update.js'
import { revealUpdate } from '../../ledger/actions/training/reveal-update.js'
import type { UpdateReveal } from '../../ledger/internal/training-secrets.js'
import type { Training } from '../../ledger/training.js'
import type { ImageSet } from '../../ml/datasets/image-set.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { deriveSeed } from '../../ml/random.js'
import type { PeerNetwork } from '../../peers/peer-network.js'
import { publishJson } from '../../peers/json-messages.js'
import { computeUpdate } from './compute-update.js'
import type { TrainerConduct } from './compute-update.js'

export type TrainerInit = {
  training: Training
  content: ContentStore
  peers?: PeerNetwork
  /** The operator key that submits. */
  key: PrivateKeyAccount
  /** The owner the stake and rewards belong to. */
  owner: Address
  kind: ModelKind
  data: ImageSet
  /** This trainer's examples in `data`. */
  indices: readonly number[]
  epochs: number
  batchSize: number
  learningRate: number
  seed: number
  conduct: TrainerConduct | { behaviour: 'copier' }
  /** Hears each transaction just before it is sent (what a public mempool shows). */
  onPending?: (tx: PendingTrainerTx) => Promise<void>
}

export type TrainerWork = { round: bigint; cid: string; examples: number; copiedFrom?: Address }

/**
 * A trainer's transaction as others see it in a public mempool before it lands: front-runners
 * in the scenario runner watch these (on a real chain anyone can).
 */
export type PendingTrainerTx =
  | { kind: 'commitUpdate'; round: bigint; trainer: Address; commitment: Hex }
  | { kind: 'revealUpdate'; round: bigint; trainer: Address; update: UpdateReveal; salt: Hex }

/** The topic trainers announce their updates on. */
export function updatesTopic(taskId: bigint): string {
  return `deai/task/${taskId}/updates`
}

/**
 * The trainer role: each round, fetch the global model by CID, train on its own data (or
 * attack, per its conduct), store the update by CID and commit to it on chain; after the
 * training phase, reveal it. A copier can only take what is already public when it commits: an
 * update another trainer revealed in an earlier round (in round 1, the global model itself).
 */
export interface Trainer {
  /** The owner the stake and rewards belong to. */
  readonly owner: Address
  readonly behaviour: TrainerInit['conduct']['behaviour']
  /** Trains (or attacks) and commits to the update. */
  work(round: bigint): Promise<TrainerWork>
  /** Reveals the committed update and announces it to peers. */
  reveal(round: bigint): Promise<TrainerWork>
}

/**
 * Creates a trainer (see {@link Trainer}).
 */
export function createTrainer(init: TrainerInit): Trainer {
  const { training, content, key } = init
  const pending = new Map<bigint, TrainerWork>()

  async function produce(round: bigint): Promise<TrainerWork> {
    if (init.conduct.behaviour === 'copier') {
      const earlier = round > 1n ? (await getRevealedUpdates(training, round - 1n)).find((s) => s.trainer !== init.owner) : undefined
      if (earlier !== undefined) return { round, cid: earlier.cid, examples: earlier.examples, copiedFrom: earlier.trainer }
      const { modelCid } = await getRound(training, round)
      return { round, cid: modelCid, examples: init.indices.length }
    }
    const info = await getRound(training, round)
    const global = await content.getTensor(info.modelCid)
    const { weights, examples } = await computeUpdate({
      kind: init.kind,
      global,
      data: init.data,
      indices: init.indices,
      epochs: init.epochs,
      batchSize: init.batchSize,
      learningRate: init.learningRate,
      seed: deriveSeed(init.seed, Number(round)),
      conduct: init.conduct,
    })
    return { round, cid: await content.putTensor(weights), examples }
  }

  return {
    owner: init.owner,
    behaviour: init.conduct.behaviour,
    /** Trains (or attacks) and commits to the update. */
    async work(round: bigint): Promise<TrainerWork> {
      const work = await produce(round)
      const update = { round, updateCid: work.cid, examples: work.examples }
      const commitment = await prepareUpdateCommitment(training, key, init.owner, update)
      await init.onPending?.({ kind: 'commitUpdate', round, trainer: init.owner, commitment })
      await commitUpdate(training, key, { round, commitment })
      pending.set(round, work)
      return work
    },
    /**
     * Reveals the committed update and announces it to peers. Training is deterministic, so a
     * restarted trainer recomputes the same update.
     */
    async reveal(round: bigint): Promise<TrainerWork> {
      const work = pending.get(round) ?? (await produce(round))
      const update = { round, updateCid: work.cid, examples: work.examples }
      const salt = await updateSalt(training, key, round)
      await init.onPending?.({ kind: 'revealUpdate', round, trainer: init.owner, update, salt })
      await revealUpdate(training, key, { ...update, salt })
      pending.delete(round)
      if (init.peers !== undefined) await publishJson(init.peers, updatesTopic(training.taskId), { round: round.toString(), trainer: init.owner, cid: work.cid })
      return work
    },
  }
}
