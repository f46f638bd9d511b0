import { beforeAll, describe, expect, test } from 'vitest'
import { maxUint256, parseEther, zeroAddress } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { deaiTokenAbi, deaiTokenBytecode } from '../../src/ledger/contracts/generated/DeaiToken.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { signDelegation as signDelegationWith, signPermit as signPermitWith } from '../helpers/signatures.js'
import type { SplitSignature } from '../helpers/signatures.js'

/** The order of the secp256k1 group: a signature with s above n/2 is malleable and refused. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const log = createRevertLog()
let fx: ProtocolFixture
let holder: PrivateKeyAccount
let alice: PrivateKeyAccount
let bob: PrivateKeyAccount

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 4 })
  holder = fx.deployer
  alice = accountAt(fx, 1)
  bob = accountAt(fx, 2)
})

function signPermit(owner: PrivateKeyAccount, spender: Hex, value: bigint, deadline: bigint, nonce?: bigint): Promise<SplitSignature> {
  return signPermitWith(fx.ledger, fx.token, { owner, spender, value, deadline, ...(nonce === undefined ? {} : { nonce }) })
}

function signDelegation(signer: PrivateKeyAccount, delegatee: Hex, nonce: bigint, expiry: bigint): Promise<SplitSignature> {
  return signDelegationWith(fx.ledger, fx.token, { signer, delegatee, nonce, expiry })
}

function permit(sender: PrivateKeyAccount, owner: Hex, spender: Hex, value: bigint, deadline: bigint, sig: SplitSignature) {
  return writeContract(fx.ledger, sender, {
    ...fx.token,
    functionName: 'permit',
    args: [owner, spender, value, deadline, sig.v, sig.r, sig.s],
  })
}

describe('DeaiToken', () => {
  test('mints the fixed supply once, to the initial holder', async () => {
    const supply = await fx.ledger.client.readContract({ ...fx.token, functionName: 'totalSupply' })
    expect(supply).toBe(parseEther('1000000000'))
    const held = await Promise.all(fx.accounts.map((a) => fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [a.address] })))
    expect(held.reduce((a, b) => a + b, 0n)).toBe(supply)
  })

  test('transfers reject a missing balance, a zero receiver and a missing allowance', async () => {
    const balance = await fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [alice.address] })
    const args = await log.expectRevert(
      writeContract(fx.ledger, alice, { ...fx.token, functionName: 'transfer', args: [bob.address, balance + 1n] }),
      'ERC20InsufficientBalance',
    )
    expect(args).toEqual([alice.address, balance, balance + 1n])
    await log.expectRevert(writeContract(fx.ledger, alice, { ...fx.token, functionName: 'transfer', args: [zeroAddress, 1n] }), 'ERC20InvalidReceiver')
    await log.expectRevert(
      writeContract(fx.ledger, bob, { ...fx.token, functionName: 'transferFrom', args: [alice.address, bob.address, 1n] }),
      'ERC20InsufficientAllowance',
    )
  })

  test('approvals reject a zero spender, and the zero address cannot approve', async () => {
    await log.expectRevert(writeContract(fx.ledger, alice, { ...fx.token, functionName: 'approve', args: [zeroAddress, 1n] }), 'ERC20InvalidSpender')
    // A zero-value transferFrom from address(0) reaches _approve(address(0), ...) first.
    await log.expectRevert(
      writeContract(fx.ledger, alice, { ...fx.token, functionName: 'transferFrom', args: [zeroAddress, bob.address, 0n] }),
      'ERC20InvalidApprover',
    )
  })

  test('a supply above the votes cap (2^208 - 1) cannot be minted', async () => {
    await log.expectRevert(
      simulateDeploy(fx.ledger, holder, { abi: deaiTokenAbi, bytecode: deaiTokenBytecode, args: [holder.address, 2n ** 208n] }),
      'ERC20ExceededSafeSupply',
    )
    await simulateDeploy(fx.ledger, holder, { abi: deaiTokenAbi, bytecode: deaiTokenBytecode, args: [holder.address, 2n ** 208n - 1n] })
  })

  test('permit approves by signature once', async () => {
    const deadline = (await fx.ledger.clock.now()) + 3600n
    const sig = await signPermit(alice, bob.address, 123n, deadline)
    await permit(bob, alice.address, bob.address, 123n, deadline, sig)
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'allowance', args: [alice.address, bob.address] })).toBe(123n)
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'nonces', args: [alice.address] })).toBe(1n)
    // Replayed, it recovers a different signer (the nonce moved on).
    await log.expectRevert(permit(bob, alice.address, bob.address, 123n, deadline, sig), 'ERC2612InvalidSigner')
  })

  test('permit rejects expired, foreign, malformed and malleable signatures', async () => {
    const now = await fx.ledger.clock.now()
    const expired = await signPermit(alice, bob.address, 1n, now)
    await log.expectRevert(permit(bob, alice.address, bob.address, 1n, now, expired), 'ERC2612ExpiredSignature')

    const deadline = now + 3600n
    const byBob = await signPermit(bob, bob.address, 1n, deadline, 0n)
    const args = await log.expectRevert(permit(bob, alice.address, bob.address, 1n, deadline, byBob), 'ERC2612InvalidSigner')
    expect(args[1]).toBe(alice.address)

    const good = await signPermit(alice, bob.address, 1n, deadline)
    await log.expectRevert(permit(bob, alice.address, bob.address, 1n, deadline, { ...good, v: 29 }), 'ECDSAInvalidSignature')
    const highS = `0x${(SECP256K1_N - BigInt(good.s)).toString(16).padStart(64, '0')}` as const
    await log.expectRevert(
      permit(bob, alice.address, bob.address, 1n, deadline, { r: good.r, s: highS, v: good.v === 27 ? 28 : 27 }),
      'ECDSAInvalidSignatureS',
    )
  })

  test('votes use timestamps; delegation by signature checks expiry and nonce', async () => {
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'CLOCK_MODE' })).toBe('mode=timestamp')
    expect(BigInt(await fx.ledger.client.readContract({ ...fx.token, functionName: 'clock' }))).toBe(await fx.ledger.clock.now())

    const now = await fx.ledger.clock.now()
    const stale = await signDelegation(alice, alice.address, 0n, now - 1n)
    await log.expectRevert(
      writeContract(fx.ledger, bob, { ...fx.token, functionName: 'delegateBySig', args: [alice.address, 0n, now - 1n, stale.v, stale.r, stale.s] }),
      'VotesExpiredSignature',
    )
    const expiry = now + 3600n
    // Permits and delegations share one nonce sequence per account.
    const nonce = await fx.ledger.client.readContract({ ...fx.token, functionName: 'nonces', args: [alice.address] })
    const sig = await signDelegation(alice, alice.address, nonce, expiry)
    const receipt = await writeContract(fx.ledger, bob, { ...fx.token, functionName: 'delegateBySig', args: [alice.address, nonce, expiry, sig.v, sig.r, sig.s] })
    const delegatedAt = (await fx.ledger.client.getBlock({ blockNumber: receipt.blockNumber })).timestamp
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'delegates', args: [alice.address] })).toBe(alice.address)

    const balance = await fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [alice.address] })
    await fx.ledger.clock.advance(10)
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'getPastVotes', args: [alice.address, delegatedAt] })).toBe(balance)
    expect(await fx.ledger.client.readContract({ ...fx.token, functionName: 'getPastVotes', args: [alice.address, delegatedAt - 1n] })).toBe(0n)
  })

  test('delegation by signature rejects a reused nonce', async () => {
    const expiry = (await fx.ledger.clock.now()) + 3600n
    const nonce = await fx.ledger.client.readContract({ ...fx.token, functionName: 'nonces', args: [bob.address] })
    const sig = await signDelegation(bob, bob.address, nonce, expiry)
    await writeContract(fx.ledger, alice, { ...fx.token, functionName: 'delegateBySig', args: [bob.address, nonce, expiry, sig.v, sig.r, sig.s] })
    const args = await log.expectRevert(
      writeContract(fx.ledger, alice, { ...fx.token, functionName: 'delegateBySig', args: [bob.address, nonce, expiry, sig.v, sig.r, sig.s] }),
      'InvalidAccountNonce',
    )
    expect(args).toEqual([bob.address, nonce + 1n])
  })

  test('past votes and supply cannot be read at the present or a future time', async () => {
    const now = await fx.ledger.clock.now()
    await log.expectRevert(
      fx.ledger.client.readContract({ ...fx.token, functionName: 'getPastVotes', args: [alice.address, now + 1n] }),
      'ERC5805FutureLookup',
    )
    await log.expectRevert(
      fx.ledger.client.readContract({ ...fx.token, functionName: 'getPastTotalSupply', args: [maxUint256] }),
      'ERC5805FutureLookup',
    )
  })

  test('checklist: every error DeaiToken declares is raised by a test or unreachable', () => {
    assertErrorChecklist(deaiTokenAbi, log, {
      covered: {
        ERC20InsufficientBalance: 'transfers reject a missing balance, a zero receiver and a missing allowance',
        ERC20InvalidReceiver: 'transfers reject a missing balance, a zero receiver and a missing allowance',
        ERC20InsufficientAllowance: 'transfers reject a missing balance, a zero receiver and a missing allowance',
        ERC20InvalidSpender: 'approvals reject a zero spender, and the zero address cannot approve',
        ERC20InvalidApprover: 'approvals reject a zero spender, and the zero address cannot approve',
        ERC20ExceededSafeSupply: 'a supply above the votes cap (2^208 - 1) cannot be minted',
        ERC2612InvalidSigner: 'permit rejects expired, foreign, malformed and malleable signatures',
        ERC2612ExpiredSignature: 'permit rejects expired, foreign, malformed and malleable signatures',
        ECDSAInvalidSignature: 'permit rejects expired, foreign, malformed and malleable signatures',
        ECDSAInvalidSignatureS: 'permit rejects expired, foreign, malformed and malleable signatures',
        VotesExpiredSignature: 'votes use timestamps; delegation by signature checks expiry and nonce',
        InvalidAccountNonce: 'delegation by signature rejects a reused nonce',
        ERC5805FutureLookup: 'past votes and supply cannot be read at the present or a future time',
      },
      unreachable: {
        CheckpointUnorderedInsertion: 'checkpoints are keyed by block.timestamp, which never decreases',
        ECDSAInvalidSignatureLength: 'permit and delegateBySig take (v, r, s), never a packed signature',
        ERC20InvalidSender: 'the only call with from == 0 is transferFrom(0, ...), which fails in _spendAllowance first',
        InvalidShortString: 'the EIP-712 name "deai" and version "1" are fixed short strings',
        StringTooLong: 'the EIP-712 name "deai" and version "1" are fixed short strings',
        SafeCastOverflowedUintDowncast: 'casts are of timepoints below clock() and of amounts below the 2^208 - 1 supply cap',
      },
    })
  })
})
