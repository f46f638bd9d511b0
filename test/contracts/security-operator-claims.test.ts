import { beforeAll, describe, expect, test } from 'vitest'
import { keccak256, maxUint256, stringToBytes, zeroAddress } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf } from '../helpers/balances.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { stakeAs } from '../helpers/stake-flow.js'

/**
 * Audit findings M-4, L-4 and the pause part of H-4, replayed. M-4: anyone could name any key as
 * its operator and so bar that key from a pool for good. L-4: a stolen operator key could not be
 * cut off before the operator delay. H-4: pause blocked every exit while slashing stayed open.
 */

const log = createRevertLog()
const E = 10n ** 18n
const VERIFIER = roleId('verifier')
const INFERENCE_PROVIDER = keccak256(stringToBytes('INFERENCE_PROVIDER'))
const OPERATOR_DELAY = 60n
const UNBONDING = 3600n
const TASK = 3n

let fx: ProtocolFixture
let attacker: PrivateKeyAccount
let n = 2
/** A fresh funded account. */
function fresh(): PrivateKeyAccount {
  return accountAt(fx, n++)
}

function ownerOfOperator(taskId: bigint, role: Hex, key: Address): Promise<Address> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'ownerOfOperator', args: [taskId, role, key] })
}

async function claim(taskId: bigint, role: Hex, key: Address): Promise<void> {
  await writeContract(fx.ledger, attacker, { ...fx.stakeManager, functionName: 'setOperator', args: [taskId, role, key] })
}

beforeAll(async () => {
  fx = await createProtocolFixture({ devAdmin: true, accounts: 20, params: { operatorDelay: OPERATOR_DELAY, unbondingDelay: UNBONDING } })
  attacker = accountAt(fx, 1)
})

describe('M-4: naming a key as operator binds nobody until the key accepts', () => {
  test('an unstaked stranger names a would-be verifier\'s key: the key still stakes and works for itself', async () => {
    const victim = fresh()
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'activeStake', args: [0n, VERIFIER, attacker.address] })).toBe(0n)
    await claim(0n, VERIFIER, victim.address)
    await fx.ledger.clock.advance(OPERATOR_DELAY + 1n)
    const [pending, , accepted] = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'pendingOperator', args: [0n, VERIFIER, attacker.address] })
    expect([pending, accepted]).toEqual([victim.address, false])
    expect(await ownerOfOperator(0n, VERIFIER, victim.address)).toBe(victim.address)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'operatorOf', args: [0n, VERIFIER, attacker.address] })).toBe(attacker.address)
    await stakeAs(fx, victim, 0n, VERIFIER, 1000n * E)
    // And once a staker, the key can no longer be made the attacker's operator at all.
    await log.expectRevert(writeContract(fx.ledger, victim, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, attacker.address] }), 'OperatorTaken')
    expect(await ownerOfOperator(0n, VERIFIER, victim.address)).toBe(victim.address)
  })

  test('the named key may accept another owner instead, or resign the stranger\'s proposal', async () => {
    const [victim, friend, other] = [fresh(), fresh(), fresh()]
    await claim(0n, VERIFIER, victim.address)
    await writeContract(fx.ledger, friend, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, victim.address] })
    await writeContract(fx.ledger, victim, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, friend.address] })
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await ownerOfOperator(0n, VERIFIER, victim.address)).toBe(friend.address)
    // Now held by the friend, the key cannot be taken over by accepting the stranger.
    await log.expectRevert(writeContract(fx.ledger, victim, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, attacker.address] }), 'OperatorTaken')

    await claim(0n, VERIFIER, other.address)
    await writeContract(fx.ledger, other, { ...fx.stakeManager, functionName: 'resignOperator', args: [0n, VERIFIER, attacker.address] })
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'pendingOperator', args: [0n, VERIFIER, attacker.address] })).toEqual([zeroAddress, 0n, false])
    // The key may also name itself as its own operator: nothing in the pool is taken.
    await writeContract(fx.ledger, other, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, other.address] })
  })

  test('an inference provider named by a stranger still answers as itself', async () => {
    const provider = fresh()
    await claim(TASK, INFERENCE_PROVIDER, provider.address)
    await fx.ledger.clock.advance(OPERATOR_DELAY + 1n)
    // InferenceLog.postResult pays the request's provider only if ownerOfOperator(caller) is it.
    expect(await ownerOfOperator(TASK, INFERENCE_PROVIDER, provider.address)).toBe(provider.address)
    expect(await ownerOfOperator(TASK, INFERENCE_PROVIDER, attacker.address)).toBe(attacker.address)
  })
})

describe('L-4: an owner cuts a stolen operator key off at once', () => {
  test('revokeOperator takes effect in its own block, with no operator delay', async () => {
    const [owner, stolen] = [fresh(), fresh()]
    await stakeAs(fx, owner, 0n, VERIFIER, 1000n * E)
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, stolen.address] })
    await writeContract(fx.ledger, stolen, { ...fx.stakeManager, functionName: 'acceptOperator', args: [0n, VERIFIER, owner.address] })
    await fx.ledger.clock.advance(OPERATOR_DELAY)
    expect(await ownerOfOperator(0n, VERIFIER, stolen.address)).toBe(owner.address)
    const revokedAt = await fx.ledger.clock.now()
    await writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'revokeOperator', args: [0n, VERIFIER] })
    // One second later (the revoking block itself), the key works for nobody but itself.
    expect(await fx.ledger.clock.now()).toBe(revokedAt + 1n)
    expect(await ownerOfOperator(0n, VERIFIER, stolen.address)).toBe(stolen.address)
    expect(await ownerOfOperator(0n, VERIFIER, owner.address)).toBe(owner.address)
  })
})

describe('H-4: pause no longer traps stakers', () => {
  test('while paused, verifiers unstake, withdraw and claim; only new stake and new operators wait', async () => {
    const [verifier, newcomer] = [fresh(), fresh()]
    await stakeAs(fx, verifier, 0n, VERIFIER, 1000n * E)
    const rewarder = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'REWARDER_ROLE' })
    await writeContract(fx.ledger, fx.deployer, { ...fx.stakeManager, functionName: 'grantRole', args: [rewarder, fx.deployer.address] })
    await writeContract(fx.ledger, fx.deployer, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, maxUint256] })
    await writeContract(fx.ledger, fx.deployer, { ...fx.stakeManager, functionName: 'creditRewards', args: [[verifier.address], [5n * E], keccak256(stringToBytes('ANY'))] })

    await writeContract(fx.ledger, fx.deployer, { ...fx.stakeManager, functionName: 'pause', args: [] })
    const before = await balanceOf(fx, verifier.address)
    await writeContract(fx.ledger, verifier, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, 1000n * E] })
    await writeContract(fx.ledger, verifier, { ...fx.stakeManager, functionName: 'claim', args: [verifier.address] })
    await fx.ledger.clock.advance(UNBONDING)
    await writeContract(fx.ledger, verifier, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
    expect(await balanceOf(fx, verifier.address)).toBe(before + 1005n * E)

    await writeContract(fx.ledger, newcomer, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, 1000n * E] })
    await log.expectRevert(writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, 1000n * E] }), 'EnforcedPause')
    await log.expectRevert(writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'setOperator', args: [0n, VERIFIER, verifier.address] }), 'EnforcedPause')
    await writeContract(fx.ledger, fx.deployer, { ...fx.stakeManager, functionName: 'unpause', args: [] })
    await writeContract(fx.ledger, newcomer, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, 1000n * E] })
  })
})
