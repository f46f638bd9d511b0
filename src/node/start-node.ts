/**
 * One participant as a long-running node: its role's steps over a ledger, a content store and
 * a peer network, run by the polling driver (src/roles/drivers/polling.ts). `deai node` wires it to a JSON-RPC chain, libp2p and
 * a filesystem store; tests wire several to one embedded chain, one hub and one store. Same
 * role code, both ways.
 *
 * Every `pollMs`, the role's `tick` does whatever is due; an error is logged, shown on the
 * status endpoint and retried with back-off. `stop()` lets the tick in flight finish (a
 * transaction is never cut in half), then returns.
 *
 * @packageDocumentation
 */
import type { PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../content/content-store.js'
import { isDeaiError } from '../errors/base.js'
import type { Protocol } from '../ledger/protocol.js'
import type { PeerNetwork } from '../peers/peer-network.js'
import { startPolling } from '../roles/drivers/polling.js'
import { SILENT_LOG } from './node-log.js'
import type { NodeLog } from './node-log.js'
import type { NodeContext, NodeStatus, RoleDriver } from './node-context.js'
import { dataProviderDriver } from './drivers/data-provider-driver.js'
import type { DataProviderRoleInit } from './drivers/data-provider-driver.js'
import { inferenceProviderDriver } from './drivers/inference-provider-driver.js'
import type { InferenceProviderRoleInit } from './drivers/inference-provider-driver.js'
import { proposerDriver } from './drivers/proposer-driver.js'
import type { ProposerRoleInit } from './drivers/proposer-driver.js'
import { trainingDriver } from './drivers/training-driver.js'
import type { TrainingRoleInit } from './drivers/training-driver.js'
import { verifierDriver } from './drivers/verifier-driver.js'
import type { VerifierRoleInit } from './drivers/verifier-driver.js'

/** The role a node plays, with that role's settings. */
export type NodeRoleInit =
  | ({ role: 'trainer' | 'validator' | 'aggregator' } & Omit<TrainingRoleInit, 'role'>)
  | ({ role: 'verifier' } & VerifierRoleInit)
  | ({ role: 'proposer' } & ProposerRoleInit)
  | ({ role: 'data-provider' } & DataProviderRoleInit)
  | ({ role: 'inference-provider' } & InferenceProviderRoleInit)

export type NodeInit = {
  protocol: Protocol
  /** The key the node signs with; it is both owner and operator of its stake. */
  key: PrivateKeyAccount
  content: ContentStore
  peers: PeerNetwork
  role: NodeRoleInit
  /**
   * Milliseconds between ticks.
   * @default 1000
   */
  pollMs?: number | undefined
  log?: NodeLog
  /** Connected peer ids, for the status (a libp2p peer's `connections`). */
  connections?: () => string[]
}

/** A running node. */
export type RunningNode = {
  /** A snapshot of the node's status. */
  status(): NodeStatus
  /** Stops after the tick in flight. */
  stop(): Promise<void>
}

/** A node's role on no loop of its own: `tick` takes the step due now; the caller decides when. */
export type NodeDriver = RoleDriver & {
  /** A snapshot of the node's status. */
  status(): NodeStatus
  /** Records a failed tick: shown on the status endpoint and logged with the retry delay. */
  failed(error: unknown, retryInMs: number): void
}

/**
 * Wires a node's role onto its ledger, content and peers, without starting a loop: what
 * {@link startNode} polls, and what a test can tick in an order of its choosing.
 */
export function createNodeDriver(init: Omit<NodeInit, 'pollMs'>): NodeDriver {
  const log = init.log ?? SILENT_LOG
  const status: NodeStatus = {
    role: init.role.role,
    address: init.key.address,
    peerId: init.peers.peerId,
    task: null,
    round: null,
    activity: 'starting',
    peers: [],
    lastStep: null,
    lastError: null,
    startedAt: new Date().toISOString(),
  }
  const ctx: NodeContext = {
    protocol: init.protocol,
    key: init.key,
    content: init.content,
    peers: init.peers,
    log,
    status,
    stepTaken(step, fields = {}) {
      status.lastStep = { step, round: status.round, time: new Date().toISOString() }
      log.info(step, fields)
    },
  }
  const driver = createDriver(ctx, init.role)
  return {
    tick: () => driver.tick(),
    close: async () => {
      await driver.close?.()
    },
    status: () => ({ ...status, peers: init.connections?.() ?? [] }),
    failed(error, retryInMs) {
      const code = isDeaiError(error) ? error.code : 'UNEXPECTED'
      const message = error instanceof Error ? (isDeaiError(error) ? error.shortMessage : error.message) : String(error)
      status.lastError = { time: new Date().toISOString(), code, message }
      log.warn('step failed; retrying', { code, error: message, retryInMs })
    },
  }
}

/**
 * Starts a node's loop.
 *
 * @param init - see {@link NodeInit}
 * @returns the running node
 * @example
 * ```ts
 * const node = startNode({ protocol, key, content, peers, role: { role: 'validator', taskId: 1n, stake: parseEther('1000'), data: { part: 0, parts: 2, seed: 1 } } })
 * // … later
 * await node.stop()
 * ```
 */
export function startNode(init: NodeInit): RunningNode {
  const node = createNodeDriver(init)
  const polling = startPolling(node, { pollMs: init.pollMs, onError: (error, retryInMs) => node.failed(error, retryInMs) })
  return {
    status: () => node.status(),
    stop: () => polling.stop(),
  }
}

function createDriver(ctx: NodeContext, init: NodeRoleInit): RoleDriver {
  switch (init.role) {
    case 'trainer':
    case 'validator':
    case 'aggregator':
      return trainingDriver(ctx, init)
    case 'verifier':
      return verifierDriver(ctx, init)
    case 'proposer':
      return proposerDriver(ctx, init)
    case 'data-provider':
      return dataProviderDriver(ctx, init)
    case 'inference-provider':
      return inferenceProviderDriver(ctx, init)
  }
}

