import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { loadOrCreatePeerKey } from '../../src/peers/libp2p/peer-key.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('the peer identity key file', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-peer-key-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('a file that is not a libp2p key is refused, not replaced', async () => {
    const path = join(dir, 'peer.key')
    await writeFile(path, 'not a protobuf key')
    await expectDeaiError(loadOrCreatePeerKey(path), 'PEER_KEY_INVALID')
  })

  test('a key that cannot be written is PEER_KEY_UNWRITABLE', async () => {
    const notADirectory = join(dir, 'plain-file')
    await writeFile(notADirectory, 'not a directory')
    await expectDeaiError(loadOrCreatePeerKey(join(notADirectory, 'node', 'peer.key')), 'PEER_KEY_UNWRITABLE')
  })
})
