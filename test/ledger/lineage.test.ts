import { describe, expect, test } from 'vitest'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { encodeAbiParameters, keccak256, toHex, zeroHash } from 'viem'
import type { Hex } from 'viem'
import { digestToCid } from '../../src/content/cid-digest.js'
import { createContentStore } from '../../src/content/create-content-store.js'
import { isDeaiError } from '../../src/errors/base.js'
import { contributionProof, lineageCid, lineageContributions, lineageRoot, parseLineage, shardsHash } from '../../src/ledger/contracts/lineage.js'
import type { Lineage } from '../../src/ledger/contracts/lineage.js'

/** The lineage document and tree, off chain: deterministic CIDs, the tree's leaves and proofs, validation. */

const cid = (label: string) => digestToCid({ digest: keccak256(toHex(label)), codec: 'raw' })
const T0 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const T1 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const P0 = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'

function sample(): Lineage {
  return {
    version: 1,
    chainId: 31337,
    taskId: '3',
    training: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    dataRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    finalRound: 2,
    model: cid('m2'),
    rounds: [
      { round: 1, baseModel: cid('m0'), model: cid('m1'), updates: [{ index: 0, trainer: T0, update: cid('u10'), examples: 100, shards: [0] }] },
      {
        round: 2,
        baseModel: cid('m1'),
        model: cid('m2'),
        updates: [
          { index: 0, trainer: T0, update: cid('u20'), examples: 100, shards: [0, 1] },
          { index: 2, trainer: T1, update: cid('u22'), examples: 50, shards: [] },
        ],
      },
    ],
    shards: [{ id: 0, provider: P0, cid: cid('s0'), examples: 10 }, { id: 1, provider: P0, cid: cid('s1'), examples: 20 }],
  }
}

function failureOf(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('lineage document', () => {
  test('its CID is the one the content store gives, and depends on every field', async () => {
    const store = await createContentStore({ kind: 'memory' })
    const lineage = sample()
    expect(await lineageCid(lineage)).toBe(await store.putJson(lineage))
    const changed = sample()
    changed.rounds[1]!.updates[1]!.examples = 51
    expect(await lineageCid(changed)).not.toBe(await lineageCid(lineage))
    expect(parseLineage(await store.getJson(await lineageCid(lineage)))).toEqual(lineage)
    await store.close()
  })

  test('parseLineage checksums addresses and rejects documents that are not lineages', () => {
    const lower = { ...sample(), training: sample().training.toLowerCase() }
    expect(parseLineage(lower).training).toBe(sample().training)
    for (const bad of [{ ...sample(), version: 2 }, { ...sample(), model: 'not a cid' }, { ...sample(), taskId: '0' }, { ...sample(), extra: 1 }, null]) {
      expect(isDeaiError(failureOf(() => parseLineage(bad)), 'LINEAGE_INVALID')).toBe(true)
    }
  })
})

describe('lineage tree', () => {
  test('one leaf per accepted update: OpenZeppelin\'s standard leaf of (round, index, trainer, digest, codec, examples, shardsHash)', () => {
    const lineage = sample()
    const contributions = lineageContributions(lineage)
    expect(contributions.map((c) => [c.round, c.index, c.trainer, c.codec, c.examples])).toEqual([[1, 0, T0, 0, 100], [2, 0, T0, 0, 100], [2, 2, T1, 0, 50]])
    expect(contributions[1]!.digest).toBe(keccak256(toHex('u20')))
    expect(contributions[1]!.shardsHash).toBe(keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [[0n, 1n]])))
    expect(contributions[2]!.shardsHash).toBe(shardsHash([]))

    const types = ['uint32', 'uint16', 'address', 'bytes32', 'uint8', 'uint32', 'bytes32']
    const root = lineageRoot(lineage)
    for (const c of contributions) {
      const { proof } = contributionProof(lineage, c.round, c.index)
      expect(StandardMerkleTree.verify(root, types, [c.round, c.index, c.trainer, c.digest, c.codec, c.examples, c.shardsHash], proof)).toBe(true)
    }
    // A single leaf is its own root: keccak256(keccak256(abi.encode(leaf))).
    const one: Lineage = { ...sample(), rounds: [sample().rounds[0]!] }
    const c = lineageContributions(one)[0]!
    const encoded = encodeAbiParameters(types.map((type) => ({ type })), [c.round, c.index, c.trainer, c.digest, c.codec, c.examples, c.shardsHash])
    expect(lineageRoot(one)).toBe(keccak256(keccak256(encoded)))
  })

  test('the root is zero without accepted updates, changes with any leaf, and does not depend on round order', () => {
    expect(lineageRoot({ ...sample(), rounds: sample().rounds.map((r) => ({ ...r, updates: [] })) })).toBe(zeroHash)
    const root: Hex = lineageRoot(sample())
    const fewer = sample()
    fewer.rounds[1]!.updates[0]!.shards = [0]
    expect(lineageRoot(fewer)).not.toBe(root)
    const reversed = sample()
    reversed.rounds.reverse()
    expect(lineageRoot(reversed)).toBe(root)
  })

  test('contributionProof names only accepted updates', () => {
    expect(isDeaiError(failureOf(() => contributionProof(sample(), 2, 1)), 'LINEAGE_NO_CONTRIBUTION')).toBe(true)
    expect(isDeaiError(failureOf(() => contributionProof({ ...sample(), rounds: [] }, 1, 0)), 'LINEAGE_NO_CONTRIBUTION')).toBe(true)
  })
})
