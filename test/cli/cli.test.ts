import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildProgram } from '../../src/cli/main.js'
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
import { stake } from '../../src/ledger/actions/staking/stake.js'
import { createTraining } from '../../src/ledger/actions/training/create-training.js'
import { commitScores } from '../../src/ledger/actions/training/commit-scores.js'
import { commitUpdate } from '../../src/ledger/actions/training/commit-update.js'
import { revealScores } from '../../src/ledger/actions/training/reveal-scores.js'
import { revealUpdate } from '../../src/ledger/actions/training/reveal-update.js'
import { settleRound } from '../../src/ledger/actions/training/settle-round.js'
import { trainingConfig } from '../../src/ledger/training-config.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import type { Deployment } from '../../src/ledger/deploy/deployment.js'
import { decentralization } from '../../src/mechanisms/metrics/decentralization.js'
import { parseEther } from 'viem'
import { cli } from '../helpers/cli-runner.js'

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

  test('consensus replay passes the registration vectors', async () => {
    const fixture = join(import.meta.dirname, '../fixtures/yuma-registration-vectors.json')
    const ok = await cli(dir)('consensus', 'replay', fixture, '--json')
    expect(ok.code).toBe(0)
    const report = JSON.parse(ok.out) as { total: number; passed: number; cases: { kind: string }[] }
    expect([report.total, report.passed]).toEqual([21, 21])
    expect(report.cases.map((c) => c.kind)).toContain('neuron-to-prune')
  })

  test('metrics over a distribution from --values or a file, as a table or JSON', async () => {
    const run = cli(dir)
    const table = await run('metrics', '--values', '5,3,2')
    expect(table.code).toBe(0)
    const [header, , row] = table.out.trim().split('\n')
    expect(header).toMatch(/^distribution\s+entities\s+holders\s+nakamoto 1\/3\s+nakamoto 1\/2\s+gini\s+hhi\s+entropy\s+top-1\s+top-5$/)
    // 5 : 3 : 2: one holder has a third, two have a majority; HHI 0.25 + 0.09 + 0.04.
    expect(row!.split(/\s+/)).toEqual(['values', '3', '3', '1', '2', '0.2000', '0.3800', '0.9372', '0.5000', '1.0000'])
    await writeFile(join(dir, 'stake.json'), JSON.stringify({ alice: 70, bob: '20', carol: 10, dave: 0 }))
    const json = await run('metrics', '--file', 'stake.json', '--json')
    expect(json.code).toBe(0)
    const { metrics } = JSON.parse(json.out) as { metrics: unknown }
    expect(metrics).toEqual(JSON.parse(JSON.stringify(decentralization([70n, 20n, 10n, 0n]))))
    expect(metrics).toMatchObject({ entities: 4, holders: 3, nakamotoOneHalf: 1, top1Share: 0.7 })
    const none = await run('metrics')
    expect(none.code).toBe(1)
    expect(none.err).toContain('CLI_USAGE')
    expect((await run('metrics', '--values', '5,-3')).err).toContain('CLI_BAD_ARGUMENT')
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ alice: 'lots' }))
    expect((await run('metrics', '--file', 'bad.json')).err).toContain('CLI_BAD_ARGUMENT')
  })

  test('run plays each variant, prints the JSON summary of each and the comparison; audit checks a run', async () => {
    const run = cli(dir)
    await writeFile(join(dir, 'pair.yaml'), [
      'seed: 11',
      'task: { model: mlp, rounds: 1, examplesPerTrainer: 60, validationExamples: 60, testExamples: 100, budget: 1000 }',
      'participants: { trainers: [{ count: 3 }], validators: [{ count: 2 }], verifiers: 3 }',
      'variants:',
      '  - { name: fedavg, mechanisms: { aggregation: { rule: fedavg } } }',
      '  - { name: median, mechanisms: { aggregation: { rule: median } } }',
    ].join('\n'))
    const played = await run('run', 'pair.yaml', '--json', '--out', 'reports')
    expect(played.code, played.err).toBe(0)
    expect(played.err).toContain('variant 2/2: median')
    const summary = JSON.parse(played.out) as { variants: { name: string; rounds: unknown[]; final: { modelCid: string }; json: string }[]; comparison: string }
    expect(summary.variants.map((v) => v.name)).toEqual(['fedavg', 'median'])
    expect(summary.variants.map((v) => v.rounds.length)).toEqual([1, 1])
    expect(summary.variants[0]?.json).toBe(join(dir, 'reports', 'pair-fedavg.json'))
    expect(summary.comparison).toBe(join(dir, 'reports', 'pair.comparison.html'))
    expect(JSON.parse(await readFile(join(dir, 'reports', 'pair.comparison.json'), 'utf8'))).toHaveLength(2)
    const audited = await run('audit', 'reports/pair-median.json', '--json')
    expect(audited.code, audited.err).toBe(0)
    expect(JSON.parse(audited.out)).toMatchObject({ ok: true })
  }, 300_000)
})

describe('deai CLI against a served chain', () => {
  let dir: string
  let ledger: EmbeddedLedger
  let server: JsonRpcServer
  let deployment: Deployment
  let taskId: bigint

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-cli-chain-'))
    ledger = await createEmbeddedLedger({ accounts: 9, time: 'wall' })
    server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS, fund: ledger.accounts.map((a) => a.address) })
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
    taskId = BigInt(task.id)
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

  test('metrics --task reads the task\'s stake pools, rewards and validation power from the chain', async () => {
    // A Yuma training round on the served chain (the SDK, as a node would): trainers 2-4,
    // validators 5-6 (stakes 300 and 100), aggregator 7.
    const protocol = await connectProtocol(ledger, deployment)
    const [, proposer, ...others] = ledger.accounts
    const [t1, t2, t3, v1, v2, aggregator] = others
    const store = await createContentStore({ kind: 'memory' })
    const cid = (label: string) => store.putJson({ label })
    const config = trainingConfig({
      rounds: 1, periods: { train: 60n, updateReveal: 60n, score: 60n, reveal: 60n, settle: 60n, dispute: 60n }, emissionPerRound: parseEther('100'),
      acceptFloorBps: 1000, acceptRelativeBps: 5000, deviationBoundBps: 5000, slashValidatorBps: 1000, slashAggregatorBps: 1000,
      maxUpdates: 8, consensus: 2, aggregation: 0, aggregationParam: 0, minTrainerStake: 1n, minValidatorStake: 1n, minAggregatorStake: 1n,
    })
    // Validators stake before the round opens: a round weighs the stake its validators had then.
    for (const t of [t1, t2, t3]) await stake(protocol, t!, { role: 'trainer', taskId, amount: parseEther('10') })
    await stake(protocol, v1!, { role: 'validator', taskId, amount: parseEther('300') })
    await stake(protocol, v2!, { role: 'validator', taskId, amount: parseEther('100') })
    await stake(protocol, aggregator!, { role: 'aggregator', taskId, amount: parseEther('50') })
    const training = await createTraining(protocol, proposer!, taskId, config, await cid('initial'))
    const updates = await Promise.all([t1, t2, t3].map(async (_, i) => ({ round: 1n, updateCid: await cid(`update ${i}`), examples: 100 })))
    for (const [i, t] of [t1, t2, t3].entries()) await commitUpdate(training, t!, { owner: t!.address, ...updates[i]! })
    await store.close()
    await ledger.clock.advance(61)
    for (const [i, t] of [t1, t2, t3].entries()) await revealUpdate(training, t!, updates[i]!)
    await ledger.clock.advance(60)
    const scores = [9000, 6000, 3000]
    for (const v of [v1, v2]) await commitScores(training, v!, { round: 1n, owner: v!.address, scores })
    await ledger.clock.advance(60)
    for (const v of [v1, v2]) await revealScores(training, v!, { round: 1n, scores })
    await ledger.clock.advance(60)
    await settleRound(training, proposer!, { round: 1n })

    const run = cli(dir)
    const result = await run('metrics', '--task', String(taskId), '--rpc', server.url, '--json')
    expect(result.code, result.err).toBe(0)
    type Row = { kind: string; of: string; entries: { owner: string; amount: string }[]; metrics: { entities: number; nakamotoOneHalf: number; top1Share: number } }
    const report = JSON.parse(result.out) as { taskId: string; training: string; distributions: Row[] }
    expect(report.training).toBe(training.address)
    const names = report.distributions.map((d) => `${d.kind}: ${d.of}`)
    expect(names).toEqual(['stake: trainer', 'stake: validator', 'stake: aggregator', 'rewards: all', 'rewards: verifier', 'rewards: trainer', 'rewards: validator', 'validation power: validator'])
    const row = (name: string) => report.distributions[names.indexOf(name)]!
    expect(row('stake: validator').entries).toEqual([{ owner: v1!.address, amount: parseEther('300').toString() }, { owner: v2!.address, amount: parseEther('100').toString() }])
    expect(row('validation power: validator').metrics).toMatchObject({ entities: 2, nakamotoOneHalf: 1, top1Share: 0.75 })
    // The committee's five verifiers were paid for the vote; the training paid its trainers (by
    // incentive: the best update most) and both validators.
    expect(row('rewards: verifier').entries).toHaveLength(5)
    const trainers = row('rewards: trainer').entries
    expect(trainers.map((e) => e.owner)).toEqual([t1!.address, t2!.address, t3!.address])
    expect(trainers.reduce((sum, e) => sum + BigInt(e.amount), 0n)).toBeLessThanOrEqual(parseEther('70'))
    expect(row('rewards: validator').entries.map((e) => e.owner)).toEqual([v1!.address, v2!.address])
    // Owners paid in several roles (the verifiers here also train and validate) count once in all.
    const paid = new Set(['rewards: verifier', 'rewards: trainer', 'rewards: validator'].flatMap((n) => row(n).entries.map((e) => e.owner)))
    expect(row('rewards: all').entries.map((e) => e.owner).sort()).toEqual([...paid].sort())
    const text = await run('metrics', '--task', String(taskId), '--rpc', server.url)
    expect(text.out).toContain(`task ${taskId}, training ${training.address}`)
    expect(text.out).toMatch(/\nvalidation power: validator\s+2\s+2\s+1\s+1\s/)
    const missing = await run('metrics', '--task', '99', '--rpc', server.url)
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('UnknownTask')
  })

  test('operator keys need the key\'s consent and the owner can cut them off; a rotation can be declined', async () => {
    const run = cli(dir)
    const rpc = ['--rpc', server.url]
    const [deployer, , owner, , , , , , leaving] = ledger.accounts.map((a) => a.address)
    const pool = ['--role', 'verifier', ...rpc]
    const named = await run('operator', 'set', deployer!, '--dev-account', '2', ...pool)
    expect(named.code, named.err).toBe(0)
    expect(named.err).toContain(`must accept (deai operator accept ${owner}`)
    const stranger = await run('operator', 'accept', owner!, '--dev-account', '3', ...pool)
    expect(stranger.code).toBe(1)
    expect(stranger.err).toContain('NotPendingOperator')
    expect((await run('operator', 'accept', owner!, '--dev-account', '0', ...pool)).code).toBe(0)
    await ledger.clock.advance(31) // the operator delay of the dev chain
    const position = async () => JSON.parse((await run('stake', '--dev-account', '2', '--json', ...pool)).out) as { operator: string }
    expect((await position()).operator).toBe(deployer)
    const revoked = await run('operator', 'revoke', '--dev-account', '2', '--json', ...pool)
    expect(JSON.parse(revoked.out)).toMatchObject({ operator: owner })

    const requested = await run('rotation', 'request', deployer!, '--dev-account', '8', '--json', ...rpc)
    expect(requested.code, requested.err).toBe(0)
    expect(JSON.parse(requested.out)).toMatchObject({ owner: leaving, pendingTo: deployer, disputed: false, rotatedTo: null })
    const early = await run('rotation', 'complete', leaving!, '--dev-account', '0', ...rpc)
    expect(early.code).toBe(1)
    expect(early.err).toContain('RotationNotReady')
    expect((await run('rotation', 'decline', leaving!, '--dev-account', '0', ...rpc)).code).toBe(0)
    expect((await run('rotation', 'show', leaving!, ...rpc)).out).toContain('has no rotation pending')
  })
})
