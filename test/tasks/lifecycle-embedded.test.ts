import { describe, test } from 'vitest'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { playTask, stakeVerifiers } from '../helpers/task-lifecycle.js'

describe('task lifecycle on the embedded chain', () => {
  test('approve path opens the task; reject path refunds the budget minus the fee', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 9 })
    const deployment = await deployProtocol(ledger, { fund: ledger.accounts.map((a) => a.address) })
    const protocol = await connectProtocol(ledger, deployment)
    const [, proposer, ...verifiers] = ledger.accounts
    await stakeVerifiers(protocol, verifiers)
    await playTask(protocol, proposer!, verifiers, true)
    await playTask(protocol, proposer!, verifiers, false)
  })
})
