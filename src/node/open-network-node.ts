/**
 * `deai node` without the flags: one role over a JSON-RPC chain, a libp2p peer and a
 * filesystem content store that fetches missing blocks from peers, with a status endpoint.
 *
 * The node's directory holds `content/` (its blocks, served to peers) and `peer-key` (its
 * libp2p identity, so its peer id survives restarts).
 *
 * @packageDocumentation
 */
import { join, resolve } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createContentStore } from '../content/create-content-store.js'
import type { ContentStore } from '../content/content-store.js'
import { readDeployment } from '../ledger/deploy/deployment.js'
import { connectProtocol } from '../ledger/protocol.js'
import { createRpcLedger } from '../ledger/rpc/create-rpc-ledger.js'
import { createLibp2pPeer } from '../peers/libp2p/create-libp2p-peer.js'
import type { Libp2pPeer } from '../peers/libp2p/create-libp2p-peer.js'
import { loadOrCreatePeerKey } from '../peers/libp2p/peer-key.js'
import type { NodeLog } from './node-log.js'
import type { NodeStatus } from './node-context.js'
import { startNode } from './start-node.js'
import type { NodeRoleInit } from './start-node.js'
import { serveStatus } from './status-server.js'
import type { StatusServer } from './status-server.js'

export type NetworkNodeInit = {
  rpcUrl: string
  deploymentFile: string
  /** The signing key (owner and operator). Held in memory only. */
  privateKey: Hex
  /** The node's directory (content store and peer identity). */
  dir: string
  /** Multiaddrs to listen on. @default ['/ip4/127.0.0.1/tcp/0'] */
  listen?: string[]
  /** Bootstrap peers, kept connected with back-off retries. */
  peers?: string[]
  /** Status endpoint port on 127.0.0.1 (0: any free port); none when absent. */
  statusPort?: number
  role: NodeRoleInit
  log: NodeLog
  /** @default 1000 */
  pollMs?: number
}

export type NetworkNode = {
  readonly peerId: string
  readonly multiaddrs: string[]
  readonly statusUrl: string | undefined
  status(): NodeStatus
  /** Stops the role after its step in flight, then the peer, store, endpoint and ledger. */
  stop(): Promise<void>
}

/**
 * Opens everything a node needs and starts its role.
 * @throws DeaiError `LEDGER_BAD_RPC_URL`, `LEDGER_RPC_UNREACHABLE`, `DEPLOYMENT_*`,
 *   `PEER_LISTEN_FAILED`, `NODE_STATUS_PORT_IN_USE`, `CONTENT_STORE_FAILED`
 */
export async function openNetworkNode(init: NetworkNodeInit): Promise<NetworkNode> {
  const opened: Array<() => Promise<unknown>> = []
  const closeAll = async () => {
    for (const close of opened.reverse()) await close().catch(() => undefined)
  }
  try {
    const ledger = await createRpcLedger({ url: init.rpcUrl, privateKeys: [init.privateKey] })
    opened.push(() => ledger.close())
    const protocol = await connectProtocol(ledger, await readDeployment(resolve(init.deploymentFile)))
    const key = ledger.accounts[0] ?? privateKeyToAccount(init.privateKey)
    const contentDir = join(resolve(init.dir), 'content')
    const served = new FsBlockstore(contentDir)
    await served.open()
    opened.push(() => served.close())
    const peer: Libp2pPeer = await createLibp2pPeer({
      ...(init.listen === undefined ? {} : { listen: init.listen }),
      bootstrap: init.peers ?? [],
      privateKey: await loadOrCreatePeerKey(join(resolve(init.dir), 'peer-key')),
      blockstore: served,
      blockTimeoutMs: 5000,
      onEvent: (event) => {
        if (event.kind === 'dial-failed') init.log.warn('bootstrap peer unreachable; retrying', { peer: event.address, error: event.error, retryInMs: event.retryInMs })
        else init.log.debug(event.kind, { peer: event.peer })
      },
    })
    opened.push(() => peer.close())
    const content: ContentStore = await createContentStore({ kind: 'fs', path: contentDir, source: { fetchBlock: (cid, options) => peer.fetchBlock(cid, options ?? {}) } })
    opened.push(() => content.close())
    const node = startNode({ protocol, key, content, peers: peer, role: init.role, log: init.log, connections: () => peer.connections(), ...(init.pollMs === undefined ? {} : { pollMs: init.pollMs }) })
    opened.push(() => node.stop())
    let status: StatusServer | undefined
    if (init.statusPort !== undefined) {
      const server = await serveStatus(init.statusPort, () => node.status())
      status = server
      opened.push(() => server.close())
    }
    return {
      peerId: peer.peerId,
      multiaddrs: peer.multiaddrs(),
      statusUrl: status?.url,
      status: () => node.status(),
      stop: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
