/**
 * The lineage of a published model, in the two forms ModelRegistry records: a DAG-JSON document
 * (its CID) and the root of a Merkle tree with one leaf per accepted update.
 *
 * The document is the {@link Lineage} value itself: plain JSON with checksummed addresses and
 * base32 CIDs, so that the same chain always gives the same bytes and the same CID (DAG-JSON
 * sorts keys). The tree is OpenZeppelin's standard Merkle tree over
 * `(round, index, trainer, digest, codec, examples, shardsHash)`, the leaf ModelRegistry's
 * `contributionLeaf` computes, so a contributor can prove its update on chain.
 *
 * @packageDocumentation
 */
import * as dagJson from '@ipld/dag-json'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { encodeAbiParameters, getAddress, isAddress, keccak256, zeroHash } from 'viem'
import type { Address, Hex } from 'viem'
import { z } from 'zod'
import { normalizeCid } from '../../content/cid.js'
import { encodeDagJson } from '../../content/dag-json-codec.js'
import { DeaiError } from '../../errors/base.js'
import { toOnChainDigest } from './on-chain-digest.js'

/** One accepted update of a round. */
export type LineageUpdate = {
  /** Its index in the round's submissions. */
  index: number
  /** The trainer's owner address. */
  trainer: Address
  /** CID of the update. */
  update: string
  examples: number
  /** Ids of the DataRegistry shards the trainer had been granted when it submitted, ascending. */
  shards: number[]
}

/** One round up to the final one. */
export type LineageRound = {
  round: number
  /** CID of the global model the round trained from (its latest opening). */
  baseModel: string
  /** CID of the model posted for the round (the one that stands). */
  model: string
  /** The accepted updates, by index. */
  updates: LineageUpdate[]
}

/** A data shard some accepted update drew on, as DataRegistry holds it. */
export type LineageShard = { id: number; provider: Address; cid: string; examples: number }

/** The lineage of a task's final model: the JSON document whose CID ModelRegistry records. */
export type Lineage = {
  version: 1
  chainId: number
  /** The task id, in decimal (JSON numbers cannot hold every uint256). */
  taskId: string
  training: Address
  dataRegistry: Address
  /** The last round whose model stands. */
  finalRound: number
  /** CID of the final model. */
  model: string
  /** Rounds 1 to `finalRound`. */
  rounds: LineageRound[]
  /** Every shard some update's `shards` names, by id. */
  shards: LineageShard[]
}

/** ModelRegistry.Contribution: one leaf of the lineage tree, as the contract takes it. */
export type Contribution = {
  round: number
  index: number
  trainer: Address
  digest: Hex
  codec: number
  examples: number
  shardsHash: Hex
}

const LEAF_TYPES = ['uint32', 'uint16', 'address', 'bytes32', 'uint8', 'uint32', 'bytes32']
type Leaf = [number, number, Address, Hex, number, number, Hex]

const address = z.string().refine((a) => isAddress(a, { strict: false }), 'must be an address').transform((a) => getAddress(a))
const cid = z.string().transform((c, ctx) => {
  try {
    return normalizeCid(c)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a CID' })
    return z.NEVER
  }
})
const count = z.number().int().nonnegative()

const lineageSchema = z.strictObject({
  version: z.literal(1),
  chainId: z.number().int().positive(),
  taskId: z.string().regex(/^[1-9]\d*$/, 'must be a task id in decimal'),
  training: address,
  dataRegistry: address,
  finalRound: z.number().int().positive(),
  model: cid,
  rounds: z.array(z.strictObject({
    round: z.number().int().positive(),
    baseModel: cid,
    model: cid,
    updates: z.array(z.strictObject({ index: count, trainer: address, update: cid, examples: count, shards: z.array(count) })),
  })),
  shards: z.array(z.strictObject({ id: count, provider: address, cid, examples: count })),
})

/**
 * Validates a lineage document read from outside (fetched by the CID a record names).
 *
 * @throws DeaiError `LINEAGE_INVALID` naming the bad field.
 */
export function parseLineage(value: unknown): Lineage {
  const result = lineageSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new DeaiError('LINEAGE_INVALID', `lineage: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      fixes: ['rebuild it from the chain with buildLineage(protocol, training)'],
    })
  }
  return result.data
}

/** keccak256(abi.encode(uint256[] ids)) of a contributor's shard ids, as the leaf holds them. */
export function shardsHash(shards: readonly number[]): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [shards.map(BigInt)]))
}

/** Every accepted update as a leaf of the lineage tree, in round and index order. */
export function lineageContributions(lineage: Lineage): Contribution[] {
  return lineage.rounds.flatMap((r) => r.updates.map((u) => {
    const { digest, codec } = toOnChainDigest(u.update)
    return { round: r.round, index: u.index, trainer: u.trainer, digest, codec, examples: u.examples, shardsHash: shardsHash(u.shards) }
  }))
}

function leafOf(c: Contribution): Leaf {
  return [c.round, c.index, c.trainer, c.digest, c.codec, c.examples, c.shardsHash]
}

function treeOf(contributions: readonly Contribution[]): StandardMerkleTree<Leaf> | undefined {
  return contributions.length === 0 ? undefined : StandardMerkleTree.of(contributions.map(leafOf), LEAF_TYPES)
}

/**
 * The root of the lineage tree (zero when no update was accepted), as ModelRegistry records it.
 *
 * @example
 * ```ts
 * import { buildLineage, lineageRoot } from 'deai/actions'
 * const root = lineageRoot(await buildLineage(protocol, training))
 * ```
 */
export function lineageRoot(lineage: Lineage): Hex {
  const tree = treeOf(lineageContributions(lineage))
  return tree === undefined ? zeroHash : (tree.root as Hex)
}

/**
 * The Merkle proof that the update `index` of `round` is in the lineage, for
 * ModelRegistry.verifyContribution.
 *
 * @throws DeaiError `LINEAGE_NO_CONTRIBUTION` when the lineage has no such accepted update.
 */
export function contributionProof(lineage: Lineage, round: number, index: number): { contribution: Contribution; proof: Hex[] } {
  const contributions = lineageContributions(lineage)
  const position = contributions.findIndex((c) => c.round === round && c.index === index)
  const tree = treeOf(contributions)
  const contribution = contributions[position]
  if (tree === undefined || contribution === undefined) {
    throw new DeaiError('LINEAGE_NO_CONTRIBUTION', `round ${round} of the lineage has no accepted update ${index}`, {
      fixes: ['only accepted updates are leaves; list them with lineageContributions(lineage)'],
    })
  }
  return { contribution, proof: tree.getProof(position) as Hex[] }
}

/** The DAG-JSON bytes of the lineage document. */
export function encodeLineage(lineage: Lineage): Uint8Array {
  const encoding = encodeDagJson(lineage)
  if (!encoding.ok) {
    throw new DeaiError('LINEAGE_INVALID', `the lineage cannot be encoded as DAG-JSON: ${encoding.reason}`, { cause: encoding.cause })
  }
  return encoding.bytes
}

/** The CID of the lineage document: the one `ContentStore.putJson(lineage)` returns. */
export async function lineageCid(lineage: Lineage): Promise<string> {
  return CID.createV1(dagJson.code, await sha256.digest(encodeLineage(lineage))).toString()
}
