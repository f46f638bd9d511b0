import { sendByName } from '../helpers/call-by-name.js'
import { listStakers } from '../../src/ledger/actions/staking/list-stakers.js'
import { describe, expect, test } from 'vitest'
import { encodeAbiParameters, keccak256, maxUint256, parseEther, parseEventLogs, toHex } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { addressOf, stakeAs } from '../helpers/stake-flow.js'
import { committeeSeed, drawWindowOf, mineToSeed, proposeWithSecret } from '../helpers/task-flow.js'

/**
 * Audit findings H-1 and M-2, replayed against the snapshot draw. H-1: once the seed is known, a
 * proposer (or anyone watching the mempool) changed pool stake until the draw, which read live
 * stake, seated only its sybils. M-2: the draw looped over the whole pool, so its gas grew by
 * about 5,800 per verifier. The committee is now drawn from the stake at the start of the seed
 * block's epoch, from a sum tree.
 */

const SEED = 1301
const VERIFIER = roleId('verifier')
const E = 10n ** 18n
/** How far the attacker's offline search goes (the audit's PoC needed 16,684 tries). */
const SEARCH_LIMIT = 5_000_000n

/**
 * What the draw does, restated offline: for attempt k, r = keccak256(seed, k) mod the weight
 * left, the leaf whose prefix range holds r is taken out; leaves that are excluded or below the
 * minimum are taken out but not seated. Returns the indices seated, in order.
 */
function modelDraw(weights: readonly bigint[], seed: Hex, count: number, eligible: (i: number) => boolean): number[] {
  const w = [...weights]
  let remaining = w.reduce((a, b) => a + b, 0n)
  const chosen: number[] = []
  for (let attempt = 0; attempt < count + 32 && chosen.length < count && remaining > 0n; attempt++) {
    let r = BigInt(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [seed, BigInt(attempt)]))) % remaining
    let j = 0
    while (r >= w[j]!) {
      r -= w[j]!
      j++
    }
    remaining -= w[j]!
    w[j] = 0n
    if (eligible(j)) chosen.push(j)
  }
  return chosen
}

async function poolOrder(fx: ProtocolFixture): Promise<readonly Address[]> {
  // No one leaves the pool in these tests, so the staker set keeps the tree's leaf order.
  return listStakers(fx.protocol, { role: 'verifier' })
}

async function stakesOf(fx: ProtocolFixture, pool: readonly Address[], block?: bigint): Promise<bigint[]> {
  const out: bigint[] = []
  for (const owner of pool) {
    out.push(block === undefined
      ? await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [0n, VERIFIER, owner] })
      : await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stakeAt', args: [0n, VERIFIER, owner, block] }))
  }
  return out
}

function randomSecret(random: Prng): Hex {
  return keccak256(toHex(`${random.nextUint32()} ${random.nextUint32()}`))
}

describe('H-1: the committee can no longer be steered once the seed is known', () => {
  test('the audit\'s 13% sybil stake plus a change ground offline after the seed is out leaves the committee as drawn without it', async () => {
    const fx = await createProtocolFixture({ accounts: 12, params: { tasks: { committeeSize: 3 } } })
    try {
      const random = createPrng(SEED)
      const proposer = accountAt(fx, 1)
      const honest = [2, 3, 4, 5].map((i) => accountAt(fx, i))
      const sybils = [6, 7, 8].map((i) => accountAt(fx, i))
      const lateSybil = accountAt(fx, 9)
      for (const v of honest) await stakeAs(fx, v, 0n, VERIFIER, 1000n * E)
      for (const v of sybils) await stakeAs(fx, v, 0n, VERIFIER, 200n * E) // 600 of 4,600 DEAI: 13%
      await writeContract(fx.ledger, lateSybil, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
      const sybilSet = new Set<Address>([...sybils, lateSybil].map((s) => s.address))
      const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })

      // Three ways to move stake after the seed is out, each ground offline for a value that
      // would seat only sybils if the draw read live stake: a top-up (the audit's PoC), a
      // partial unstake, and a new sybil staking in the window.
      const moves = ['top-up', 'unstake', 'new sybil'] as const
      for (const move of moves) {
        const secret = randomSecret(random)
        const taskId = await proposeWithSecret(fx, proposer, { secret, specCid: 'bafkreimalicious' })
        await mineToSeed(fx, taskId)
        const { seedBlock, snapshotEpoch } = await drawWindowOf(fx, taskId)
        const { hash } = await fx.ledger.client.getBlock({ blockNumber: seedBlock })
        const seed = committeeSeed(secret, hash, taskId)

        const unmanipulated = await fx.ledger.client.readContract({
          ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, seed, BigInt(rules.committeeSize), proposer.address, rules.minVerifierStake, snapshotEpoch],
        })
        // The offline model reproduces the chain's draw from the snapshot, so the search below
        // grinds the very function the chain would evaluate on live stake.
        const pool = await poolOrder(fx)
        const snapshot = await stakesOf(fx, pool, seedBlock - 1n)
        const eligible = (weights: readonly bigint[]) => (i: number) => pool[i] !== proposer.address && weights[i]! >= rules.minVerifierStake
        expect(modelDraw(snapshot, seed, rules.committeeSize, eligible(snapshot)).map((i) => pool[i])).toEqual(unmanipulated)
        // Honest verifiers hold seats, so a successful attack would change the committee.
        expect(unmanipulated.some((m) => !sybilSet.has(m))).toBe(true)

        const live = await stakesOf(fx, pool)
        const target = pool.indexOf(move === 'unstake' ? sybils[1]!.address : sybils[0]!.address)
        const weightsWith = (d: bigint): bigint[] => {
          if (move === 'top-up') return live.map((w, i) => (i === target ? w + d : w))
          if (move === 'unstake') return live.map((w, i) => (i === target ? w - d : w))
          return [...live, rules.minVerifierStake + d]
        }
        const poolWith = move === 'new sybil' ? [...pool, lateSybil.address] : pool
        const allSybils = (d: bigint): boolean => {
          const weights = weightsWith(d)
          const seated = modelDraw(weights, seed, rules.committeeSize, (i) => poolWith[i] !== proposer.address && weights[i]! >= rules.minVerifierStake)
          return seated.length === rules.committeeSize && seated.every((i) => sybilSet.has(poolWith[i]!))
        }
        let found = 0n
        for (let d = 1n; d < SEARCH_LIMIT && found === 0n; d++) if (allSybils(d)) found = d
        expect(found, `${move}: the offline search found a value`).toBeGreaterThan(0n)

        if (move === 'top-up') await stakeAs(fx, sybils[0]!, 0n, VERIFIER, found)
        else if (move === 'unstake') await writeContract(fx.ledger, sybils[1]!, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, found] })
        else await writeContract(fx.ledger, lateSybil, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, rules.minVerifierStake + found] })
        // Live stake now is what the search aimed for.
        expect(await stakesOf(fx, poolWith)).toEqual(weightsWith(found))

        const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
        const [drawn] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'CommitteeDrawn', logs: receipt.logs })
        const committee = drawn!.args.members
        const honestSeats = committee.filter((m) => !sybilSet.has(m)).length
        console.log(`[H-1] ${move} of ${found} wei found offline; committee unchanged: ${honestSeats} of ${committee.length} seats honest`)
        expect(committee).toEqual(unmanipulated)
      }
    } finally {
      await fx.ledger.close()
    }
  })
})

describe('M-2: drawCommittee gas grows with the logarithm of the verifier pool', () => {
  test('3, 203 and 4,003 verifiers (staked for by one funded account, past the audited limit of ~2,850): the per-verifier slope is near zero', async () => {
    const fx = await createProtocolFixture({ accounts: 5, funded: [0, 1, 2, 3, 4], params: { tasks: { committeeSize: 3 } } })
    try {
      const random = createPrng(SEED + 1)
      const proposer = accountAt(fx, 1)
      for (const i of [2, 3, 4]) await stakeAs(fx, accountAt(fx, i), 0n, VERIFIER, 1000n * E)
      // One funded account pays every position, through stakeFor: a batcher contract makes the
      // calls so that thousands of positions take a few dozen transactions.
      const funder: PrivateKeyAccount = fx.deployer
      const batcher = await compileMock('StakeBatcher')
      const batcherAddress = await deployContract(fx.ledger, funder, batcher)
      await writeContract(fx.ledger, funder, { ...fx.token, functionName: 'approve', args: [batcherAddress, maxUint256] })
      let staked = 0
      async function growTo(extra: number): Promise<void> {
        while (staked < extra) {
          // About 40 new positions fit under the 16,777,216-gas transaction cap.
          const batch = Math.min(40, extra - staked)
          const owners = Array.from({ length: batch }, (_, k) => addressOf(`verifier ${staked + k}`))
          const amounts = owners.map(() => parseEther(String(100 + random.nextInt(901))))
          // A fixed gas limit: estimating a transaction this large would run it many times.
          const hash = await sendByName(fx.ledger, funder, { address: batcherAddress, abi: batcher.abi }, 'stakeForMany',
            [fx.stakeManager.address, fx.token.address, 0n, VERIFIER, owners, amounts], { gas: 16_000_000n })
          expect((await fx.ledger.client.waitForTransactionReceipt({ hash })).status).toBe('success')
          staked += batch
        }
      }
      async function drawGas(label: string): Promise<bigint> {
        const secret = keccak256(toHex(label))
        const taskId = await proposeWithSecret(fx, proposer, { secret })
        await mineToSeed(fx, taskId)
        const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
        const [drawn] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'CommitteeDrawn', logs: receipt.logs })
        expect(drawn?.args.members).toHaveLength(3)
        return receipt.gasUsed
      }

      const sizes = [3, 203, 4003]
      const gas: bigint[] = []
      for (const size of sizes) {
        await growTo(size - 3)
        expect((await listStakers(fx.protocol, { role: 'verifier' })).length).toBe(size)
        gas.push(await drawGas(`gas ${size}`))
      }
      const slope = (a: number, b: number) => Number(gas[b]! - gas[a]!) / (sizes[b]! - sizes[a]!)
      const perDoubling = (a: number, b: number) => Number(gas[b]! - gas[a]!) / Math.log2(sizes[b]! / sizes[a]!)
      console.log(`[M-2] drawCommittee gas: ${sizes.map((s, i) => `${s} verifiers ${gas[i]}`).join(', ')}; per extra verifier ${slope(0, 1).toFixed(1)} (3 to 203) and ${slope(1, 2).toFixed(1)} (203 to 4,003), was ~5,800; per doubling ${perDoubling(0, 1).toFixed(0)} and ${perDoubling(1, 2).toFixed(0)}`)
      // Linear growth at the audited rate would add ~22M gas from 203 to 4,003 verifiers, past the
      // 16,777,216-gas transaction cap.
      expect(slope(1, 2)).toBeLessThan(50)
      expect(slope(0, 2)).toBeLessThan(100)
      // Logarithmic: each doubling of the pool costs about the same, a few storage reads per seat.
      expect(perDoubling(1, 2)).toBeLessThan(25_000)
      expect(perDoubling(0, 1)).toBeLessThan(25_000)
      expect(gas[2]!).toBeLessThan(gas[0]! + 200_000n)
    } finally {
      await fx.ledger.close()
    }
  })
})
