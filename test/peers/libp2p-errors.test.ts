import { describe, test } from 'vitest'
import { createLibp2pPeer } from '../../src/peers/libp2p/create-libp2p-peer.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('libp2p peer errors', () => {
  test('a peer cannot listen on a port another peer holds', async () => {
    const first = await createLibp2pPeer({ discoveryIntervalSeconds: 60 })
    try {
      const taken = first.multiaddrs()[0]!.replace(/\/p2p\/.*$/, '')
      await expectDeaiError(createLibp2pPeer({ listen: [taken], discoveryIntervalSeconds: 60 }), 'PEER_LISTEN_FAILED')
    } finally {
      await first.close()
    }
  })

  test('dialling a peer that has stopped is PEER_DIAL_FAILED', async () => {
    const gone = await createLibp2pPeer({ discoveryIntervalSeconds: 60 })
    const address = gone.multiaddrs()[0]!
    await gone.close()
    const peer = await createLibp2pPeer({ discoveryIntervalSeconds: 60 })
    try {
      await expectDeaiError(peer.dial(address), 'PEER_DIAL_FAILED')
    } finally {
      await peer.close()
    }
  })
})
