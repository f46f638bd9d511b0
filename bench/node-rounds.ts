/**
 * Round time of the same small network run two ways: every participant as a node in one
 * process (one embedded chain on wall-clock time, one in-process hub, one memory store), and
 * every participant as its own OS process (`deai chain` over JSON-RPC, `deai node` per
 * participant over libp2p and its own filesystem store). Both follow the same role code and
 * round schedule; the difference is the cost of processes, JSON-RPC, libp2p and content moving
 * between stores.
 *
 * A round's time is wall-clock time from its opening to its model's posting, as seen by polling
 * the chain (see `watchRounds`). The phases are fixed periods of chain time, so a round takes
 * about train + score + reveal seconds; the comparison shows what each way adds.
 *
 * Run it with `npx tsx bench/node-rounds.ts`.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEther } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { writeKeystoreFile } from '../src/keys/keystore.js'
import { readDeployment } from '../src/ledger/deploy/deployment.js'
import { createRpcLedger } from '../src/ledger/rpc/create-rpc-ledger.js'
import { createContentStore } from '../src/content/create-content-store.js'
import { findTraining } from '../src/ledger/actions/training/find-training.js'
import { getRoundProgress } from '../src/ledger/actions/training/get-round-progress.js'
import { hasCommitted } from '../src/ledger/actions/training/has-committed.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { DEV_CHAIN_PARAMS, mergeProtocolParams } from '../src/ledger/deploy/protocol-params.js'
import type { ProtocolParamsOverrides } from '../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../src/ledger/protocol.js'
import type { Protocol } from '../src/ledger/protocol.js'
import type { Training } from '../src/ledger/training.js'
import { createMemoryPeerHub } from '../src/peers/memory-peer-hub.js'
import type { PeerNetwork } from '../src/peers/peer-network.js'
import { startNode } from '../src/node/start-node.js'
import type { NodeRoleInit, RunningNode } from '../src/node/start-node.js'

/** The network both ways run: sizes, periods and data. */
export type NodeNetworkPlan = {
  trainers: number
  validators: number
  verifiers: number
  rounds: number
  /** Seconds of each training round's phases. */
  periods: { train: bigint; score: bigint; reveal: bigint; dispute: bigint }
  /** Seconds of the task vote's phases. */
  votePeriods: { commit: bigint; reveal: bigint }
  /** Examples per trainer and per validator. */
  examples: number
  seed: number
}

/** The plan of the acceptance test and of this benchmark: small and quick. */
export const SMALL_NETWORK: NodeNetworkPlan = {
  trainers: 3,
  validators: 2,
  verifiers: 3,
  rounds: 2,
  periods: { train: 12n, score: 6n, reveal: 5n, dispute: 4n },
  votePeriods: { commit: 8n, reveal: 5n },
  examples: 200,
  seed: 11,
}

/** The protocol parameters the plan needs (a committee as large as the verifier pool). */
export function networkParams(plan: NodeNetworkPlan): ProtocolParamsOverrides {
  return {
    ...DEV_CHAIN_PARAMS,
    tasks: { ...DEV_CHAIN_PARAMS.tasks, committeeSize: plan.verifiers, commitPeriod: plan.votePeriods.commit, revealPeriod: plan.votePeriods.reveal, drawDelayBlocks: 1 },
  }
}

/** Each node's role settings, in the order: proposer, verifiers, trainers, validators, aggregator. */
export function networkRoles(plan: NodeNetworkPlan, taskId: bigint): NodeRoleInit[] {
  return [
    {
      role: 'proposer',
      name: 'node network',
      model: 'mlp',
      training: { rounds: plan.rounds, localEpochs: 1, batchSize: 32, learningRate: 0.05 },
      aggregation: { rule: 'fedavg' },
      consensus: 'median-score',
      budget: parseEther('1000'),
      periods: plan.periods,
      seed: plan.seed,
    },
    ...Array.from({ length: plan.verifiers }, (): NodeRoleInit => ({ role: 'verifier', stake: parseEther('500') })),
    ...Array.from({ length: plan.trainers }, (_, i): NodeRoleInit => ({ role: 'trainer', taskId, stake: parseEther('100'), data: { part: i, parts: plan.trainers, seed: plan.seed, examples: plan.examples }, seed: plan.seed + i })),
    ...Array.from({ length: plan.validators }, (_, i): NodeRoleInit => ({ role: 'validator', taskId, stake: parseEther('1000'), data: { part: i, parts: plan.validators, seed: plan.seed, examples: plan.examples } })),
    { role: 'aggregator', taskId, stake: parseEther('1000') },
  ]
}

/**
 * Follows a task's rounds until `rounds` models are posted, and times each round on the wall
 * clock: from when its opening is seen to when its model is seen posted. (Chain timestamps would
 * not do: a dev chain mines a block per transaction, each at least a second after the last, so
 * its clock runs ahead of the wall clock while transactions flow.)
 *
 * @throws if the rounds do not finish within `timeoutMs`
 */
export async function watchRounds(protocol: Protocol, taskId: bigint, rounds: number, timeoutMs: number, onRound?: (round: bigint, stage: 'opened' | 'posted') => void): Promise<{ training: Training; roundSeconds: number[] }> {
  const deadline = Date.now() + timeoutMs
  const opened = new Map<bigint, number>()
  const posted = new Map<bigint, number>()
  for (;;) {
    const training = await findTraining(protocol, taskId)
    if (training !== undefined) {
      const { currentRound } = await getRoundProgress(training, 0n)
      for (let r = 1n; r <= currentRound; r++) {
        if (!opened.has(r)) {
          opened.set(r, Date.now())
          onRound?.(r, 'opened')
        }
        if (!posted.has(r) && (r < currentRound || (await getRoundProgress(training, r)).postedModelCid !== undefined)) {
          posted.set(r, Date.now())
          onRound?.(r, 'posted')
        }
      }
      if (posted.has(BigInt(rounds))) {
        return { training, roundSeconds: [...posted].sort(([a], [b]) => Number(a - b)).map(([r, t]) => (t - opened.get(r)!) / 1000) }
      }
    }
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not finish ${rounds} rounds within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** What a network run gives back. */
export type NodeNetworkRun = { protocol: Protocol; training: Training; roundSeconds: number[]; accounts: Record<string, PrivateKeyAccount>; close(): Promise<void> }

/** Options of an in-process run. */
export type InProcessOptions = {
  /**
   * Once this validator (e.g. `validator-2`) has committed in round 1, stop its node and start a
   * fresh one with the same key, as after a crash: it must reveal from recomputed scores.
   */
  restartAfterCommit?: string
}

/**
 * Runs the plan with every participant as a node in this process.
 *
 * @returns the chain (still running: call `close`) and the round times
 */
export async function runInProcessNetwork(plan: NodeNetworkPlan = SMALL_NETWORK, options: InProcessOptions = {}): Promise<NodeNetworkRun & { restarted: string[] }> {
  const roles = networkRoles(plan, 1n)
  const ledger = await createEmbeddedLedger({ accounts: roles.length + 1, time: 'wall', blockTimeMs: 1000 })
  const [deployer, ...keys] = ledger.accounts
  const deployment = await deployProtocol(ledger, { deployer: deployer!, params: mergeProtocolParams(networkParams(plan)), fund: keys.map((k) => k.address) })
  const protocol = await connectProtocol(ledger, deployment)
  const content = await createContentStore({ kind: 'memory' })
  const hub = createMemoryPeerHub()
  const accounts: Record<string, PrivateKeyAccount> = {}
  const nodes = new Map<string, { node: RunningNode; peers: PeerNetwork; role: NodeRoleInit }>()
  const start = (name: string, role: NodeRoleInit) => {
    const peers = hub.connect({ peerId: name })
    nodes.set(name, { node: startNode({ protocol, key: accounts[name]!, content, peers, role, pollMs: 250 }), peers, role })
  }
  roles.forEach((role, i) => {
    const name = `${role.role}-${roles.slice(0, i).filter((r) => r.role === role.role).length + 1}`
    accounts[name] = keys[i]!
    start(name, role)
  })
  const restarted: string[] = []
  const close = async () => {
    await Promise.all([...nodes.values()].map((n) => n.node.stop()))
    await hub.close()
    await content.close()
    await ledger.close()
  }
  const restartWatch = (async () => {
    const name = options.restartAfterCommit
    if (name === undefined) return
    const deadline = Date.now() + 300_000
    while (Date.now() < deadline) {
      const training = await findTraining(protocol, 1n)
      if (training !== undefined && (await hasCommitted(training, 1n, accounts[name]!.address))) {
        const old = nodes.get(name)!
        await old.node.stop()
        await old.peers.close()
        start(name, old.role)
        restarted.push(name)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  try {
    const { training, roundSeconds } = await watchRounds(protocol, 1n, plan.rounds, 300_000)
    await restartWatch
    return { protocol, training, roundSeconds, accounts, restarted, close }
  } catch (error) {
    const states = [...nodes.values()].map((n) => n.node.status())
    await close()
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { states })
  }
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/deai.js')
const PASSWORD = 'node-network-test'

/** One `deai` process: its output lines and how it ended. */
export type DeaiProcess = {
  readonly name: string
  readonly child: ChildProcess
  /** Standard error lines so far (a node's JSON logs). */
  readonly lines: string[]
  readonly stdout: () => string
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>
}

/** Starts `deai ARGS` (the built CLI) in `cwd`. */
export function spawnDeai(name: string, cwd: string, args: readonly string[], env: Record<string, string> = {}): DeaiProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let out = ''
  let partial = ''
  child.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8')
    const parts = text.split('\n')
    partial = parts.pop() ?? ''
    lines.push(...parts)
  })
  const exited = new Promise<number | string>((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown')))
  return { name, child, lines, stdout: () => out, exited }
}

/** Waits until a process prints a line matching `pattern` (or exits, or times out). */
export async function untilLine(p: DeaiProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let ended = false
  void p.exited.then(() => (ended = true))
  for (;;) {
    const line = p.lines.find((l) => pattern.test(l))
    if (line !== undefined) return line
    if (ended || Date.now() > deadline) throw new Error(`${p.name} ${ended ? 'exited' : 'timed out'} before printing ${pattern}:\n${p.lines.slice(-20).join('\n')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A running multi-process network. */
export type ProcessNetwork = {
  readonly dir: string
  readonly rpcUrl: string
  /** A read-only view of the chain from this process. */
  readonly protocol: Protocol
  readonly chain: DeaiProcess
  /** The node processes by name (proposer-1, verifier-1, trainer-1, …). */
  readonly nodes: Map<string, DeaiProcess>
  /** The addresses the nodes sign with, by name. */
  readonly addresses: Map<string, string>
  /** (Re)starts the named node; resolves once it has started. */
  start(name: string): Promise<DeaiProcess>
  /** The named node's status endpoint URL. */
  statusUrl(name: string): string
  /** SIGTERM to every process; resolves with each exit code. */
  close(): Promise<Record<string, number | string>>
}

/**
 * Starts the plan as OS processes: `deai chain`, then one `deai node` per participant, each
 * with its own keystore (imported with `deai keys import`), directory and status port.
 */
export async function startProcessNetwork(plan: NodeNetworkPlan = SMALL_NETWORK, progress: (line: string) => void = () => {}): Promise<ProcessNetwork> {
  const t0 = Date.now()
  const mark = (what: string) => progress(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`)
  const dir = await mkdtemp(join(tmpdir(), 'deai-net-'))
  const roles = networkRoles(plan, 1n)
  await writeFile(join(dir, 'params.json'), JSON.stringify(networkParams(plan), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
  const chain = spawnDeai('chain', dir, ['chain', '--port', '0', '--accounts', String(roles.length + 1), '--params', 'params.json', '--json'])
  const deadline = Date.now() + 60_000
  while (!chain.stdout().includes('\n')) {
    if (Date.now() > deadline) throw new Error(`the chain did not start:\n${chain.lines.join('\n')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const description = JSON.parse(chain.stdout()) as { rpcUrl: string; accounts: { privateKey: Hex }[] }
  mark('chain up, protocol deployed')
  const names = roles.map((role, i) => `${role.role}-${roles.slice(0, i).filter((r) => r.role === role.role).length + 1}`)
  const addresses = new Map<string, string>()
  const keystores = new Map<string, string>()
  // Keystores: every participant's dev key (funded by the chain), encrypted; the proposer's
  // through the CLI (`deai keys import`), the others through the same SDK call, which is quicker
  // than ten more processes.
  await Promise.all(names.map(async (name, i) => {
    const key = description.accounts[i + 1]!.privateKey
    addresses.set(name, privateKeyToAccount(key).address)
    if (i > 0) {
      keystores.set(name, (await writeKeystoreFile(join(dir, 'keystores', name), PASSWORD, { privateKey: key, strength: 'light' })).file)
      return
    }
    await writeFile(join(dir, `${name}.key`), key, { mode: 0o600 })
    const imported = spawnDeai(`keys ${name}`, dir, ['keys', 'import', '--key-file', `${name}.key`, '--light-kdf', '--dir', `keystores/${name}`, '--json'], { DEAI_KEYSTORE_PASSWORD: PASSWORD })
    if ((await imported.exited) !== 0) throw new Error(`deai keys import failed: ${imported.lines.join('\n')}`)
    keystores.set(name, (JSON.parse(imported.stdout()) as { file: string }).file)
    await rm(join(dir, `${name}.key`))
  }))
  mark('keystores imported')
  const ledger = await createRpcLedger({ url: description.rpcUrl })
  const protocol = await connectProtocol(ledger, await readDeployment(join(dir, '.deai/deployment.json')))
  const nodes = new Map<string, DeaiProcess>()
  const statusUrls = new Map<string, string>()
  let bootstrap: string | undefined

  const argsOf = (name: string, role: NodeRoleInit): string[] => {
    const common = ['node', '--role', role.role, '--rpc', description.rpcUrl, '--keystore', keystores.get(name)!, '--dir', `nodes/${name}`, '--status-port', '0', '--poll-ms', '500', ...(bootstrap === undefined ? [] : ['--peer', bootstrap])]
    switch (role.role) {
      case 'proposer':
        return [...common, '--rounds', String(role.training.rounds), '--model', role.model, '--aggregation', role.aggregation.rule, '--consensus', role.consensus,
          '--budget', '1000', '--train-period', String(role.periods.train), '--score-period', String(role.periods.score), '--reveal-period', String(role.periods.reveal),
          '--dispute-period', String(role.periods.dispute), '--seed', String(role.seed ?? 1), '--name', role.name]
      case 'trainer':
      case 'validator': {
        const data = typeof role.data === 'object' && 'part' in role.data ? role.data : { part: 0, parts: 1, seed: 1, examples: undefined }
        return [...common, '--task', '1', '--partition', `${data.part}/${data.parts}`, '--seed', String(data.seed), '--examples', String(data.examples)]
      }
      case 'aggregator':
        return [...common, '--task', '1']
      default:
        return common
    }
  }

  const start = async (name: string): Promise<DeaiProcess> => {
    const role = roles[names.indexOf(name)]!
    const p = spawnDeai(name, dir, argsOf(name, role), { DEAI_KEYSTORE_PASSWORD: PASSWORD })
    nodes.set(name, p)
    const started = JSON.parse(await untilLine(p, /"msg":"started"/)) as { multiaddrs: string[]; status: string }
    statusUrls.set(name, started.status)
    bootstrap ??= started.multiaddrs[0]
    return p
  }

  const close = async (): Promise<Record<string, number | string>> => {
    const codes: Record<string, number | string> = {}
    await Promise.all([...nodes].map(async ([name, p]) => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM')
      codes[name] = await p.exited
    }))
    chain.child.kill('SIGTERM')
    codes['chain'] = await chain.exited
    await ledger.close()
    await rm(dir, { recursive: true, force: true })
    return codes
  }

  try {
    await start(names[0]!)
    mark('proposer started')
    await Promise.all(names.slice(1).map((name) => start(name)))
    mark('every node started')
  } catch (error) {
    await close()
    throw error
  }
  return { dir, rpcUrl: description.rpcUrl, protocol, chain, nodes, addresses, start, statusUrl: (name) => statusUrls.get(name)!, close }
}

/** Runs the plan as OS processes to the end of its last round. */
export async function runMultiProcessNetwork(plan: NodeNetworkPlan = SMALL_NETWORK): Promise<{ roundSeconds: number[]; totalSeconds: number }> {
  const started = Date.now()
  const network = await startProcessNetwork(plan)
  try {
    const { roundSeconds } = await watchRounds(network.protocol, 1n, plan.rounds, 300_000)
    return { roundSeconds, totalSeconds: (Date.now() - started) / 1000 }
  } finally {
    await network.close()
  }
}

/** Runs both ways and prints the round times side by side. */
export async function benchNodeRounds(plan: NodeNetworkPlan = SMALL_NETWORK): Promise<{ inProcess: number[]; multiProcess: number[] }> {
  const inProcess = await runInProcessNetwork(plan)
  await inProcess.close()
  const multi = await runMultiProcessNetwork(plan)
  const phases = Number(plan.periods.train + plan.periods.score + plan.periods.reveal)
  console.log(`round phases: ${phases} s (train ${plan.periods.train} + score ${plan.periods.score} + reveal ${plan.periods.reveal})`)
  console.log(`in-process round times (s):    ${inProcess.roundSeconds.join(', ')}`)
  console.log(`multi-process round times (s): ${multi.roundSeconds.join(', ')} (whole run ${multi.totalSeconds.toFixed(0)} s)`)
  return { inProcess: inProcess.roundSeconds, multiProcess: multi.roundSeconds }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchNodeRounds()
}
