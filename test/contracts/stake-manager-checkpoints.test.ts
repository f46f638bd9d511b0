import { beforeAll, describe, expect, test } from 'vitest'
import { keccak256, maxUint256, parseEther, stringToBytes } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { headBlock, inOneBlock, pendingWrite } from '../helpers/stake-flow.js'
import type { PendingSend } from '../helpers/stake-flow.js'

/**
 * StakeManager's per-block checkpoints: stakeAt and poolStakeAt give the active stake at the end
 * of any past block, whatever changed it (stake, stakeFor, unstake, slash, migrate), however
 * many changes a block held.
 */

const SEED = 4242
const TASK = 5n
const TRAINER = roleId('validator') // a role whose stake is checkpointed
const ROTATION_DELAY = 60n
const REASON = keccak256(stringToBytes('CHECKPOINT_TEST'))
const BLOCKS = 40

let fx: ProtocolFixture
let admin: PrivateKeyAccount
let owners: PrivateKeyAccount[]

function stakeAt(owner: Address, block: bigint): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'stakeAt', args: [TASK, TRAINER, owner, block] })
}

function poolStakeAt(block: bigint): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolStakeAt', args: [TASK, TRAINER, block] })
}

function call(account: PrivateKeyAccount, functionName: string, args: readonly unknown[]): PendingSend {
  return pendingWrite(fx, account, { ...fx.stakeManager, functionName, args })
}

beforeAll(async () => {
  fx = await createProtocolFixture({ devAdmin: true, accounts: 8, params: { rotationDelay: ROTATION_DELAY } })
  admin = fx.deployer
  owners = [1, 2, 3, 4, 5].map((i) => accountAt(fx, i))
  const slasher = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' })
  await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'grantRole', args: [slasher, admin.address] })
  for (const o of [admin, ...owners]) await writeContract(fx.ledger, o, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
})

describe('StakeManager checkpoints', () => {
  test('several changes in one block leave one checkpoint: the stake at the end of that block', async () => {
    const [a, b] = [accountAt(fx, 6), accountAt(fx, 7)]
    for (const o of [a, b]) await writeContract(fx.ledger, o, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
    const first = await writeContract(fx.ledger, a, { ...fx.stakeManager, functionName: 'stake', args: [TASK, TRAINER, parseEther('100')] })
    const poolBefore = await poolStakeAt(first.blockNumber - 1n)
    const receipts = await inOneBlock(fx, [
      call(a, 'stake', [TASK, TRAINER, parseEther('300')]),
      call(a, 'requestUnstake', [TASK, TRAINER, parseEther('150')]),
      call(b, 'stakeFor', [TASK, TRAINER, a.address, parseEther('50')]),
      call(b, 'stake', [TASK, TRAINER, parseEther('20')]),
      call(admin, 'slash', [TASK, TRAINER, a.address, parseEther('30'), admin.address, REASON, REASON]),
    ])
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success'])
    const block = receipts[0]!.blockNumber
    expect(new Set(receipts.map((r) => r.blockNumber))).toEqual(new Set([block]))
    // A later slash of unbonding stake only changes no active stake and writes no checkpoint.
    const unbondingOnly = await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'slash', args: [TASK, TRAINER, a.address, parseEther('1000'), admin.address, REASON, REASON] })
    await fx.ledger.clock.mine(2)

    expect(await stakeAt(a.address, first.blockNumber)).toBe(parseEther('100'))
    expect(await stakeAt(a.address, block - 1n)).toBe(parseEther('100'))
    expect(await stakeAt(a.address, block)).toBe(parseEther('270'))
    expect(await stakeAt(b.address, block)).toBe(parseEther('20'))
    expect(await poolStakeAt(block)).toBe(poolBefore + parseEther('290'))
    // The second slash took the 270 active first, then 730 of the 150 unbonding: all of it.
    expect(await stakeAt(a.address, unbondingOnly.blockNumber)).toBe(0n)
    expect(await poolStakeAt(unbondingOnly.blockNumber)).toBe(poolBefore + parseEther('20'))
    expect(await stakeAt(a.address, unbondingOnly.blockNumber + 1n)).toBe(0n)
    // Blocks with no change read the last checkpoint before them.
    expect(await stakeAt(b.address, unbondingOnly.blockNumber + 1n)).toBe(parseEther('20'))
  })

  test(`a seeded run of ${BLOCKS} blocks of stake changes, a migration among them, reads back exactly block by block`, async () => {
    const random = createPrng(SEED)
    const [rotating, successor, ...actors] = owners as [PrivateKeyAccount, PrivateKeyAccount, ...PrivateKeyAccount[]]
    // The rotating owner stakes, then hands its key over; its position moves in the run.
    await writeContract(fx.ledger, rotating, { ...fx.stakeManager, functionName: 'stake', args: [TASK, TRAINER, parseEther('777')] })
    await writeContract(fx.ledger, rotating, { ...fx.stakeManager, functionName: 'requestRotation', args: [successor.address] })
    await fx.ledger.clock.advance(ROTATION_DELAY)
    await writeContract(fx.ledger, successor, { ...fx.stakeManager, functionName: 'completeRotation', args: [rotating.address] })

    const tracked = [rotating, successor, ...actors].map((o) => o.address)
    const active = new Map<Address, bigint>()
    const unbonding = new Map<Address, bigint>()
    for (const a of tracked) {
      const p = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [TASK, TRAINER, a] })
      active.set(a, p.active)
      unbonding.set(a, p.unbonding)
    }
    const untracked = (await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'poolActive', args: [TASK, TRAINER] })) - tracked.reduce((s, a) => s + active.get(a)!, 0n)
    const expected = new Map<bigint, Map<Address, bigint>>()
    const start = await headBlock(fx)
    expected.set(start, new Map(active))
    const migrateAt = Math.floor(BLOCKS / 2)

    for (let k = 0; k < BLOCKS; k++) {
      const sends: PendingSend[] = []
      const ops = 1 + random.nextInt(3)
      const movers = k >= migrateAt ? [successor, ...actors] : actors
      if (k === migrateAt) {
        sends.push(call(admin, 'migratePosition', [TASK, TRAINER, rotating.address]))
        active.set(successor.address, active.get(successor.address)! + active.get(rotating.address)!)
        unbonding.set(successor.address, unbonding.get(successor.address)! + unbonding.get(rotating.address)!)
        active.set(rotating.address, 0n)
        unbonding.set(rotating.address, 0n)
      }
      for (let i = 0; i < ops; i++) {
        const who = random.pick(movers)
        const now = active.get(who.address)!
        const kind = random.pick(['stake', 'stakeFor', 'unstake', 'slash'] as const)
        if (kind === 'stake' || (kind === 'unstake' && now === 0n)) {
          const amount = random.nextBigInt(parseEther('50')) + 1n
          sends.push(call(who, 'stake', [TASK, TRAINER, amount]))
          active.set(who.address, now + amount)
        } else if (kind === 'stakeFor') {
          const to = random.pick(movers).address
          const amount = random.nextBigInt(parseEther('50')) + 1n
          sends.push(call(who, 'stakeFor', [TASK, TRAINER, to, amount]))
          active.set(to, active.get(to)! + amount)
        } else if (kind === 'unstake') {
          const amount = random.nextBigInt(now) + 1n
          sends.push(call(who, 'requestUnstake', [TASK, TRAINER, amount]))
          active.set(who.address, now - amount)
          unbonding.set(who.address, unbonding.get(who.address)! + amount)
        } else {
          const amount = random.nextBigInt(now + unbonding.get(who.address)! + parseEther('1')) + 1n
          const fromActive = amount < now ? amount : now
          const rest = amount - fromActive
          const held = unbonding.get(who.address)!
          sends.push(call(admin, 'slash', [TASK, TRAINER, who.address, amount, admin.address, REASON, REASON]))
          active.set(who.address, now - fromActive)
          unbonding.set(who.address, held - (rest < held ? rest : held))
        }
      }
      const receipts = await inOneBlock(fx, sends)
      for (const r of receipts) expect(r.status, `block ${k}`).toBe('success')
      expected.set(receipts[0]!.blockNumber, new Map(active))
      // Now and then, blocks in which nothing changes.
      if (random.nextFloat() < 0.3) await fx.ledger.clock.mine(1 + random.nextInt(3))
    }
    await fx.ledger.clock.mine(1)

    const end = (await headBlock(fx)) - 1n
    let current = expected.get(start)!
    let reads = 0
    for (let block = start; block <= end; block++) {
      current = expected.get(block) ?? current
      let sum = untracked
      for (const a of tracked) {
        expect(await stakeAt(a, block), `stake of ${a} at block ${block}`).toBe(current.get(a))
        sum += current.get(a)!
        reads++
      }
      expect(await poolStakeAt(block), `pool at block ${block}`).toBe(sum)
    }
    expect(reads).toBeGreaterThanOrEqual(BLOCKS * tracked.length)
    // The migration moved the position and left the pool total alone.
    expect(await stakeAt(rotating.address, end)).toBe(0n)
  })
})
