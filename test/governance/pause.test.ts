import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { keccak256, maxUint256, parseEther, stringToBytes } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf, rewardsOf } from '../helpers/balances.js'
import { delegateToSelf, passProposal } from '../helpers/governance-flow.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { signPermit } from '../helpers/signatures.js'
import { openTask, stakeIn } from '../helpers/training-flow.js'

const SEED = 4104
const VERIFIER = roleId('verifier')
const REASON = keccak256(stringToBytes('ANY'))

const log = createRevertLog()
let fx: ProtocolFixture
let stakers: PrivateKeyAccount[]
let newcomer: PrivateKeyAccount
/** Each staker's DEAI before it staked anything. */
const startBalance = new Map<string, bigint>()

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 10 })
  stakers = [2, 3, 4, 5, 6, 7, 8].map((i) => accountAt(fx, i))
  newcomer = accountAt(fx, 9)
  const random = createPrng(SEED)
  for (const staker of stakers) {
    startBalance.set(staker.address, await balanceOf(fx, staker.address))
    await stakeIn(fx, staker, 0n, VERIFIER, parseEther('100') + random.nextBigInt(parseEther('5000')))
  }
  // A task vote credits the committee's fee shares: rewards to claim.
  await openTask(fx, accountAt(fx, 1), stakers, { label: 'pause' })
  // One staker is already unbonding part of its stake when the pause comes.
  await writeContract(fx.ledger, stakers[0]!, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, parseEther('50')] })
  await delegateToSelf(fx, [fx.deployer])
})

afterAll(async () => {
  await fx.ledger.close()
})

describe('a paused protocol never traps stake', () => {
  test('while StakeManager is paused every staker unstakes, withdraws after the unbonding delay and claims; stake and operator changes are refused', async () => {
    const rewards = new Map<string, bigint>()
    for (const s of stakers) rewards.set(s.address, await rewardsOf(fx, s.address))
    expect([...rewards.values()].filter((r) => r > 0n)).toHaveLength(5)

    await passProposal(fx, fx.deployer, [fx.deployer], [{ kind: 'pause', contract: 'stakeManager' }], 'Pause new stake')
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'paused' })).toBe(true)

    // New money and new work are refused.
    await writeContract(fx.ledger, newcomer, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
    await log.expectRevert(writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, parseEther('500')] }), 'EnforcedPause')
    await log.expectRevert(writeContract(fx.ledger, stakers[1]!, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, parseEther('1')] }), 'EnforcedPause')
    const deadline = (await fx.ledger.clock.now()) + 3600n
    const sig = await signPermit(fx.ledger, fx.token, { owner: newcomer, spender: fx.stakeManager.address, value: parseEther('500'), deadline })
    await log.expectRevert(writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'stakeWithPermit', args: [0n, VERIFIER, parseEther('500'), deadline, sig.v, sig.r, sig.s] }), 'EnforcedPause')
    await log.expectRevert(writeContract(fx.ledger, stakers[2]!, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, newcomer.address] }), 'EnforcedPause')
    // Pausing gives nobody the power to slash.
    for (const who of [newcomer, fx.deployer]) {
      await log.expectRevert(writeContract(fx.ledger, who, { ...fx.stakeManager, functionName: 'slash', args: [0n, VERIFIER, stakers[1]!.address, 1n, who.address, REASON, REASON] }), 'AccessControlUnauthorizedAccount')
    }

    // Every exit stays open.
    for (const s of stakers) {
      const { active } = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, s.address] })
      await writeContract(fx.ledger, s, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, active] })
      if ((rewards.get(s.address) ?? 0n) > 0n) await writeContract(fx.ledger, s, { ...fx.stakeManager, functionName: 'claim', args: [s.address] })
    }
    const unbonding = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'unbondingDelay' })
    await fx.ledger.clock.advance(unbonding)
    for (const s of stakers) await writeContract(fx.ledger, s, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'paused' })).toBe(true)
    for (const s of stakers) {
      expect(await balanceOf(fx, s.address), s.address).toBe((startBalance.get(s.address) ?? 0n) + (rewards.get(s.address) ?? 0n))
      expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, s.address] })).toEqual({ active: 0n, unbonding: 0n, releaseAt: expect.any(BigInt) as bigint, lockedUntil: expect.any(BigInt) as bigint })
    }
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'totalStaked' })).toBe(0n)

    // Governance lifts the pause, and staking resumes.
    await passProposal(fx, fx.deployer, [fx.deployer], [{ kind: 'unpause', contract: 'stakeManager' }], 'Resume staking')
    await writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, parseEther('500')] })
  })
})
