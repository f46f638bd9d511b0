/**
 * The data-provider node: the data-provider role's steps on the polling driver. It stores its
 * part of the dataset in the content store and serves it to peers, announcing the CIDs on the
 * task's data topic now and then; once the task is open it stakes in the task's data-provider
 * pool (if it has no stake there), registers its shards on chain and grants each to its trainer
 * (or, for a part read from disk, to every trainer staked in the task). What is registered and
 * granted is read back from the chain, so a restart repeats nothing.
 *
 * @packageDocumentation
 */
import type { Address } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { getGrantedShards } from '../../ledger/actions/data/get-granted-shards.js'
import { listShards } from '../../ledger/actions/data/list-shards.js'
import { listStakers } from '../../ledger/actions/staking/list-stakers.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { getTaskCount } from '../../ledger/actions/tasks/get-task-count.js'
import { encodeImageSet } from '../../ml/datasets/image-set-bytes.js'
import type { ImageSet } from '../../ml/datasets/image-set.js'
import { publishJson } from '../../peers/json-messages.js'
import { createDataProvider } from '../../roles/data-provider/data-provider.js'
import { loadDataPart } from '../node-data.js'
import type { DataPartInit } from '../node-data.js'
import { ensureStaked } from '../node-context.js'
import type { NodeContext, RoleDriver } from '../node-context.js'

/** The topic data providers announce their shards on. */
export function dataTopic(taskId: bigint | undefined): string {
  return taskId === undefined ? 'deai/data' : `deai/task/${taskId}/data`
}

export type DataProviderRoleInit = {
  taskId?: bigint
  /** The node's part of the dataset, read from disk; granted to every trainer staked in the task. */
  data?: DataPartInit | undefined
  /** Shards held in memory instead of `data`, each granted to its trainer (an owner address). */
  shards?: readonly { data: ImageSet; trainer: Address }[]
  /** Stake to put in the task's data-provider pool if the key has none (wei). @default 0: none */
  stake?: bigint
  /** Seconds between announcements. @default 30 */
  announceEverySeconds?: number
}

type HeldShard = { data: ImageSet; cid: string; trainer: Address | undefined }

/** Creates the driver of a data-provider node. */
export function dataProviderDriver(ctx: NodeContext, init: DataProviderRoleInit): RoleDriver {
  const provider = createDataProvider({ protocol: ctx.protocol, content: ctx.content, key: ctx.key })
  let announced: { images: string; labels: string; examples: number } | undefined
  let held: HeldShard[] | undefined
  let staked = false
  let lastAnnounced = 0

  const hold = async (): Promise<HeldShard[]> => {
    if (init.shards === undefined && init.data === undefined) {
      throw new DeaiError('NODE_NO_DATA', 'A data provider needs its part of the dataset or shards to provide.', { fixes: ['Give the node --partition I/N (and --data-dir).'] })
    }
    const shards = init.shards ?? (init.data === undefined ? [] : [{ data: (await loadDataPart(init.data)).data, trainer: undefined }])
    const first = shards[0]
    if (first !== undefined && init.shards === undefined) {
      announced = { images: await ctx.content.putBytes(first.data.images), labels: await ctx.content.putBytes(first.data.labels), examples: first.data.count }
      ctx.stepTaken('stored its shard', announced)
    }
    return Promise.all(shards.map(async (s) => ({ data: s.data, cid: await ctx.content.putBytes(encodeImageSet(s.data)), trainer: s.trainer })))
  }

  /** Registers and grants what the chain does not show yet, in shard order. */
  const provide = async (taskId: bigint, shards: readonly HeldShard[]): Promise<void> => {
    if (!staked && init.stake !== undefined && init.stake > 0n) await ensureStaked(ctx, 'data-provider', init.stake, taskId)
    staked = true
    const me = ctx.key.address.toLowerCase()
    const trainers = await listStakers(ctx.protocol, { role: 'trainer', taskId })
    for (const [i, shard] of shards.entries()) {
      const mine = (await listShards(ctx.protocol, taskId)).filter((s) => s.provider.toLowerCase() === me)
      let shardId = mine[i]?.cid === shard.cid ? mine[i]?.id : undefined
      if (shardId === undefined) {
        shardId = (await provider.register(taskId, shard.data)).shardId
        ctx.stepTaken('registered a shard', { task: taskId, shard: shardId, cid: shard.cid })
      }
      for (const trainer of shard.trainer === undefined ? trainers : [shard.trainer]) {
        if ((await getGrantedShards(ctx.protocol, taskId, trainer)).includes(shardId)) continue
        await provider.grant(taskId, shardId, trainer)
        ctx.stepTaken('granted a shard', { task: taskId, shard: shardId, trainer })
      }
    }
  }

  return {
    async tick() {
      held ??= await hold()
      const taskId = init.taskId
      if (taskId !== undefined) {
        ctx.status.task = taskId.toString()
        if ((await getTaskCount(ctx.protocol)) >= taskId && (await getTask(ctx.protocol, taskId)).status === 'open') await provide(taskId, held)
      }
      if (announced === undefined || init.data === undefined || Date.now() - lastAnnounced < (init.announceEverySeconds ?? 30) * 1000) return
      await publishJson(ctx.peers, dataTopic(taskId), { dataset: 'fashion-mnist', split: init.data.split, part: init.data.part, parts: init.data.parts, ...announced, shard: held[0]?.cid })
      lastAnnounced = Date.now()
      ctx.status.activity = `serving ${announced.examples} examples`
    },
  }
}
