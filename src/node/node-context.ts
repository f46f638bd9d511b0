import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { getPosition } from '../ledger/actions/staking/get-position.js'
import { stake } from '../ledger/actions/staking/stake.js'
import type { RoleName } from '../ledger/contracts/roles.js'
import type { Protocol } from '../ledger/protocol.js'
import type { PeerNetwork } from '../peers/peer-network.js'
import type { PolledParticipant } from '../roles/drivers/polling.js'
import type { NodeLog } from './node-log.js'

/** The roles `deai node` can play. */
export const NODE_ROLES = ['trainer', 'validator', 'aggregator', 'verifier', 'data-provider', 'proposer', 'inference-provider'] as const
export type NodeRole = (typeof NODE_ROLES)[number]

/** What a node reports on its status endpoint. */
export type NodeStatus = {
  role: NodeRole
  /** The address the node signs with (owner and operator). */
  address: string
  peerId: string
  task: string | null
  round: string | null
  /** What the node is doing or waiting for, in a few words. */
  activity: string
  /** Connected peers. */
  peers: string[]
  /** The last step taken: stage, round, when. */
  lastStep: { step: string; round: string | null; time: string } | null
  lastError: { time: string; code: string; message: string } | null
  startedAt: string
}

/** What every role driver works with: the ledger, content, peers, its key, a log and its status. */
export type NodeContext = {
  protocol: Protocol
  key: PrivateKeyAccount
  content: ContentStore
  peers: PeerNetwork
  log: NodeLog
  status: NodeStatus
  /** Records a step taken, for the status endpoint and the log. */
  stepTaken(step: string, fields?: Record<string, unknown>): void
}

/** A role as a node runs it on the polling driver: `tick` does whatever is due now. */
export type RoleDriver = PolledParticipant

/**
 * Stakes `amount` in the pool (task, role) unless the node's key already has an active stake
 * there (a restarted node does not stake twice).
 */
export async function ensureStaked(ctx: NodeContext, role: RoleName, amount: bigint, taskId?: bigint): Promise<void> {
  const position = await getPosition(ctx.protocol, ctx.key.address, { role, ...(taskId === undefined ? {} : { taskId }) })
  if (position.active > 0n) return
  await stake(ctx.protocol, ctx.key, { role, amount, ...(taskId === undefined ? {} : { taskId }) })
  ctx.stepTaken('staked', { amount: amount.toString(), pool: role, task: taskId?.toString() ?? '0' })
}
