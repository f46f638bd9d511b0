import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { writeDeployment } from '../../src/ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import type { JsonRpcServer } from '../../src/ledger/server/serve-json-rpc.js'
import { auditRun } from '../../src/scenario/audit-run.js'
import { cli } from '../helpers/cli-runner.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('deai CLI errors before any chain', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-errors-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('a data file that is missing or does not parse is named, with its fix', async () => {
    const missing = await cli(dir)('consensus', 'replay', 'nowhere.json')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('error [FILE_UNREADABLE]: cannot read test-vector file nowhere.json')
    await writeFile(join(dir, 'broken.json'), '{ not json')
    const broken = await cli(dir)('consensus', 'replay', 'broken.json')
    expect(broken.code).toBe(1)
    expect(broken.err).toContain('error [FILE_NOT_PARSEABLE]')
    expect(broken.err).toContain('Fix: ')
  })

  test('a signing command refuses a missing, unreadable or malformed key', async () => {
    const none = await cli(dir)('stake', '1', '--role', 'verifier')
    expect(none.err).toContain('error [KEY_MISSING]')
    const unreadable = await cli(dir)('stake', '1', '--role', 'verifier', '--key-file', 'no-such-key')
    expect(unreadable.err).toContain('error [KEY_FILE_UNREADABLE]')
    await writeFile(join(dir, 'short.key'), '0x1234')
    const malformed = await cli(dir)('stake', '1', '--role', 'verifier', '--key-file', 'short.key')
    expect(malformed.err).toContain('error [KEY_INVALID]')
  })

  test('a new key file wants the same password twice', async () => {
    const answers = ['first password', 'second password']
    const run = cli(dir, {}, { readSecret: async () => answers.shift() ?? '' })
    const differ = await run('keys', 'new', '--dir', join(dir, 'keys'))
    expect(differ.code).toBe(1)
    expect(differ.err).toContain('error [KEYSTORE_PASSWORD_MISMATCH]')
  })

  test('an audit needs the run\'s chain, and a run report', async () => {
    await writeFile(join(dir, 'report.json'), JSON.stringify({ rounds: [], participants: [] }))
    const noChain = await cli(dir)('audit', 'report.json')
    expect(noChain.code).toBe(1)
    expect(noChain.err).toContain('error [AUDIT_NO_CHAIN]')
    const ledger = await createEmbeddedLedger({ accounts: 1 })
    await expectDeaiError(auditRun({ report: { name: 'not a report' }, ledger }), 'AUDIT_BAD_REPORT')
  })
})

describe('deai CLI: a contract custom error', () => {
  let dir: string
  let server: JsonRpcServer

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-revert-'))
    const ledger = await createEmbeddedLedger({ accounts: 2, time: 'wall' })
    server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    const deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS, fund: ledger.accounts.map((a) => a.address) })
    await writeDeployment(deployment, join(dir, '.deai/deployment.json'))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('reaches the user by name, with its arguments and the fix from its NatSpec', async () => {
    const run = await cli(dir)('task', 'finalize', '99', '--dev-account', '0', '--rpc', server.url)
    expect(run.code).toBe(1)
    expect(run.err).toContain('error [CONTRACT_REVERTED]')
    expect(run.err).toContain('UnknownTask(99)')
    expect(run.err).toContain('Fix: no task 99; list tasks with deai task list')
  })

  test('a dev account is refused on a chain that is not a dev chain', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1, chainId: 31338, time: 'wall' })
    const other = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    const otherDir = await mkdtemp(join(tmpdir(), 'deai-cli-other-chain-'))
    try {
      const deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS })
      await writeDeployment(deployment, join(otherDir, '.deai/deployment.json'))
      const run = await cli(otherDir)('stake', '1', '--role', 'verifier', '--dev-account', '0', '--rpc', other.url)
      expect(run.code).toBe(1)
      expect(run.err).toContain('error [KEY_DEV_ON_REAL_CHAIN]')
    } finally {
      await other.close()
      await rm(otherDir, { recursive: true, force: true })
    }
  })
})
