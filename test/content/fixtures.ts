/** Shared test inputs and helpers for content tests. */
import { join } from 'node:path'
import { base32upper } from 'multiformats/bases/base32'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

/** Deterministic bytes: byte i is (31 i + 7) mod 251. */
export function patternBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) % 251
  return bytes
}

/** `count` float32 values uniform in [-1, 1) from mulberry32(seed). */
export function seededFloats(seed: number, count: number): Float32Array {
  let state = seed >>> 0
  const values = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return values
}

/** Where blockstore-fs keeps a block: `<dir>/<last 2 chars>/<base32upper multihash>.data`. */
export function blockPath(directory: string, cid: string): string {
  const name = base32upper.encoder.encode(CID.parse(cid).multihash.bytes)
  return join(directory, name.slice(-2), `${name}.data`)
}

/** The raw-leaf CID of one chunk. */
export async function rawCid(bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

/**
 * An independent dag-pb encoder for a UnixFS file root over raw leaves (protobuf by hand,
 * links before data, as dag-pb requires). Lets tests build hostile roots, and checks the
 * importer's roots against a second implementation.
 *
 * @param leaves - the leaf CIDs, their sizes, and optionally the sizes the root claims for them
 * @returns the root block and its CID
 */
export async function encodeFileRoot(leaves: ReadonlyArray<{ cid: CID; size: number; claimed?: number }>): Promise<{ cid: CID; block: Uint8Array }> {
  const links = leaves.map(({ cid, size }) => field(2, concat(field(1, cid.bytes), field(2, new Uint8Array()), key(3, 0), varint(size))))
  const claimed = leaves.map(({ size, claimed }) => claimed ?? size)
  const fileSize = claimed.reduce((sum, size) => sum + size, 0)
  const unixfs = concat(key(1, 0), varint(2), key(3, 0), varint(fileSize), ...claimed.flatMap((size) => [key(4, 0), varint(size)]))
  const block = concat(...links, field(1, unixfs))
  return { cid: CID.createV1(0x70, await sha256.digest(block)), block }
}

/** An empty UnixFS directory node (dag-pb), built by hand. */
export async function encodeEmptyDirectory(): Promise<{ cid: CID; block: Uint8Array }> {
  const block = field(1, concat(key(1, 0), varint(1)))
  return { cid: CID.createV1(0x70, await sha256.digest(block)), block }
}

function varint(value: number): Uint8Array {
  const out: number[] = []
  let n = BigInt(value)
  do {
    const low = Number(n & 0x7fn)
    n >>= 7n
    out.push(n > 0n ? low | 0x80 : low)
  } while (n > 0n)
  return Uint8Array.from(out)
}

function key(fieldNumber: number, wireType: number): Uint8Array {
  return varint(fieldNumber * 8 + wireType)
}

function field(fieldNumber: number, payload: Uint8Array): Uint8Array {
  return concat(key(fieldNumber, 2), varint(payload.byteLength), payload)
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}
