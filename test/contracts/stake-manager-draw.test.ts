import { sendByName } from '../helpers/call-by-name.js'
import { beforeAll, describe, expect, test } from 'vitest'
import { maxUint256, parseEther, zeroAddress } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { compileMock, deployContract } from '../helpers/mock-contracts.js'
import { addressOf, mineToNextEpoch, stakeAs } from '../helpers/stake-flow.js'
import { bytes32Of } from '../helpers/task-flow.js'

const SEED = 2002
const VERIFIER = roleId('verifier')
const STAKERS = 6
const DRAWS = 2400
const EPOCH_BLOCKS = 64n
/** Chi-square critical value for 5 degrees of freedom at p = 0.001. */
const CHI_SQUARE_5_DF_P001 = 20.515

const log = createRevertLog()
let fx: ProtocolFixture
let stakers: PrivateKeyAccount[]
let newcomer: PrivateKeyAccount
/** Active stake at the start of the epoch the draws read. */
let snapshot: bigint[]
let epoch: bigint

function draw(seed: string, count: bigint, exclude: Address = zeroAddress, minimum = 0n, at = epoch) {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, bytes32Of(seed), count, exclude, minimum, at] })
}

function chiSquare(counts: readonly number[], weights: readonly bigint[]): number {
  const total = weights.reduce((a, b) => a + b, 0n)
  const draws = counts.reduce((a, b) => a + b, 0)
  return counts.reduce((sum, observed, i) => {
    const expected = (Number(weights[i]!) / Number(total)) * draws
    return expected === 0 ? sum : sum + (observed - expected) ** 2 / expected
  }, 0)
}

beforeAll(async () => {
  fx = await createProtocolFixture({ devAdmin: true, accounts: 2 + STAKERS, params: { epochBlocks: EPOCH_BLOCKS, tasks: { drawWindowBlocks: 16 } } })
  const random = createPrng(SEED)
  stakers = Array.from({ length: STAKERS }, (_, i) => accountAt(fx, 1 + i))
  newcomer = accountAt(fx, 1 + STAKERS)
  // Stakes between 100 and 2,000 DEAI, in whole DEAI.
  snapshot = stakers.map(() => parseEther(String(100 + random.nextInt(1901))))
  for (const [i, s] of stakers.entries()) await stakeAs(fx, s, 0n, VERIFIER, snapshot[i]!)
  epoch = await mineToNextEpoch(fx)
  // Stake changed after the epoch began, which no draw of this epoch may see: the first staker
  // doubles its stake, the second unbonds all of it, a newcomer stakes more than anyone.
  await stakeAs(fx, stakers[0]!, 0n, VERIFIER, snapshot[0]!)
  await writeContract(fx.ledger, stakers[1]!, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, snapshot[1]!] })
  await stakeAs(fx, newcomer, 0n, VERIFIER, parseEther('5000'))
})

describe('StakeManager.drawByStake reads the epoch snapshot', () => {
  test('draws in proportion to stake at the start of the epoch, not to live stake', async () => {
    const index = new Map(stakers.map((s, i) => [s.address, i]))
    const counts = new Array<number>(STAKERS).fill(0)
    // One call at a time: the embedded chain serves concurrent calls far slower.
    for (let i = 0; i < DRAWS; i++) {
      const [chosen] = await draw(`proportional ${i}`, 1n)
      const at = index.get(chosen ?? '0x')
      if (at === undefined) throw new Error(`drew ${String(chosen)}, not one of the stakers in the snapshot`)
      counts[at]! += 1
    }
    expect(chiSquare(counts, snapshot)).toBeLessThan(CHI_SQUARE_5_DF_P001)
    const total = snapshot.reduce((a, b) => a + b, 0n)
    for (const [i, observed] of counts.entries()) expect(Math.abs(observed - (Number(snapshot[i]!) / Number(total)) * DRAWS) / DRAWS).toBeLessThan(0.03)
    // The same counts are far from what live stake would give (the test can tell them apart).
    const live = snapshot.map((s, i) => (i === 0 ? 2n * s : i === 1 ? 0n : s))
    expect(chiSquare(counts, live)).toBeGreaterThan(CHI_SQUARE_5_DF_P001)
    expect(counts[1]).toBeGreaterThan(0)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawableStake', args: [0n, VERIFIER, epoch] })).toBe(total)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VERIFIER] })).toBe(total + snapshot[0]! - snapshot[1]! + parseEther('5000'))
  })

  test('draws without replacement, leaving out the excluded owner and those below the minimum at the snapshot', async () => {
    const sorted = [...snapshot].sort((a, b) => (a < b ? -1 : 1))
    const minimum = sorted[2]! // the two smallest stakers are not eligible
    const eligible = stakers.filter((_, i) => snapshot[i]! >= minimum).map((s) => s.address)
    const excluded = eligible[0]!
    for (let i = 0; i < 200; i++) {
      const chosen = await draw(`distinct ${i}`, 3n, excluded, minimum)
      expect(chosen).toHaveLength(3)
      expect(new Set(chosen).size).toBe(3)
      expect(chosen).not.toContain(excluded)
      for (const c of chosen) expect(eligible).toContain(c)
    }
    // Asking for more than are eligible returns every eligible owner once; the newcomer is not one.
    const all = await draw('everyone', 10n, excluded, minimum)
    expect([...all].sort()).toEqual(eligible.filter((a) => a !== excluded).sort())
    expect(await draw('nobody', 3n, excluded, parseEther('1000000'))).toEqual([])
  })

  test('stake changed within the epoch changes no draw; the next epoch sees it, and the old snapshot expires', async () => {
    const seeds = Array.from({ length: 40 }, (_, i) => `stable ${i}`)
    const before: (readonly Address[])[] = []
    for (const seed of seeds) before.push(await draw(seed, 3n))
    // More changes: a slash, a gift of stake, a top-up from the newcomer, a partial unstake.
    const admin = fx.deployer
    const slasher = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' })
    await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'grantRole', args: [slasher, admin.address] })
    await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'slash', args: [0n, VERIFIER, stakers[2]!.address, snapshot[2]!, admin.address, bytes32Of('r'), bytes32Of('e')] })
    await writeContract(fx.ledger, admin, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, parseEther('9000')] })
    await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'stakeFor', args: [0n, VERIFIER, stakers[3]!.address, parseEther('9000')] })
    await stakeAs(fx, newcomer, 0n, VERIFIER, parseEther('1'))
    for (const [i, seed] of seeds.entries()) expect(await draw(seed, 3n), seed).toEqual(before[i])

    const next = await mineToNextEpoch(fx)
    expect(next).toBe(epoch + 1n)
    expect(await log.expectRevert(draw(seeds[0]!, 3n), 'SnapshotExpired')).toEqual([epoch, next])
    const live = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [0n, VERIFIER] })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawableStake', args: [0n, VERIFIER, next] })).toBe(live)
    // Unbonding and slashed-out stake no longer counts; the newcomer's does.
    const everyone = await draw('everyone now', 10n, zeroAddress, 0n, next)
    const staked = [stakers[0]!, ...stakers.slice(3), newcomer].map((s) => s.address)
    expect([...everyone].sort()).toEqual([...staked].sort())
    let changed = 0
    for (const [i, seed] of seeds.entries()) if (JSON.stringify(await draw(seed, 3n, zeroAddress, 0n, next)) !== JSON.stringify(before[i])) changed++
    expect(changed).toBeGreaterThan(seeds.length / 2)
  })
})

describe('StakeManager.drawByStake with many stakers below the minimum', () => {
  test('an ineligible owner drawn uses up one of count + 32 attempts: pools where stake below the minimum dominates may seat fewer (the deployed minimums are equal, so none is ever below)', async () => {
    // Bounded attempts keep a draw's gas bounded whatever the pool holds. The registry draws
    // with its minVerifierStake, which deployment sets to the pool's own minimum stake, so every
    // staked verifier is eligible and a draw seats `count` whenever that many are staked.
    const local = await createProtocolFixture({ devAdmin: true, accounts: 5, params: { epochBlocks: EPOCH_BLOCKS, tasks: { drawWindowBlocks: 16 } } })
    try {
      const eligible = [1, 2, 3].map((i) => accountAt(local, i))
      for (const v of eligible) await stakeAs(local, v, 0n, VERIFIER, parseEther('500'))
      const batcher = await compileMock('StakeBatcher')
      const batcherAddress = await deployContract(local.ledger, local.deployer, batcher)
      await writeContract(local.ledger, local.deployer, { ...local.token, functionName: 'approve', args: [batcherAddress, maxUint256] })
      for (let b = 0; b < 5; b++) {
        const owners = Array.from({ length: 40 }, (_, k) => addressOf(`small verifier ${b * 40 + k}`))
        const hash = await sendByName(local.ledger, local.deployer, { address: batcherAddress, abi: batcher.abi }, 'stakeForMany',
          [local.stakeManager.address, local.token.address, 0n, VERIFIER, owners, owners.map(() => parseEther('110'))], { gas: 16_000_000n })
        expect((await local.ledger.client.waitForTransactionReceipt({ hash })).status).toBe('success')
      }
      const at = await mineToNextEpoch(local)
      const short: number[] = []
      for (let i = 0; i < 20; i++) {
        const chosen = await local.ledger.client.readContract({
          ...local.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, bytes32Of(`minimum ${i}`), 3n, zeroAddress, parseEther('500'), at],
        })
        for (const c of chosen) expect(eligible.map((e) => e.address)).toContain(c)
        if (chosen.length < 3) short.push(chosen.length)
      }
      // 200 owners at 110 DEAI against 3 at 500: most attempts land below a 500 DEAI minimum.
      expect(short.length, 'draws that seated fewer than 3').toBeGreaterThan(0)
      // With the minimum at the pool's own (every staker eligible), every draw seats 3.
      for (let i = 0; i < 20; i++) {
        const chosen = await local.ledger.client.readContract({
          ...local.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, bytes32Of(`minimum ${i}`), 3n, zeroAddress, parseEther('110'), at],
        })
        expect(chosen).toHaveLength(3)
      }
    } finally {
      await local.ledger.close()
    }
  })
})
