import { beforeAll, describe, expect, test } from 'vitest'
import { encodeAbiParameters, parseEther, parseEventLogs } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { revertName } from '../../src/ledger/contracts/contract-errors.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { bytes32Of, committeeSeed, proposeWithSecret } from '../helpers/task-flow.js'

/** EIP-2935's block-hash history contract. */
const HISTORY: Address = '0x0000F90827F1C53a10cb7A02335B175320002935'

let fx: ProtocolFixture
let proposer: PrivateKeyAccount

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 8 })
  proposer = accountAt(fx, 1)
  for (let i = 2; i < 8; i++) {
    const verifier = accountAt(fx, i)
    await writeContract(fx.ledger, verifier, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, parseEther('1000')] })
    await writeContract(fx.ledger, verifier, { ...fx.stakeManager, functionName: 'stake', args: [0n, roleId('verifier'), parseEther('1000')] })
  }
})

/** Mines until the next transaction lands `distance` blocks after `block`. */
async function mineToDistance(block: bigint, distance: bigint): Promise<void> {
  const head = await fx.ledger.client.getBlockNumber({ cacheTime: 0 })
  const target = block + distance - 1n
  if (head > target) throw new Error(`already ${head - block + 1n} blocks past ${block}`)
  await fx.ledger.clock.mine(Number(target - head))
}

describe('TaskRegistry: the seed block hash at the edge of the BLOCKHASH window', () => {
  test('256 blocks back the seed uses the real block hash', async () => {
    const secret = bytes32Of('edge secret')
    const taskId = await proposeWithSecret(fx, proposer, { secret })
    const { seedBlock } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
    await mineToDistance(seedBlock, 256n)
    const receipt = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
    expect(receipt.blockNumber - seedBlock).toBe(256n)
    const [drawn] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'CommitteeDrawn', logs: receipt.logs })
    const { hash } = await fx.ledger.client.getBlock({ blockNumber: seedBlock })
    expect(drawn?.args.seed).toBe(committeeSeed(secret, hash, taskId))
  })

  test('257 blocks back, a failing history contract means out of reach, so the task can be abandoned', async () => {
    // The embedded chain's history contract is a placeholder that reverts with a reason string;
    // its revert data must not be taken for a block hash.
    const head = await fx.ledger.client.getBlockNumber({ cacheTime: 0 })
    await expect(fx.ledger.client.call({ to: HISTORY, data: encodeAbiParameters([{ type: 'uint256' }], [head - 1n]) })).rejects.toThrow()

    const secret = bytes32Of('late secret')
    const late = await proposeWithSecret(fx, proposer, { secret })
    const abandoned = await proposeWithSecret(fx, proposer, { secret })
    const { seedBlock } = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [late] })
    await mineToDistance(seedBlock, 257n)

    const draw = await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [late, secret] }).then(() => 'drawn', revertName)
    expect(draw).toBe('SeedUnavailable')
    const second = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [abandoned] })
    await mineToDistance(second.seedBlock, 257n)
    await writeContract(fx.ledger, proposer, { ...fx.taskRegistry, functionName: 'abandon', args: [abandoned] })
    const task = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [abandoned] })
    expect(task.status).toBe(6) // Abandoned
  })
})
