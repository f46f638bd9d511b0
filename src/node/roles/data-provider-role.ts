/**
 * A minimal data provider: it stores its part of the dataset in the content store, as one
 * bytes object per shard (images, then labels), serves it to peers, and announces the CIDs on
 * the task's data topic now and then. The data contracts (datatokens, access orders) are not
 * part of the protocol yet, so nothing is registered on chain.
 *
 * @packageDocumentation
 */
import { publishJson } from '../../peers/json-messages.js'
import { loadDataPart } from '../node-data.js'
import type { DataPartInit } from '../node-data.js'
import type { NodeContext, RoleDriver } from '../node-context.js'

/** The topic data providers announce their shards on. */
export function dataTopic(taskId: bigint | undefined): string {
  return taskId === undefined ? 'deai/data' : `deai/task/${taskId}/data`
}

export type DataProviderRoleInit = {
  taskId?: bigint
  data: DataPartInit
  /** Seconds between announcements. @default 30 */
  announceEverySeconds?: number
}

/** Creates the driver of a data-provider node. */
export function dataProviderRole(ctx: NodeContext, init: DataProviderRoleInit): RoleDriver {
  let shard: { images: string; labels: string; examples: number } | undefined
  let lastAnnounced = 0
  return {
    async tick() {
      if (shard === undefined) {
        const { data } = await loadDataPart(init.data)
        shard = { images: await ctx.content.putBytes(data.images), labels: await ctx.content.putBytes(data.labels), examples: data.count }
        ctx.stepTaken('stored its shard', shard)
      }
      if (init.taskId !== undefined) ctx.status.task = init.taskId.toString()
      if (Date.now() - lastAnnounced < (init.announceEverySeconds ?? 30) * 1000) return
      await publishJson(ctx.peers, dataTopic(init.taskId), { dataset: 'fashion-mnist', split: init.data.split, part: init.data.part, parts: init.data.parts, ...shard })
      lastAnnounced = Date.now()
      ctx.status.activity = `serving ${shard.examples} examples`
    },
  }
}
