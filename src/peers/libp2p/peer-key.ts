/**
 * A node's libp2p identity, kept in a file so that its peer id (and so the multiaddrs other
 * operators bootstrap from) survive restarts. The file holds the Ed25519 key in libp2p's
 * protobuf form, readable by the owner only. It is a network identity, not a money key.
 *
 * @packageDocumentation
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { DeaiError } from '../../errors/base.js'

/** A libp2p identity key, as `@libp2p/crypto` makes it. */
export type PeerPrivateKey = ReturnType<typeof privateKeyFromProtobuf>

/**
 * Reads the identity key at `path`, or creates one there.
 * @throws DeaiError `PEER_KEY_INVALID` for a file that is not a libp2p key, `PEER_KEY_UNWRITABLE`
 */
export async function loadOrCreatePeerKey(path: string): Promise<PeerPrivateKey> {
  let bytes: Buffer | undefined
  try {
    bytes = await readFile(path)
  } catch {
    bytes = undefined
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (cause) {
      throw new DeaiError('PEER_KEY_INVALID', `${path} is not a libp2p identity key.`, { fixes: ['Delete it to get a new peer id.'], cause })
    }
  }
  const key = await generateKeyPair('Ed25519')
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600 })
  } catch (cause) {
    throw new DeaiError('PEER_KEY_UNWRITABLE', `Cannot write the peer identity key ${path}.`, { fixes: ['Check that the node directory is writable.'], cause })
  }
  return key
}
