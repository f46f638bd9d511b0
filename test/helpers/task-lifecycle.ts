import { expect } from 'vitest'
import { parseEther } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { drawCommittee } from '../../src/ledger/actions/tasks/draw-committee.js'
import { getTask } from '../../src/ledger/actions/tasks/get-task.js'
import { proposeTask } from '../../src/ledger/actions/tasks/propose-task.js'
import { stake } from '../../src/ledger/actions/staking/stake.js'
import { commitTaskVote } from '../../src/ledger/actions/tasks/commit-task-vote.js'
import { finalizeTask } from '../../src/ledger/actions/tasks/finalize-task.js'
import { revealTaskVote } from '../../src/ledger/actions/tasks/reveal-task-vote.js'
import type { Protocol } from '../../src/ledger/protocol.js'

/**
 * Plays one task through the registry: propose → committee drawn → commit → reveal → finalize,
 * with every member voting `approve`, and checks the money on both outcomes. The same function
 * runs on the embedded chain and over JSON-RPC against a separate process.
 */
export async function playTask(protocol: Protocol, proposer: PrivateKeyAccount, verifiers: readonly PrivateKeyAccount[], approve: boolean): Promise<void> {
  const { ledger } = protocol
  const token = protocol.token
  const balance = (address: `0x${string}`) => ledger.client.readContract({ ...token, functionName: 'balanceOf', args: [address] })
  const rules = await ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'params' })

  const budget = parseEther('500')
  const before = await balance(proposer.address)
  const { taskId } = await proposeTask(protocol, proposer, { specCid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', budget })
  expect((await getTask(protocol, taskId)).status).toBe('proposed')
  expect(await balance(proposer.address)).toBe(before - budget - rules.minBond)

  const committee = await drawCommittee(protocol, proposer, taskId)
  expect(committee).toHaveLength(rules.committeeSize)
  expect(committee).not.toContain(proposer.address)
  const task = await getTask(protocol, taskId)
  expect(task.status).toBe('voting')

  const keyOf = new Map(verifiers.map((v) => [v.address.toLowerCase(), v]))
  const vote = { taskId, approve, reasonsCid: 'bafkreie5kqzj7xqsxy5t4pkbm3jtm3vwutlj4b6vbjwz2jfbzj3sgoevxi' }
  for (const member of committee) await commitTaskVote(protocol, keyOf.get(member.toLowerCase())!, vote)
  await ledger.clock.advance(task.commitDeadline - (await ledger.clock.now()) + 1n)
  for (const member of committee) await revealTaskVote(protocol, keyOf.get(member.toLowerCase())!, vote)
  await ledger.clock.advance(task.revealDeadline - (await ledger.clock.now()) + 1n)

  const unclaimedBefore = await Promise.all(committee.map((m) => ledger.client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [m] })))
  await finalizeTask(protocol, proposer, taskId)
  const settled = await getTask(protocol, taskId)
  const pot = approve ? rules.fee : rules.fee + rules.minBond
  const share = pot / BigInt(committee.length)
  const unclaimedAfter = await Promise.all(committee.map((m) => ledger.client.readContract({ ...protocol.stakeManager, functionName: 'rewardsOf', args: [m] })))
  unclaimedAfter.forEach((after, i) => expect(after - unclaimedBefore[i]!).toBe(share))
  if (approve) {
    expect(settled.status).toBe('open')
    expect(settled.budget).toBe(budget - rules.fee)
    expect(await balance(proposer.address)).toBe(before - budget) // bond back, budget escrowed
  } else {
    expect(settled.status).toBe('rejected')
    expect(settled.budget).toBe(0n)
    expect(await balance(proposer.address)).toBe(before - rules.fee - rules.minBond) // budget back minus fee, bond forfeited
  }
}

/** Stakes each verifier into the protocol-wide verifier pool. */
export async function stakeVerifiers(protocol: Protocol, verifiers: readonly PrivateKeyAccount[]): Promise<void> {
  for (const v of verifiers) await stake(protocol, v, { role: 'verifier', amount: parseEther('1000') })
}
