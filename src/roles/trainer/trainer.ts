import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { DeaiError } from '../../errors/base.js'
import { getRound, getSubmissions } from '../../ledger/actions/training/read-training.js'
import { submitUpdate } from '../../ledger/actions/training/write-training.js'
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
}

export type TrainerWork = { round: bigint; cid: string; examples: number; copiedFrom?: Address }

/** The topic trainers announce their updates on. */
export function updatesTopic(taskId: bigint): string {
  return `deai/task/${taskId}/updates`
}

/**
 * The trainer role: each round, fetch the global model by CID, train on its own data (or
 * attack, per its conduct), store the update by CID and submit it on chain.
 */
export function createTrainer(init: TrainerInit) {
  const { training, content, key } = init
  return {
    owner: init.owner,
    behaviour: init.conduct.behaviour,
    async work(round: bigint): Promise<TrainerWork> {
      if (init.conduct.behaviour === 'copier') {
        // Copies the first update another trainer submitted this round.
        const victim = (await getSubmissions(training, round)).find((s) => s.trainer !== init.owner)
        if (victim === undefined) throw new DeaiError('TRAINER_NOTHING_TO_COPY', `no update to copy in round ${round} yet`)
        await submitUpdate(training, key, round, victim.cid, victim.examples)
        return { round, cid: victim.cid, examples: victim.examples, copiedFrom: victim.trainer }
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
      const cid = await content.putTensor(weights)
      await submitUpdate(training, key, round, cid, examples)
      if (init.peers !== undefined) await publishJson(init.peers, updatesTopic(training.taskId), { round: round.toString(), trainer: init.owner, cid })
      return { round, cid, examples }
    },
  }
}

export type Trainer = ReturnType<typeof createTrainer>
