import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseEther } from 'viem'
import { main } from '../../src/cli/main.js'
import { stakeManagerAbi } from '../../src/ledger/contracts/generated/StakeManager.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { writeDeployment } from '../../src/ledger/deploy/deployment.js'
import type { Deployment } from '../../src/ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import type { JsonRpcServer } from '../../src/ledger/server/serve-json-rpc.js'

type Run = { code: number; out: string; err: string }

describe('deai gov against a served dev chain', () => {
  let dir: string
  let ledger: EmbeddedLedger
  let server: JsonRpcServer
  let deployment: Deployment
  let run: (...argv: string[]) => Promise<Run>

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-gov-'))
    ledger = await createEmbeddedLedger({ accounts: 4, time: 'wall' })
    server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS, fund: ledger.accounts.map((a) => a.address) })
    await writeDeployment(deployment, join(dir, '.deai/deployment.json'))
    run = async (...argv) => {
      let out = ''
      let err = ''
      const code = await main([...argv, '--rpc', server.url], { cwd: dir, env: {}, stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
      return { code, out, err }
    }
  })

  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('show, delegate, propose, vote, queue and execute a parameter change, with the errors that name their fix', async () => {
    const settings = await run('gov', 'show', '--json')
    expect(settings.code, settings.err).toBe(0)
    expect(JSON.parse(settings.out)).toMatchObject({ votingDelay: '1', votingPeriod: '60', timelockDelay: '30', quorumBps: '400', proposalCount: '0', treasury: deployment.contracts.timelock })
    expect((await run('gov', 'show')).out).toContain('proposals      none yet')
    const none = await run('gov', 'vote', '1', 'for', '--dev-account', '0')
    expect(none.code).toBe(1)
    expect(none.err).toContain('GovernorNonexistentProposal')

    const delegated = await run('gov', 'delegate', '--dev-account', '0', '--json')
    expect(delegated.code, delegated.err).toBe(0)
    const votes = BigInt((JSON.parse(delegated.out) as { votes: string }).votes)
    expect(votes).toBeGreaterThan(parseEther('900000000'))
    await ledger.clock.advance(1)

    await writeFile(join(dir, 'actions.yaml'), '- { kind: set-min-stake, role: verifier, amount: "250 DEAI" }\n')
    const proposed = await run('gov', 'propose', '--description', 'Verifiers stake at least 250 DEAI', '--actions', 'actions.yaml', '--dev-account', '0', '--json')
    expect(proposed.code, proposed.err).toBe(0)
    const proposal = JSON.parse(proposed.out) as { id: string; state: string; calls: { contract: string; functionName: string }[] }
    expect(proposal).toMatchObject({ id: '1', state: 'pending', calls: [{ contract: 'stakeManager', functionName: 'setMinStake' }] })
    await ledger.clock.advance(2)

    const powerless = await run('gov', 'vote', '1', 'against', '--dev-account', '1')
    expect(powerless.code).toBe(1)
    expect(powerless.err).toContain('error [GOV_NO_VOTING_POWER]: no voting power')
    expect(powerless.err).toContain('Fix: delegate first (deai gov delegate)')
    const voted = await run('gov', 'vote', '1', 'for', '--reason', 'cheap seats invite sybils', '--dev-account', '0', '--json')
    expect(voted.code, voted.err).toBe(0)
    expect(JSON.parse(voted.out)).toMatchObject({ support: 'for', weight: votes.toString(), proposal: { state: 'active' } })
    const twice = await run('gov', 'vote', '1', 'against', '--dev-account', '0')
    expect(twice.code).toBe(1)
    expect(twice.err).toContain('GovernorAlreadyCastVote')
    const early = await run('gov', 'queue', '1', '--dev-account', '2')
    expect(early.code).toBe(1)
    expect(early.err).toMatch(/error \[GOV_PROPOSAL_NOT_QUEUEABLE\]: proposal 1 is active: it can be queued once voting closes at \S+ \(in \d+ s\)/)
    const shown = await run('gov', 'show', '1')
    expect(shown.out).toContain('proposal 1: active')
    expect(shown.out).toContain(`stakeManager.setMinStake(${roleId('verifier')}, ${parseEther('250')})`)
    expect(shown.out).toMatch(/quorum\s+40,000,000 DEAI of for \+ abstain: reached/)

    await ledger.clock.advance(61)
    const queued = await run('gov', 'queue', '1', '--dev-account', '2', '--json')
    expect(queued.code, queued.err).toBe(0)
    expect(JSON.parse(queued.out)).toMatchObject({ state: 'queued' })
    const tooSoon = await run('gov', 'execute', '1', '--dev-account', '2')
    expect(tooSoon.code).toBe(1)
    expect(tooSoon.err).toMatch(/error \[GOV_PROPOSAL_NOT_EXECUTABLE\]: proposal 1 is in the timelock until \S+ \(in \d+ s\)/)
    await ledger.clock.advance(31)
    const executed = await run('gov', 'execute', '1', '--dev-account', '2', '--json')
    expect(executed.code, executed.err).toBe(0)
    expect(JSON.parse(executed.out)).toMatchObject({ state: 'executed' })
    expect(await ledger.client.readContract({ address: deployment.contracts.stakeManager, abi: stakeManagerAbi, functionName: 'minStake', args: [roleId('verifier')] })).toBe(parseEther('250'))
    expect((await run('gov', 'show', '1')).out).toContain('next         executed: nothing to do')
  })

  test('mistakes in actions and arguments are named before anything is sent', async () => {
    const noActions = await run('gov', 'propose', '--description', 'nothing', '--dev-account', '0')
    expect(noActions.code).toBe(1)
    expect(noActions.err).toContain('CLI_USAGE')
    const bare = await run('gov', 'propose', '--description', 'pay', '--action', '{"kind":"treasury-payment","to":"0x0000000000000000000000000000000000000001","amount":"2.5"}', '--dev-account', '0')
    expect(bare.code).toBe(1)
    expect(bare.err).toContain('error [GOV_ACTION_INVALID]: --action: 0.amount: must be wei (a whole number) or DEAI such as "2.5 DEAI"')
    const role = await run('gov', 'propose', '--description', 'grant', '--action', '{"kind":"grant-role","contract":"taskRegistry","role":"SLASHER_ROLE","account":"0x0000000000000000000000000000000000000001"}', '--dev-account', '0')
    expect(role.code).toBe(1)
    expect(role.err).toContain('error [GOV_ACTION_INVALID]: action 0: taskRegistry has no SLASHER_ROLE')
    expect((await run('gov', 'propose', '--description', 'x', '--action', '{kind', '--dev-account', '0')).err).toContain('GOV_ACTION_INVALID')
    expect((await run('gov', 'vote', '1', 'maybe', '--dev-account', '0')).err).toContain('CLI_BAD_ARGUMENT')
    expect((await run('gov', 'show', '0')).err).toContain('CLI_BAD_ARGUMENT')
    const missing = await run('gov', 'show', '7')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('error [GOV_PROPOSAL_NOT_FOUND]: no proposal 7')
    const help = await run('gov', 'propose', '--help')
    expect(help.code).toBe(0)
    expect(help.out).toContain('"kind": "treasury-payment"')
  })
})
