/**
 * The UnixFS import options that fix deai's CIDs for bytes, files and tensors.
 *
 * They are the IPIP-499 `unixfs-v1-2025` profile: CIDv1, raw leaves, 1 MiB fixed-size chunks,
 * balanced DAG of at most 1024 links per node, sha2-256, and content of one chunk or less
 * stored as a single `raw` block (its CID is then `bafkrei...` + the sha2-256 of the bytes).
 * Kubo produces the same root CID with
 * `ipfs add --cid-version=1 --raw-leaves --chunker=size-1048576` and
 * `Import.UnixFSFileMaxLinks=1024` (or the `unixfs-v1-2025` config profile).
 *
 * Changing any of these changes every CID of content over 1 MiB, and so breaks commitments
 * already on chain: treat them as part of the protocol.
 *
 * @packageDocumentation
 */
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { AddOptions } from '@helia/unixfs'

/** Size of a leaf chunk: 1 MiB. */
export const UNIXFS_CHUNK_BYTES = 1_048_576

/** Largest number of links in one node of the balanced DAG. */
export const UNIXFS_MAX_LINKS = 1024

/**
 * Largest block the store reads or writes: 2 MiB, the limit IPFS peers use when exchanging
 * blocks. Leaves are 1 MiB and a node of 1024 links is about 45 KiB, so only a JSON document
 * can come near it.
 */
export const MAX_BLOCK_BYTES = 2_097_152

/**
 * Options passed to `@helia/unixfs` for every import. Chunker and layout are set explicitly:
 * `@helia/unixfs` passes its own chunker and layout, which override those a profile implies,
 * so naming the profile alone would not pin them. The exact-CID tests check the result.
 */
export const UNIXFS_IMPORT_OPTIONS: Readonly<Partial<AddOptions>> = Object.freeze({
  profile: 'unixfs-v1-2025',
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  wrapWithDirectory: false,
  chunker: fixedSize({ chunkSize: UNIXFS_CHUNK_BYTES }),
  layout: balanced({ maxChildrenPerNode: UNIXFS_MAX_LINKS }),
})
