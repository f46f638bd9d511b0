/**
 * The {@link ContentStore} implementation over any blockstore, with `@helia/unixfs` for bytes
 * and the DAG-JSON codec for JSON. No networking: blocks come from the local blockstore only.
 *
 * Why DAG-JSON rather than `@helia/json` (plain JSON, codec 0x0200): DAG-JSON sorts map keys,
 * so the same value gives the same CID on every node (validators recompute CIDs to check
 * commitments), it refuses `undefined`/`NaN`/`Infinity` instead of silently dropping or
 * nulling them, and CIDs inside a document are real links that IPFS tools can follow. It is
 * still JSON text, readable from any gateway. The codec is used directly (not through
 * `@helia/dag-json`) so that a block's size can be checked before it is decoded.
 *
 * @packageDocumentation
 */
import { unixfs } from '@helia/unixfs'
import * as dagJson from '@ipld/dag-json'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { DeaiError, isDeaiError } from '../errors/base.js'
import { toCid } from './cid.js'
import { encodeDagJson } from './dag-json-codec.js'
import { bytesToTensor, tensorToBytes } from './tensor-bytes.js'
import { MAX_BLOCK_BYTES, UNIXFS_IMPORT_OPTIONS } from './unixfs-import-options.js'
import { storeError, verifyingBlockstore } from './verifying-blockstore.js'
import type { CidLike, ContentGetOptions, ContentStore } from './content-store.js'
import type { UnixFS } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'

/** Default for `maxBytes`: 256 MiB. */
export const DEFAULT_MAX_CONTENT_BYTES = 268_435_456

const DAG_PB_CODE = 0x70

const CODEC_NAMES: ReadonlyMap<number, string> = new Map([
  [raw.code, 'raw (bytes or tensor)'],
  [DAG_PB_CODE, 'dag-pb (UnixFS bytes or tensor)'],
  [dagJson.code, 'dag-json (JSON)'],
])

export type HeliaContentStoreInit = {
  /** Where blocks live. Reads are verified, so it need not be trusted. */
  blockstore: Blockstore
  /**
   * Largest content a get returns, in bytes.
   * @default 268435456 (256 MiB)
   */
  maxBytes?: number
  /**
   * Copy blocks in and out of the blockstore (set for stores that keep references).
   * @default false
   */
  copyBlocks?: boolean
  /** Called once by `close()`, to release the blockstore. */
  onClose?: () => Promise<void>
}

/**
 * Creates a content store over a blockstore.
 *
 * @param init - see {@link HeliaContentStoreInit}
 * @returns the store
 */
export function heliaContentStore(init: HeliaContentStoreInit): ContentStore {
  return new HeliaContentStore(init)
}

class HeliaContentStore implements ContentStore {
  readonly #blockstore: Blockstore
  readonly #fs: UnixFS
  readonly #maxBytes: number
  readonly #onClose: (() => Promise<void>) | undefined
  #closed = false

  constructor(init: HeliaContentStoreInit) {
    this.#maxBytes = checkMaxBytes(init.maxBytes ?? DEFAULT_MAX_CONTENT_BYTES)
    this.#blockstore = verifyingBlockstore(init.blockstore, { copyBlocks: init.copyBlocks ?? false })
    this.#fs = unixfs({ blockstore: this.#blockstore })
    this.#onClose = init.onClose
  }

  async putBytes(bytes: Uint8Array): Promise<string> {
    this.#assertOpen()
    if (!(bytes instanceof Uint8Array)) {
      throw new DeaiError('CONTENT_INVALID_INPUT', 'putBytes expects a Uint8Array.', {
        details: [`Got: ${Object.prototype.toString.call(bytes)}`],
        fixes: ['Encode text with new TextEncoder().encode(text), or use putJson for values.'],
      })
    }
    return this.#import(() => this.#fs.addBytes(bytes, UNIXFS_IMPORT_OPTIONS))
  }

  async putStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
    this.#assertOpen()
    return this.#import(() => this.#fs.addByteStream(source, UNIXFS_IMPORT_OPTIONS))
  }

  async getBytes(cid: CidLike, options: ContentGetOptions = {}): Promise<Uint8Array> {
    const { id, size, chunks } = await this.#openFile(cid, options)
    if (size === undefined) return concat(await collect(chunks))
    // The root declares the size (already checked against maxBytes): fill one buffer.
    const bytes = new Uint8Array(size)
    let offset = 0
    for await (const chunk of chunks) {
      if (offset + chunk.byteLength > size) throw sizeMismatch(id, size)
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    if (offset !== size) throw sizeMismatch(id, size)
    return bytes
  }

  async *getStream(cid: CidLike, options: ContentGetOptions = {}): AsyncGenerator<Uint8Array> {
    const { id, size, chunks } = await this.#openFile(cid, options)
    let offset = 0
    for await (const chunk of chunks) {
      offset += chunk.byteLength
      if (size !== undefined && offset > size) throw sizeMismatch(id, size)
      yield chunk
    }
    if (size !== undefined && offset !== size) throw sizeMismatch(id, size)
  }

  async putJson(value: unknown): Promise<string> {
    this.#assertOpen()
    const encoding = encodeDagJson(value)
    if (!encoding.ok) {
      throw new DeaiError('CONTENT_INVALID_JSON', 'The value cannot be stored as DAG-JSON.', {
        details: [`Reason: ${encoding.reason}`],
        fixes: [
          'Use only plain objects, arrays, strings, finite numbers, booleans, null, bigint, Uint8Array and CIDs.',
          'Remove undefined fields and replace NaN/Infinity (e.g. by null) before putting.',
        ],
        cause: encoding.cause,
      })
    }
    const bytes = encoding.bytes
    if (bytes.byteLength > MAX_BLOCK_BYTES) {
      throw new DeaiError('CONTENT_TOO_LARGE', `The JSON value encodes to ${bytes.byteLength} bytes, over the ${MAX_BLOCK_BYTES}-byte limit of one block.`, {
        fixes: ['Store large arrays with putTensor or putBytes and put their CIDs in the JSON instead.'],
      })
    }
    const cid = CID.createV1(dagJson.code, await sha256.digest(bytes))
    await this.#blockstore.put(cid, bytes)
    return cid.toString()
  }

  async getJson(input: CidLike, options: ContentGetOptions = {}): Promise<unknown> {
    this.#assertOpen()
    const cid = toCid(input)
    const maxBytes = this.#resolveMax(options)
    if (cid.code !== dagJson.code) throw wrongKind(cid, 'JSON', 'getBytes or getTensor')
    const chunks = await collect(this.#blockstore.get(cid, signalOption(options)))
    const bytes = concat(chunks)
    if (bytes.byteLength > maxBytes) throw tooLarge(cid.toString(), bytes.byteLength, maxBytes)
    try {
      return dagJson.decode(bytes)
    } catch (cause) {
      throw new DeaiError('CONTENT_INVALID_JSON', `Content ${cid.toString()} is not valid DAG-JSON.`, {
        details: [`Reason: ${cause instanceof Error ? cause.message : String(cause)}`],
        fixes: ['The block matches its hash, so its author wrote invalid DAG-JSON: do not trust this CID.'],
        cause,
      })
    }
  }

  async putTensor(values: Float32Array): Promise<string> {
    return this.putBytes(tensorToBytes(values))
  }

  async getTensor(cid: CidLike, options: ContentGetOptions = {}): Promise<Float32Array> {
    const bytes = await this.getBytes(cid, options)
    return bytesToTensor(bytes, toCid(cid).toString())
  }

  async has(input: CidLike): Promise<boolean> {
    this.#assertOpen()
    return this.#blockstore.has(toCid(input))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#onClose?.()
  }

  async #import(run: () => Promise<CID>): Promise<string> {
    try {
      return (await run()).toString()
    } catch (cause) {
      if (isDeaiError(cause)) throw cause
      throw new DeaiError('CONTENT_INVALID_INPUT', 'The content could not be imported.', {
        details: [`Reason: ${cause instanceof Error ? cause.message : String(cause)}`],
        fixes: ['Pass a Uint8Array, or an iterable of Uint8Array chunks that does not fail while being read.'],
        cause,
      })
    }
  }

  /**
   * Checks a file CID and its declared size, and returns its verified, size-capped chunks.
   * `size` is the length the root declares (dag-pb), or undefined for a single raw block.
   */
  async #openFile(input: CidLike, options: ContentGetOptions): Promise<{ id: string; size: number | undefined; chunks: AsyncIterable<Uint8Array> }> {
    this.#assertOpen()
    const cid = toCid(input)
    const id = cid.toString()
    const maxBytes = this.#resolveMax(options)
    let size: number | undefined
    if (cid.code === DAG_PB_CODE) {
      const stat = await this.#fs.stat(cid, signalOption(options)).catch((cause: unknown) => {
        throw unixfsError(cid, cause)
      })
      if (stat.type !== 'file') throw wrongKind(cid, 'a single file', 'a CID of a file, not a directory')
      if (stat.size > BigInt(maxBytes)) throw tooLarge(id, stat.size, maxBytes)
      size = Number(stat.size)
    } else if (cid.code !== raw.code) {
      throw wrongKind(cid, 'bytes or a tensor', 'getJson')
    }
    return { id, size, chunks: this.#chunks(cid, maxBytes, options) }
  }

  async *#chunks(cid: CID, maxBytes: number, options: ContentGetOptions): AsyncGenerator<Uint8Array> {
    let length = 0
    try {
      for await (const chunk of this.#fs.cat(cid, signalOption(options))) {
        length += chunk.byteLength
        if (length > maxBytes) throw tooLarge(cid.toString(), length, maxBytes)
        yield chunk
      }
    } catch (cause) {
      throw unixfsError(cid, cause)
    }
  }

  #resolveMax(options: ContentGetOptions): number {
    return options.maxBytes === undefined ? this.#maxBytes : checkMaxBytes(options.maxBytes)
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new DeaiError('CONTENT_STORE_CLOSED', 'The content store is closed.', {
        fixes: ['Create a new store with createContentStore, and close it only when done with it.'],
      })
    }
  }
}

function checkMaxBytes(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DeaiError('CONTENT_INVALID_INPUT', `maxBytes must be a non-negative integer, got ${String(value)}.`, {
      fixes: ['Pass a byte count, e.g. 268435456 for 256 MiB.'],
    })
  }
  return value
}

function signalOption(options: ContentGetOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal }
}

/** Turns a UnixFS error into a DeaiError (DeaiErrors from the blockstore pass through). */
function unixfsError(cid: CID, cause: unknown): DeaiError {
  if (isDeaiError(cause)) return cause
  const name = cause instanceof Error ? cause.name : ''
  if (name === 'NotAFileError' || name === 'NoContentError' || name === 'NotUnixFSError') {
    return wrongKind(cid, 'a single file', 'a CID of a file, not a directory')
  }
  if (name === 'AbortError' || name === 'NotFoundError') return storeError(cause, cid, 'read')
  return new DeaiError('CONTENT_CORRUPT', `Content ${cid.toString()} is not a well-formed UnixFS file.`, {
    details: [`Reason: ${cause instanceof Error ? cause.message : String(cause)}`],
    fixes: ['Its blocks match their hashes, so its author built a malformed DAG: do not trust this CID.'],
    cause,
  })
}

function wrongKind(cid: CID, expected: string, instead: string): DeaiError {
  const codec = CODEC_NAMES.get(cid.code) ?? `0x${cid.code.toString(16)}`
  return new DeaiError('CONTENT_WRONG_KIND', `Content ${cid.toString()} is not ${expected}: its codec is ${codec}.`, {
    fixes: [`Use ${instead}, or check that this is the CID you meant.`],
  })
}

function tooLarge(id: string, size: number | bigint, maxBytes: number): DeaiError {
  return new DeaiError('CONTENT_TOO_LARGE', `Content ${id} is larger than the ${maxBytes}-byte limit.`, {
    details: [`Size seen: at least ${size} bytes.`],
    fixes: ['Raise maxBytes for this read (or for the store) if you trust this content.'],
  })
}

function sizeMismatch(id: string, size: number): DeaiError {
  return new DeaiError('CONTENT_CORRUPT', `Content ${id} does not have the ${size} bytes its root block declares.`, {
    fixes: ['Its blocks match their hashes, so its author built a malformed DAG: do not trust this CID.'],
  })
}

async function collect(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  for await (const chunk of source) chunks.push(chunk)
  return chunks
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const chunk of chunks) length += chunk.byteLength
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
