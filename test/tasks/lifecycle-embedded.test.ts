import { describe, expect, test } from 'vitest'
import { parseEther } from 'viem'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { stake } from '../../src/ledger/actions/stake.js'
import { proposeTask } from '../../src/ledger/actions/propose-task.js'
import { drawCommittee } from '../../src/ledger/actions/draw-committee.js'
import { commitTaskVote, finalizeTask, revealTaskVote } from '../../src/ledger/actions/vote-on-task.js'
import { getTask } from '../../src/ledger/actions/get-task.js'
import { createGasMeter } from '../../src/ledger/gas-meter.js'

describe('task lifecycle on the embedded chain', () => {
  test('propose, draw, commit, reveal, approve', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 8 })
    const deployment = await deployProtocol(ledger, { fund: ledger.accounts.map((a) => a.address) })
    const gasMeter = createGasMeter()
    const protocol = await connectProtocol(ledger, deployment, { gasMeter })
    const [, proposer, ...verifiers] = ledger.accounts
    for (const v of verifiers) await stake(protocol, v, { role: 'verifier', amount: parseEther('1000') })
    const { taskId } = await proposeTask(protocol, proposer!, { specCid: 'bafkreiexample', budget: parseEther('500') })
    const committee = await drawCommittee(protocol, proposer!, taskId)
    expect(committee).toHaveLength(5)
    const byAddress = new Map(verifiers.map((v) => [v.address, v]))
    for (const member of committee) {
      await commitTaskVote(protocol, byAddress.get(member)!, { taskId, approve: true, reasonsCid: 'bafkreireasons' })
    }
    await ledger.clock.advance(3601)
    for (const member of committee) {
      await revealTaskVote(protocol, byAddress.get(member)!, { taskId, approve: true, reasonsCid: 'bafkreireasons' })
    }
    await ledger.clock.advance(3601)
    await finalizeTask(protocol, proposer!, taskId)
    const task = await getTask(protocol, taskId)
    expect(task.status).toBe('open')
    expect(task.budget).toBe(parseEther('490'))
    console.log([...gasMeter.byLabel()].map(([k, v]) => `${k}: ${v.total / BigInt(v.count)}`).join('\n'))
  })
})
