import { beforeAll, describe, expect, test } from 'vitest'
import { parseEther } from 'viem'
import { ContractRevertedError } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'

const VERIFIER = roleId('verifier')

let fx: ProtocolFixture

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 2 })
  await writeContract(fx.ledger, accountAt(fx, 1), { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, parseEther('1000')] })
}, 120_000)

describe('writeContract', () => {
  test('sends with a margin over the estimate, so state that moves before the send does not run it out of gas', async () => {
    const receipt = await writeContract(fx.ledger, accountAt(fx, 1), { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, parseEther('200')] })
    const sent = await fx.ledger.client.getTransaction({ hash: receipt.transactionHash })
    expect(sent.gas).toBeGreaterThanOrEqual((receipt.gasUsed * 6n) / 5n)
  })

  test('keeps the gas a caller gives', async () => {
    const receipt = await writeContract(fx.ledger, accountAt(fx, 1), { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, parseEther('1')], gas: 900_000n })
    expect((await fx.ledger.client.getTransaction({ hash: receipt.transactionHash })).gas).toBe(900_000n)
  })

  test('a revert found while estimating is CONTRACT_REVERTED naming the custom error', async () => {
    const error = await expectDeaiError(writeContract(fx.ledger, accountAt(fx, 1), { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, 0n] }), 'CONTRACT_REVERTED')
    expect(error).toBeInstanceOf(ContractRevertedError)
    expect((error as ContractRevertedError).errorName).toBe('ZeroAmount')
  })
})
