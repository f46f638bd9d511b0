import { describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { loadDataPart } from '../../src/node/node-data.js'
import { dataTopic } from '../../src/node/drivers/data-provider-driver.js'
import { createNodeDriver, startNode } from '../../src/node/start-node.js'
import { readJsonMessage } from '../../src/peers/json-messages.js'
import { createMemoryPeerHub } from '../../src/peers/memory-peer-hub.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('the data-provider node', () => {
  test('stores its part of the dataset by CID and announces it on the task\'s data topic', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 2 })
    const protocol = await connectProtocol(ledger, await deployProtocol(ledger))
    const content = await createContentStore({ kind: 'memory' })
    const hub = createMemoryPeerHub()
    const heard: unknown[] = []
    hub.connect({ peerId: 'listener' }).subscribe(dataTopic(7n), (message) => void heard.push(readJsonMessage(message)))
    const data = { split: 'train' as const, part: 1, parts: 4, seed: 3, examples: 50 }
    const node = startNode({ protocol, key: ledger.accounts[1]!, content, peers: hub.connect({ peerId: 'provider' }), role: { role: 'data-provider', taskId: 7n, data }, pollMs: 20 })
    try {
      const deadline = Date.now() + 30_000
      while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      const announced = heard[0] as { images: string; labels: string; examples: number }
      expect(announced).toMatchObject({ dataset: 'fashion-mnist', split: 'train', part: 1, parts: 4, examples: 50 })
      const expected = await loadDataPart(data)
      expect(Buffer.from(await content.getBytes(announced.images)).equals(Buffer.from(expected.data.images))).toBe(true)
      expect(Array.from(await content.getBytes(announced.labels))).toEqual(Array.from(expected.data.labels))
      expect(node.status()).toMatchObject({ role: 'data-provider', task: '7', lastError: null })
    } finally {
      await node.stop()
      await hub.close()
      await content.close()
      await ledger.close()
    }
  })

  test('a data provider given neither a part of the dataset nor shards says so on its first step', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 2 })
    const protocol = await connectProtocol(ledger, await deployProtocol(ledger))
    const content = await createContentStore({ kind: 'memory' })
    const hub = createMemoryPeerHub()
    const [, key] = ledger.accounts
    if (key === undefined) throw new Error('the ledger has two accounts')
    const driver = createNodeDriver({ protocol, key, content, peers: hub.connect({ peerId: 'provider' }), role: { role: 'data-provider', taskId: 7n } })
    try {
      const error = await expectDeaiError(driver.tick(), 'NODE_NO_DATA')
      expect(error.fixes.join(' ')).toContain('--partition')
    } finally {
      await driver.close?.()
      await hub.close()
      await content.close()
      await ledger.close()
    }
  })

  test('nodes sharing a seed get disjoint parts of a split', async () => {
    const parts = await Promise.all([0, 1, 2].map((part) => loadDataPart({ split: 'test', part, parts: 3, seed: 5, examples: 40 })))
    const keys = parts.flatMap((p) => Array.from({ length: p.data.count }, (_, i) => Buffer.from(p.data.images.subarray(i * 784, (i + 1) * 784)).toString('base64')))
    expect(keys).toHaveLength(120)
    expect(new Set(keys).size).toBe(120)
    await expect(loadDataPart({ split: 'test', part: 3, parts: 3, seed: 5 })).rejects.toMatchObject({ code: 'NODE_BAD_PARTITION' })
  })
})
