import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildProgram, main } from '../../src/cli/main.js'
import type { CliContext } from '../../src/cli/shared/context.js'
import { createContentStore } from '../../src/content/create-content-store.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { writeDeployment } from '../../src/ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import type { JsonRpcServer } from '../../src/ledger/server/serve-json-rpc.js'
import { buildTaskSpec } from '../../src/tasks/build-task.js'

type Run = { code: number; out: string; err: string }

function cli(cwd: string, env: Record<string, string> = {}) {
  return async (...argv: string[]): Promise<Run> => {
    let out = ''
    let err = ''
    const code = await main(argv, {
      cwd,
      env,
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      stdoutBytes: (b) => void (out += Buffer.from(b).toString('latin1')),
    })
    return { code, out, err }
  }
}

function allCommands(command: Command, path: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...path, c.name()], ...allCommands(c, [...path, c.name()])])
}

describe('deai CLI', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('every command has --help, exiting 0 with usage', async () => {
    const commands = allCommands(buildProgram({} as CliContext))
    expect(commands.length).toBeGreaterThan(15)
    for (const path of [[], ...commands]) {
      const run = await cli(dir)(...path, '--help')
      expect(run.code, path.join(' ')).toBe(0)
      expect(run.out, path.join(' ')).toContain('Usage: deai')
    }
  })

  test('usage mistakes exit 2, failures exit 1 with the error code', async () => {
    expect((await cli(dir)('no-such-command')).code).toBe(2)
    expect((await cli(dir)('stake', '10')).code).toBe(2) // --role missing
    const bad = await cli(dir)('content', 'get', 'not-a-cid')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('CONTENT_INVALID_CID')
    const unreachable = await cli(dir)('task', 'list', '--rpc', 'http://127.0.0.1:9')
    expect(unreachable.code).toBe(1)
    expect(unreachable.err).toContain('LEDGER_RPC_UNREACHABLE')
    const amount = await cli(dir, { DEAI_PRIVATE_KEY: `0x${'11'.repeat(32)}` })('stake', 'lots', '--role', 'verifier')
    expect(amount.code).toBe(1)
    expect(amount.err).toContain('CLI_BAD_ARGUMENT')
  })

  test('content put and get round-trip bytes and JSON by CID', async () => {
    const run = cli(dir)
    await writeFile(join(dir, 'hello.txt'), 'hello')
    await writeFile(join(dir, 'doc.json'), JSON.stringify({ b: 2, a: 1 }))
    const bytes = await run('content', 'put', 'hello.txt')
    expect(bytes.code).toBe(0)
    expect(bytes.out.trim()).toBe('bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq')
    const json = await run('content', 'put', 'doc.json', '--json')
    const { cid } = JSON.parse(json.out) as { cid: string }
    expect(cid).toMatch(/^baguqeera/)
    expect(JSON.parse((await run('content', 'get', cid)).out)).toEqual({ a: 1, b: 2 })
    expect((await run('content', 'get', bytes.out.trim(), '-o', 'copy.txt')).code).toBe(0)
    expect(await readFile(join(dir, 'copy.txt'), 'utf8')).toBe('hello')
  })

  test('consensus replay passes the Yuma vectors and fails a perturbed copy', async () => {
    const fixture = join(import.meta.dirname, '../fixtures/yuma-vectors.json')
    const ok = await cli(dir)('consensus', 'replay', fixture)
    expect(ok.code).toBe(0)
    expect(ok.out).toMatch(/14 cases: 14 passed, 0 failed/)
    const cases = JSON.parse(await readFile(fixture, 'utf8')) as { expected: { medians?: number[] } }[]
    const medians = cases[0]!.expected.medians!
    medians[0] = medians[0]! + 1
    await writeFile(join(dir, 'perturbed.json'), JSON.stringify(cases))
    const bad = await cli(dir)('consensus', 'replay', 'perturbed.json')
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(/FAIL/)
  })
})

describe('deai CLI against a served chain', () => {
  let dir: string
  let ledger: EmbeddedLedger
  let server: JsonRpcServer

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-chain-'))
    ledger = await createEmbeddedLedger({ accounts: 9, time: 'wall' })
    server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    const deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS, fund: ledger.accounts.map((a) => a.address) })
    await writeDeployment(deployment, join(dir, '.deai/deployment.json'))
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('stake, propose a spec file, vote with the verifier check, finalize, claim', async () => {
    const run = cli(dir)
    const rpc = ['--rpc', server.url]
    for (let i = 2; i <= 8; i++) {
      expect((await run('stake', '500', '--role', 'verifier', '--dev-account', String(i), ...rpc)).code).toBe(0)
    }
    const store = await createContentStore({ kind: 'fs', path: join(dir, '.deai/content') })
    const { spec } = await buildTaskSpec(store, {
      name: 'fashion mlp',
      model: 'mlp',
      training: { rounds: 3, localEpochs: 1, batchSize: 32, learningRate: 0.05 },
      mechanisms: { aggregation: 'trimmed-mean', consensus: 'flock' },
    })
    await store.close()
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec))

    const proposed = await run('task', 'propose', '--spec', 'spec.json', '--budget', '1000', '--dev-account', '1', '--json', ...rpc)
    expect(proposed.code, proposed.err).toBe(0)
    const task = JSON.parse(proposed.out) as { id: string; status: string; committee: string[] }
    expect(task.status).toBe('voting')
    const members = task.committee.map((m) => ledger.accounts.findIndex((a) => a.address === m))

    for (const index of members) {
      const vote = await run('task', 'vote', task.id, '--dev-account', String(index), '--json', ...rpc)
      expect(vote.code, vote.err).toBe(0)
      const result = JSON.parse(vote.out) as { step: string; approve: boolean; report: { findings: { ok: boolean }[] } }
      expect(result).toMatchObject({ step: 'committed', approve: true })
      expect(result.report.findings.every((f) => f.ok)).toBe(true)
    }
    await ledger.clock.advance(21)
    for (const index of members) {
      const vote = await run('task', 'vote', task.id, '--dev-account', String(index), ...rpc)
      expect(vote.out).toContain('revealed')
    }
    await ledger.clock.advance(21)
    const final = await run('task', 'finalize', task.id, '--dev-account', '0', '--json', ...rpc)
    expect(JSON.parse(final.out)).toMatchObject({ status: 'open' })
    const claim = await run('claim', '--dev-account', String(members[0]), '--json', ...rpc)
    expect(claim.code).toBe(0)
    expect(BigInt((JSON.parse(claim.out) as { amount: string }).amount)).toBe(2n * 10n ** 18n) // 10 DEAI fee / 5
  })
})
