import { parseEther } from 'viem'
import { describe, expect, test } from 'vitest'
import { castTaskVote } from '../../src/roles/verifier/cast-task-vote.js'
import { drawCommittee, proposalSecret } from '../../src/ledger/actions/tasks/draw-committee.js'
import { getTask } from '../../src/ledger/actions/tasks/get-task.js'
import { acceptOperator } from '../../src/ledger/actions/staking/accept-operator.js'
import { proposeTask } from '../../src/ledger/actions/tasks/propose-task.js'
import { setOperator } from '../../src/ledger/actions/staking/set-operator.js'
import { commitTaskVote } from '../../src/ledger/actions/tasks/commit-task-vote.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { DEFAULT_PROTOCOL_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'
import { stakeVerifiers } from '../helpers/task-lifecycle.js'

const SPEC = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const REASONS = 'bafkreie5kqzj7xqsxy5t4pkbm3jtm3vwutlj4b6vbjwz2jfbzj3sgoevxi'

describe('a task vote taken out of turn', () => {
  test('each step a key may not take is refused with its own code', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 11 })
    const deployment = await deployProtocol(ledger, { fund: ledger.accounts.map((a) => a.address) })
    const protocol = await connectProtocol(ledger, deployment)
    const [, proposer, stranger, operator, ...verifiers] = ledger.accounts
    await stakeVerifiers(protocol, verifiers)
    // An owner whose operator key has taken over no longer works for a verifier itself.
    const delegating = verifiers[0]!
    await setOperator(protocol, delegating, { role: 'verifier', operator: operator!.address })
    await acceptOperator(protocol, operator!, { role: 'verifier', owner: delegating.address })
    await ledger.clock.advance(DEFAULT_PROTOCOL_PARAMS.operatorDelay + 1n)
    const { taskId } = await proposeTask(protocol, proposer!, { specCid: SPEC, budget: parseEther('500') })
    const vote = { taskId, approve: true, reasonsCid: REASONS }

    await expectDeaiError(castTaskVote(protocol, verifiers[0]!, vote), 'TASK_NOT_VOTING')
    await expectDeaiError(drawCommittee(protocol, stranger!, taskId), 'TASK_NOT_PROPOSER')
    await expectDeaiError(proposalSecret(protocol, proposer!, taskId + 1n), 'LEDGER_EVENT_MISSING')
    const committee = (await drawCommittee(protocol, proposer!, taskId)).map((m) => m.toLowerCase())
    const members = verifiers.slice(1).filter((v) => committee.includes(v.address.toLowerCase()))
    expect(members.length).toBeGreaterThan(1)

    await expectDeaiError(commitTaskVote(protocol, delegating, vote), 'TASK_NOT_VERIFIER')
    await expectDeaiError(castTaskVote(protocol, stranger!, vote), 'TASK_NOT_MEMBER')
    const [early, late] = members
    await castTaskVote(protocol, early!, vote)
    await expectDeaiError(castTaskVote(protocol, early!, vote), 'TASK_REVEAL_NOT_OPEN')

    const task = await getTask(protocol, taskId)
    await ledger.clock.advance(task.commitDeadline - (await ledger.clock.now()) + 1n)
    await expectDeaiError(castTaskVote(protocol, late!, vote), 'TASK_COMMIT_CLOSED')
    await castTaskVote(protocol, early!, vote)
    await expectDeaiError(castTaskVote(protocol, early!, vote), 'TASK_ALREADY_REVEALED')
  })
})
