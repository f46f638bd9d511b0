/**
 * The content store contract: bytes, JSON and float32 tensors, each addressed by a CIDv1.
 *
 * Types only. The implementation is in `helia-content-store.ts`, made by `createContentStore`.
 *
 * Encodings (these fix the CIDs, so they are part of the protocol):
 * - bytes: a UnixFS file imported like `ipfs add --cid-version=1` with the IPIP-499
 *   `unixfs-v1-2025` profile (see `unixfs-import-options.ts`). Up to 1 MiB this is one `raw`
 *   block (`bafkrei...`); larger content is a balanced `dag-pb` DAG (`bafybei...`).
 * - JSON: one DAG-JSON block (`baguqeera...`): canonical (sorted keys), so equal values give
 *   equal CIDs on every node.
 * - tensors: the values as little-endian float32 bytes with no header, stored as bytes.
 *
 * @packageDocumentation
 */
import type { CID } from 'multiformats/cid'
import type { DeaiErrorCodeIn } from '../errors/codes.js'

/**
 * A content identifier as accepted at the boundary: a CID string (base32 `b...` CIDv1, or a
 * base58 `Qm...` CIDv0, which is read as its CIDv1 equivalent) or a multiformats `CID` object.
 * Every CID that the store returns is a base32 CIDv1 string.
 */
export type CidLike = string | CID

/** Options for reading content. */
export type ContentGetOptions = {
  /**
   * Refuse content larger than this many bytes (`CONTENT_TOO_LARGE`), so that a hostile CID
   * cannot exhaust memory or disk.
   * @default the store's `maxBytes` (256 MiB unless set at creation)
   */
  maxBytes?: number
  /** Abort the read (`CONTENT_ABORTED`). */
  signal?: AbortSignal
}

/**
 * Error codes that content operations throw, as `DeaiError.code`.
 *
 * - `CONTENT_INVALID_CID`: the input is not a CID.
 * - `CONTENT_UNSUPPORTED_HASH`: the CID is not hashed with sha2-256, so it cannot be verified.
 * - `CONTENT_NOT_FOUND`: a block of the content is not in the store.
 * - `CONTENT_CORRUPT`: a stored block does not hash to its CID, or the DAG is malformed.
 * - `CONTENT_WRONG_KIND`: the CID names another kind of content (e.g. getJson on bytes).
 * - `CONTENT_TOO_LARGE`: content over `maxBytes`, or a block over the 2 MiB block limit.
 * - `CONTENT_INVALID_JSON`: a value DAG-JSON cannot encode, or a block that is not DAG-JSON.
 * - `CONTENT_INVALID_INPUT`: an argument of the wrong type or range.
 * - `CONTENT_ABORTED`: the caller's signal aborted the operation.
 * - `CONTENT_STORE_CLOSED`: the store was used after `close()`.
 * - `CONTENT_STORE_FAILED`: the blockstore could not open, read or write (disk, permissions).
 * - `CONTENT_FILE_FAILED`: a local file could not be read or written (`putFile`, `getToFile`).
 */
export type ContentErrorCode = DeaiErrorCodeIn<'content'>

/**
 * A content-addressed store. Every block read is re-hashed and checked against its CID, so a
 * get returns exactly the bytes that were put or throws; it never returns other bytes.
 */
export interface ContentStore {
  /**
   * Stores bytes as a UnixFS file.
   * @param bytes - the content
   * @returns the CIDv1 (base32) of the content
   */
  putBytes(bytes: Uint8Array): Promise<string>

  /**
   * Stores a stream of bytes as one UnixFS file, without holding it all in memory.
   * The CID is the same as `putBytes` of the concatenated chunks.
   * @param source - chunks of the content, of any sizes
   * @returns the CIDv1 (base32) of the content
   */
  putStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string>

  /**
   * Reads bytes stored with `putBytes`, `putStream` or `putTensor`.
   * @param cid - a `raw` or `dag-pb` UnixFS file CID
   * @returns a fresh copy of the content
   */
  getBytes(cid: CidLike, options?: ContentGetOptions): Promise<Uint8Array>

  /**
   * Streams bytes block by block; each chunk is verified before it is yielded.
   * @param cid - a `raw` or `dag-pb` UnixFS file CID
   * @returns the content in order, in chunks of at most 1 MiB
   */
  getStream(cid: CidLike, options?: ContentGetOptions): AsyncIterable<Uint8Array>

  /**
   * Stores a JSON-like value as one DAG-JSON block. Keys are sorted, so the CID depends only
   * on the value. `undefined`, `NaN` and `Infinity` are refused (`CONTENT_INVALID_JSON`);
   * `Uint8Array` values and CID objects are kept as DAG-JSON bytes and links.
   * @param value - the value; at most 2 MiB once encoded
   * @returns the CIDv1 (base32) of the block
   */
  putJson(value: unknown): Promise<string>

  /**
   * Reads a value stored with `putJson`. The result is untrusted input: validate it.
   * Links come back as `CID` objects, bytes as `Uint8Array`, integers beyond 2^53 as `bigint`.
   * @param cid - a `dag-json` CID
   */
  getJson(cid: CidLike, options?: ContentGetOptions): Promise<unknown>

  /**
   * Stores float32 values as their little-endian bytes (no header: the length is the byte
   * length / 4; shape and meaning belong in the JSON that links to the tensor).
   * @param values - the values
   * @returns the CIDv1 (base32), the same as `putBytes` of the little-endian bytes
   */
  putTensor(values: Float32Array): Promise<string>

  /**
   * Reads float32 values stored with `putTensor`.
   * @param cid - a `raw` or `dag-pb` CID whose content length is a multiple of 4
   */
  getTensor(cid: CidLike, options?: ContentGetOptions): Promise<Float32Array>

  /**
   * Whether the root block of the content is stored locally. For a multi-block file this does
   * not check every block; a get still throws `CONTENT_NOT_FOUND` if one is missing.
   */
  has(cid: CidLike): Promise<boolean>

  /** Releases the store; later calls throw `CONTENT_STORE_CLOSED`. Safe to call twice. */
  close(): Promise<void>
}
