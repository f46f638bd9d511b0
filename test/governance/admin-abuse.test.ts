import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encodeFunctionData, keccak256, parseEther, stringToBytes, zeroHash } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { castVote } from '../../src/ledger/actions/governance/cast-vote.js'
import { createProposal } from '../../src/ledger/actions/governance/create-proposal.js'
import { encodeProposalActions } from '../../src/ledger/actions/governance/encode-proposal-actions.js'
import { executeProposal } from '../../src/ledger/actions/governance/execute-proposal.js'
import { queueProposal } from '../../src/ledger/actions/governance/queue-proposal.js'
import { deaiTimelockAbi } from '../../src/ledger/contracts/generated/DeaiTimelock.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf } from '../helpers/balances.js'
import { delegateToSelf, governorOf, toEta, toVoteEnd, toVoting } from '../helpers/governance-flow.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog } from '../helpers/reverts.js'
import { openTask, stakeVerifiers } from '../helpers/training-flow.js'

/**
 * Audit finding H-4 (the admin key had custody of all stake and budgets), replayed against a
 * protocol deployed as `deai deploy` deploys it: the deployer key tries the same four moves.
 */

const E = 10n ** 18n
const VERIFIER = roleId('verifier')
const ANY = keccak256(stringToBytes('ANY'))

const log = createRevertLog()
let fx: ProtocolFixture
let verifiers: PrivateKeyAccount[]
let taskId: bigint

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 8, params: { tasks: { committeeSize: 3 } } })
  verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  await stakeVerifiers(fx, verifiers)
  taskId = await openTask(fx, accountAt(fx, 1), verifiers, { label: 'victim task', budget: parseEther('5000') })
})

afterAll(async () => {
  await fx.ledger.close()
})

describe('audit H-4: the deployer key has no custody of stake or budgets', () => {
  test('the deployer can no longer pause, grant itself SLASHER_ROLE or STAGE_ROLE, slash anyone or release a budget', async () => {
    const admin = fx.deployer
    const victim = verifiers[0]!
    const read = fx.ledger.client.readContract
    const roles = {
      admin: zeroHash,
      slasher: await read({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' }),
      pauser: await read({ ...fx.stakeManager, functionName: 'PAUSER_ROLE' }),
      stage: await read({ ...fx.taskRegistry, functionName: 'STAGE_ROLE' }),
    }
    const stakeBefore = (await read({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, victim.address] })).active
    const budgetBefore = (await read({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })).budget
    const adminBefore = await balanceOf(fx, admin.address)
    expect(stakeBefore).toBe(1_000n * E)

    const denied = async (call: Promise<unknown>, role: `0x${string}`) =>
      expect(await log.expectRevert(call, 'AccessControlUnauthorizedAccount')).toEqual([admin.address, role])
    await denied(writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'pause', args: [] }), roles.pauser)
    await denied(writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'grantRole', args: [roles.slasher, admin.address] }), roles.admin)
    await denied(writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'slash', args: [0n, VERIFIER, victim.address, stakeBefore, admin.address, ANY, ANY] }), roles.slasher)
    await denied(writeContract(fx.ledger, admin, { ...fx.taskRegistry, functionName: 'grantRole', args: [roles.stage, admin.address] }), roles.admin)
    await denied(writeContract(fx.ledger, admin, { ...fx.taskRegistry, functionName: 'releaseBudget', args: [taskId, admin.address, budgetBefore] }), roles.stage)
    // Nor any of the admin's other levers: delays, the treasury, the timelock, the governor.
    await denied(writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'setDelays', args: [0n, 0n, 0n] }), roles.admin)
    await denied(writeContract(fx.ledger, admin, { ...fx.taskRegistry, functionName: 'setTreasury', args: [admin.address] }), roles.admin)
    const timelock = { address: fx.protocol.timelock.address, abi: deaiTimelockAbi }
    await denied(writeContract(fx.ledger, admin, { ...timelock, functionName: 'grantRole', args: [await read({ ...timelock, functionName: 'PROPOSER_ROLE' }), admin.address] }), roles.admin)
    const grant = encodeFunctionData({ abi: fx.stakeManager.abi, functionName: 'grantRole', args: [roles.slasher, admin.address] })
    // The role is read first: a write that fails while another await runs would reject unobserved.
    const proposerRole = await read({ ...timelock, functionName: 'PROPOSER_ROLE' })
    await denied(writeContract(fx.ledger, admin, { ...timelock, functionName: 'schedule', args: [fx.stakeManager.address, 0n, grant, zeroHash, zeroHash, 0n] }), proposerRole)
    await log.expectRevert(writeContract(fx.ledger, admin, { ...governorOf(fx), functionName: 'relay', args: [fx.stakeManager.address, 0n, grant] }), 'GovernorOnlyExecutor')

    expect((await read({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, victim.address] })).active).toBe(stakeBefore)
    expect((await read({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })).budget).toBe(budgetBefore)
    expect(await balanceOf(fx, admin.address)).toBe(adminBefore)
  })

  test('even the holder of most of the supply needs a public vote and the timelock delay, and a staker who sees it coming is out first', async () => {
    // The limit: the deployer still holds most of the DEAI, so its votes pass what it proposes.
    const admin = fx.deployer
    const victim = verifiers[1]!
    await delegateToSelf(fx, [admin])
    const slasher = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'SLASHER_ROLE' })
    const calls = await encodeProposalActions(fx.protocol, [{ kind: 'grant-role', contract: 'stakeManager', role: 'SLASHER_ROLE', account: admin.address }])
    const { proposalId } = await createProposal(fx.protocol, admin, { ...calls, description: 'Let the deployer slash' })

    // The proposal is public from this block on; the victim starts unbonding at once.
    const stake = (await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, VERIFIER, victim.address] })).active
    const victimBefore = await balanceOf(fx, victim.address)
    await writeContract(fx.ledger, victim, { ...fx.stakeManager, functionName: 'requestUnstake', args: [0n, VERIFIER, stake] })

    await toVoting(fx, proposalId)
    await castVote(fx.protocol, admin, { proposalId, support: 'for' })
    await toVoteEnd(fx, proposalId)
    await queueProposal(fx.protocol, admin, proposalId)
    await toEta(fx, proposalId)
    // Before the grant can execute, the unbonding delay is over and the victim withdraws.
    await writeContract(fx.ledger, victim, { ...fx.stakeManager, functionName: 'withdraw', args: [0n, VERIFIER] })
    expect(await balanceOf(fx, victim.address)).toBe(victimBefore + stake)

    await executeProposal(fx.protocol, admin, proposalId)
    expect(await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'hasRole', args: [slasher, admin.address] })).toBe(true)
    const adminBefore = await balanceOf(fx, admin.address)
    await writeContract(fx.ledger, admin, { ...fx.stakeManager, functionName: 'slash', args: [0n, VERIFIER, victim.address, stake, admin.address, ANY, ANY] })
    expect(await balanceOf(fx, admin.address)).toBe(adminBefore)
  })
})
