import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { writeDeployment } from '../../src/ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { deriveDevKeys } from '../../src/ledger/dev-accounts.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import { createNodeLog } from '../../src/node/node-log.js'
import { openNetworkNode } from '../../src/node/open-network-node.js'
import { serveStatus } from '../../src/node/status-server.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

/** Sockets, servers and timers the process holds, by kind. */
function openResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200))
}

test('a node that fails to open its last part (the status port is taken) closes the ledger, store and peer it opened', async () => {
  const ledger = await createEmbeddedLedger({ accounts: 2 })
  const server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
  const dir = await mkdtemp(join(tmpdir(), 'deai-node-'))
  const taken = await serveStatus(0, () => ({}))
  try {
    await writeDeployment(await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS }), join(dir, 'deployment.json'))
    await settled()
    const before = openResources()
    const [, privateKey] = deriveDevKeys(2)
    if (privateKey === undefined) throw new Error('two dev keys are derived')
    const log: string[] = []
    const error = await expectDeaiError(openNetworkNode({
      rpcUrl: server.url,
      deploymentFile: join(dir, 'deployment.json'),
      privateKey,
      dir: join(dir, 'node'),
      statusPort: Number(new URL(taken.url).port),
      role: { role: 'verifier', stake: 0n },
      log: createNodeLog((line) => void log.push(line)),
      pollMs: 50,
    }), 'NODE_STATUS_PORT_IN_USE')
    expect(error.shortMessage).toContain(new URL(taken.url).port)
    // HTTP keep-alive sockets to the chain outlive their last request by a few seconds.
    const deadline = Date.now() + 15_000
    while (JSON.stringify(openResources()) !== JSON.stringify(before) && Date.now() < deadline) await settled()
    expect(openResources()).toEqual(before)
  } finally {
    await taken.close()
    await server.close()
    await ledger.close()
    await rm(dir, { recursive: true, force: true })
  }
})
