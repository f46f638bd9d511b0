/**
 * The acceptance test of `deai node`: a network of OS processes on 127.0.0.1, every one started
 * with the built CLI (bin/deai.js; `npm test` builds it first): `deai chain`, then with keystores
 * imported by `deai keys import`, a proposer, three verifiers, three trainers, two validators
 * and an aggregator, each `deai node` over JSON-RPC, libp2p and its own content store.
 *
 * The committee's votes come from the verifier processes; the task is approved; two rounds
 * settle, and what the contracts paid is checked against their rules, their events and the
 * balances. One trainer is killed (SIGKILL) in round 1 after the validators have committed; the
 * round still settles (its update is served by the peers that fetched it) and, restarted, the
 * trainer works in round 2 without submitting twice. Every node stops cleanly on SIGTERM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { getAddress } from 'viem'
import type { Address } from 'viem'
import { writeKeystoreFile } from '../../src/keys/keystore.js'
import { getTask } from '../../src/ledger/actions/tasks/get-task.js'
import { findTraining } from '../../src/ledger/actions/training/find-training.js'
import { getJudgements } from '../../src/ledger/actions/training/get-judgements.js'
import { getRound } from '../../src/ledger/actions/training/get-round.js'
import { getSubmissions } from '../../src/ledger/actions/training/get-submissions.js'
import { hasCommitted } from '../../src/ledger/actions/training/has-committed.js'
import type { Training } from '../../src/ledger/training.js'
import { getTrainingConfig } from '../../src/ledger/actions/training/get-training-config.js'
import { SMALL_NETWORK, spawnDeai, startProcessNetwork, watchRounds } from '../../bench/node-rounds.js'
import type { ProcessNetwork } from '../../bench/node-rounds.js'

async function until<T>(what: string, read: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A node's JSON log lines (Node's own warnings, if any, are not JSON and are skipped). */
const jsonLines = (lines: readonly string[]) => lines.flatMap((line) => {
  try {
    return [JSON.parse(line) as Record<string, unknown>]
  } catch {
    return []
  }
})
const logsOf = (network: ProcessNetwork, name: string) => jsonLines(network.nodes.get(name)!.lines)

/**
 * The bench's small network with a longer training phase: a restarted trainer process loads
 * TF.js and its data again before it can train, which takes longer than 12 s on a busy machine.
 */
const NETWORK = { ...SMALL_NETWORK, periods: { ...SMALL_NETWORK.periods, train: 24n } }

describe('deai node: one process per participant', () => {
  let network: ProcessNetwork | undefined
  afterAll(async () => {
    await network?.close()
  })

  test('the verifiers approve the task, two rounds settle and pay as the contract says, a killed trainer rejoins', async () => {
    const started = Date.now()
    const progress = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`)
    network = await startProcessNetwork(NETWORK, progress)
    const net = network
    const startSeconds = (Date.now() - started) / 1000
    const address = (name: string) => getAddress(net.addresses.get(name)!)
    const rounds = watchRounds(net.protocol, 1n, NETWORK.rounds, 240_000, (round, stage) => progress(`round ${round} ${stage}`))

    // Round 1: once both validators have committed, trainer-3 crashes and comes back at once.
    const training: Training = await until('the training', () => findTraining(net.protocol, 1n)).catch((error: unknown) => {
      for (const [name, p] of net.nodes) console.log(`--- ${name}\n${p.lines.slice(-12).join('\n')}`)
      throw error
    })
    progress('task approved, training created')
    await until('both validators to commit in round 1', async () =>
      (await hasCommitted(training, 1n, address('validator-1'))) && (await hasCommitted(training, 1n, address('validator-2'))))
    progress('both validators committed in round 1')
    const victim = net.nodes.get('trainer-3')!
    const linesBefore = victim.lines.length
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBe('SIGKILL')
    progress('trainer-3 killed')
    const restarted = await net.start('trainer-3')
    progress('trainer-3 restarted')

    const { roundSeconds } = await rounds
    const totalSeconds = (Date.now() - started) / 1000

    // Task proposing: the three verifier processes were drawn, voted to approve, and revealed.
    const task = await getTask(net.protocol, 1n)
    expect(task.status).toBe('open')
    const verifiers = ['verifier-1', 'verifier-2', 'verifier-3'].map(address)
    expect([...task.committee].map((a) => getAddress(a)).sort()).toEqual([...verifiers].sort())
    for (const v of verifiers) {
      const vote = await net.protocol.ledger.client.readContract({ ...net.protocol.taskRegistry, functionName: 'getVote', args: [1n, v] })
      expect(vote.revealed).toBe(1) // approve
    }
    for (const name of ['verifier-1', 'verifier-2', 'verifier-3']) expect(logsOf(net, name).some((l) => l['msg'] === 'revealed')).toBe(true)

    // Training: in each round, every trainer's update accepted and paid by the contract's rule.
    const config = await getTrainingConfig(training)
    const trainers = ['trainer-1', 'trainer-2', 'trainer-3'].map(address)
    const validators = ['validator-1', 'validator-2'].map(address)
    const judgedRewards = new Map<Address, bigint>()
    const add = (who: Address, amount: bigint) => judgedRewards.set(getAddress(who), (judgedRewards.get(getAddress(who)) ?? 0n) + amount)
    for (const round of [1n, 2n]) {
      const submissions = await getSubmissions(training, round)
      expect(submissions.map((s) => getAddress(s.trainer)).sort()).toEqual([...trainers].sort())
      const judged = await getJudgements(training, round)
      expect(judged.updates.every((u) => u.accepted)).toBe(true)
      const pot = (config.emissionPerRound * BigInt(config.trainerShareBps)) / 10_000n
      const scoreSum = judged.updates.reduce((sum, u) => sum + BigInt(u.consensusScore), 0n)
      for (const u of judged.updates) {
        expect(u.reward).toBe((pot * BigInt(u.consensusScore)) / scoreSum)
        add(u.trainer, u.reward)
      }
      expect(judged.validators.map((v) => getAddress(v.validator)).sort()).toEqual([...validators].sort())
      const validatorPot = config.emissionPerRound - pot
      const weights = judged.validators.map((v) => 1000n * 10n ** 18n * BigInt(10_000 - v.deviationBps))
      const weightSum = weights.reduce((a, b) => a + b, 0n)
      judged.validators.forEach((v, i) => {
        expect(v.revealed && !v.slashed).toBe(true)
        expect(v.reward).toBe((validatorPot * weights[i]!) / weightSum)
        add(v.validator, v.reward)
      })
    }
    // The rewards the training judged are exactly what StakeManager credited, and are there to claim.
    const credited = await net.protocol.ledger.client.getContractEvents({ ...net.protocol.stakeManager, eventName: 'RewardCredited', fromBlock: BigInt(net.protocol.deployment.blockNumber) })
    for (const who of [...trainers, ...validators]) {
      const sum = credited.filter((e) => getAddress(e.args.owner!) === who).reduce((a, e) => a + e.args.amount!, 0n)
      expect(sum).toBe(judgedRewards.get(who))
      expect(await net.protocol.ledger.client.readContract({ ...net.protocol.stakeManager, functionName: 'rewardsOf', args: [who] })).toBe(sum)
    }
    for (const v of verifiers) {
      const sum = credited.filter((e) => getAddress(e.args.owner!) === v).reduce((a, e) => a + e.args.amount!, 0n)
      expect(sum).toBeGreaterThan(0n)
      expect(await net.protocol.ledger.client.readContract({ ...net.protocol.stakeManager, functionName: 'rewardsOf', args: [v] })).toBe(sum)
    }

    // The restarted trainer did not submit round 1 again, and worked in round 2.
    const after = jsonLines(restarted.lines.slice(restarted === victim ? linesBefore : 0))
    expect(after.filter((l) => l['msg'] === 'train').map((l) => l['round'])).toEqual(['2'])
    const submittedBy3 = (await Promise.all([1n, 2n].map((r) => getSubmissions(training, r)))).flat().filter((s) => getAddress(s.trainer) === address('trainer-3'))
    expect(submittedBy3).toHaveLength(2)

    // The status endpoint tells an operator where a node is.
    const status = await (await fetch(net.statusUrl('trainer-1'))).json() as Record<string, unknown>
    expect(status).toMatchObject({ role: 'trainer', address: address('trainer-1'), task: '1', round: '2', lastError: null })
    expect((status['peers'] as string[]).length).toBeGreaterThan(0)
    expect((await getRound(training, 2n)).modelCid).toMatch(/^bafk/)

    // SIGTERM: every node finishes its step and exits 0.
    const codes = await net.close()
    network = undefined
    expect(Object.values(codes).every((code) => code === 0)).toBe(true)

    progress(`multi-process network: started in ${startSeconds.toFixed(1)} s, round times ${roundSeconds.map((s) => s.toFixed(1)).join(' s, ')} s, whole test ${totalSeconds.toFixed(1)} s`)
  }, 300_000)

  test('a wrong RPC URL, a wrong keystore password or a bad proposal stop the node with a clear error and exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deai-node-errors-'))
    const { file } = await writeKeystoreFile(join(dir, 'ks'), 'right', { strength: 'light' })
    const wrongPassword = spawnDeai('wrong password', dir, ['node', '--role', 'verifier', '--keystore', file, '--rpc', 'http://127.0.0.1:9'], { DEAI_KEYSTORE_PASSWORD: 'wrong' })
    expect(await wrongPassword.exited).toBe(1)
    expect(wrongPassword.lines.join('\n')).toContain('KEYSTORE_WRONG_PASSWORD')
    const wrongRpc = spawnDeai('wrong rpc', dir, ['node', '--role', 'verifier', '--keystore', file, '--rpc', 'http://127.0.0.1:9'], { DEAI_KEYSTORE_PASSWORD: 'right' })
    expect(await wrongRpc.exited).toBe(1)
    expect(wrongRpc.lines.join('\n')).toContain('LEDGER_RPC_UNREACHABLE')
    await writeFile(join(dir, 'proposal.json'), JSON.stringify({ rounds: 0, periods: { train: '1m' } }))
    const badProposal = spawnDeai('bad proposal', dir, ['node', '--role', 'proposer', '--proposal', 'proposal.json', '--keystore', file], { DEAI_KEYSTORE_PASSWORD: 'right' })
    expect(await badProposal.exited).toBe(1)
    expect(badProposal.lines.join('\n')).toMatch(/NODE_BAD_PROPOSAL.*rounds/)
    await rm(dir, { recursive: true, force: true })
  })
})
