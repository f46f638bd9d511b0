/**
 * Round time of the same small network run two ways: every participant as a node in one
 * process (one embedded chain on wall-clock time, one in-process hub, one memory store), and
 * every participant as its own OS process (`deai chain` over JSON-RPC, `deai node` per
 * participant over libp2p and its own filesystem store). Both follow the same role code and
 * round schedule; the difference is the cost of processes, JSON-RPC, libp2p and content moving
 * between stores.
 *
 * A round's time is read from the chain: from its `RoundOpened` block to the `RoundOpened` of
 * the next round (the last round: to its `ModelPosted`). The phases are fixed periods, so a
 * round takes at least train + score + reveal seconds; what is above that is the overhead.
 *
 * Run it with `npx tsx bench/node-rounds.ts`.
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseEther } from 'viem'
import type { PrivateKeyAccount } from 'viem'
import { createContentStore } from '../src/content/create-content-store.js'
import { findTraining } from '../src/ledger/actions/training/find-training.js'
import { getRoundProgress } from '../src/ledger/actions/training/round-progress.js'
import { deployProtocol } from '../src/ledger/deploy/deploy-protocol.js'
import { DEV_CHAIN_PARAMS, mergeProtocolParams } from '../src/ledger/deploy/protocol-params.js'
import type { ProtocolParamsOverrides } from '../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../src/ledger/protocol.js'
import type { Protocol } from '../src/ledger/protocol.js'
import type { Training } from '../src/ledger/training.js'
import { createMemoryPeerHub } from '../src/peers/memory-peer-hub.js'
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
  periods: { train: 12n, score: 6n, reveal: 5n, dispute: 5n },
  votePeriods: { commit: 6n, reveal: 5n },
  examples: 200,
  seed: 11,
}

/** The protocol parameters the plan needs (a committee as large as the verifier pool). */
export function networkParams(plan: NodeNetworkPlan): ProtocolParamsOverrides {
  return {
    ...DEV_CHAIN_PARAMS,
    tasks: { committeeSize: plan.verifiers, commitPeriod: plan.votePeriods.commit, revealPeriod: plan.votePeriods.reveal, drawDelayBlocks: 1 },
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

/** Seconds each round took, from the chain's events. */
export async function chainRoundSeconds(training: Training): Promise<number[]> {
  const client = training.protocol.ledger.client
  const common = { address: training.address, abi: training.abi, fromBlock: BigInt(training.protocol.deployment.blockNumber) } as const
  const opened = await client.getContractEvents({ ...common, eventName: 'RoundOpened' })
  const posted = await client.getContractEvents({ ...common, eventName: 'ModelPosted' })
  const time = async (blockNumber: bigint) => Number((await client.getBlock({ blockNumber })).timestamp)
  const seconds: number[] = []
  for (const open of opened) {
    const round = open.args.round!
    const end = opened.find((o) => o.args.round === round + 1n) ?? posted.find((p) => p.args.round === round)
    if (end !== undefined) seconds.push((await time(end.blockNumber)) - (await time(open.blockNumber)))
  }
  return seconds
}

/** Waits until `round`'s model is posted (or throws after `timeoutMs`). */
export async function untilModelPosted(protocol: Protocol, taskId: bigint, round: bigint, timeoutMs: number): Promise<Training> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const training = await findTraining(protocol, taskId)
    if (training !== undefined && (await getRoundProgress(training, round)).postedModelCid !== undefined) return training
    if (Date.now() > deadline) throw new Error(`round ${round} of task ${taskId} did not finish within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** What a network run gives back. */
export type NodeNetworkRun = { protocol: Protocol; training: Training; roundSeconds: number[]; accounts: Record<string, PrivateKeyAccount>; close(): Promise<void> }

/**
 * Runs the plan with every participant as a node in this process.
 *
 * @returns the chain (still running: call `close`) and the round times
 */
export async function runInProcessNetwork(plan: NodeNetworkPlan = SMALL_NETWORK): Promise<NodeNetworkRun> {
  const roles = networkRoles(plan, 1n)
  const ledger = await createEmbeddedLedger({ accounts: roles.length + 1, time: 'wall', blockTimeMs: 1000 })
  const [deployer, ...keys] = ledger.accounts
  const deployment = await deployProtocol(ledger, { deployer: deployer!, params: mergeProtocolParams(networkParams(plan)), fund: keys.map((k) => k.address) })
  const protocol = await connectProtocol(ledger, deployment)
  const content = await createContentStore({ kind: 'memory' })
  const hub = createMemoryPeerHub()
  const accounts: Record<string, PrivateKeyAccount> = {}
  const nodes: RunningNode[] = roles.map((role, i) => {
    const name = `${role.role}-${roles.slice(0, i).filter((r) => r.role === role.role).length + 1}`
    accounts[name] = keys[i]!
    return startNode({ protocol, key: keys[i]!, content, peers: hub.connect({ peerId: name }), role, pollMs: 250 })
  })
  const close = async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    await hub.close()
    await content.close()
    await ledger.close()
  }
  try {
    const training = await untilModelPosted(protocol, 1n, BigInt(plan.rounds), 300_000)
    return { protocol, training, roundSeconds: await chainRoundSeconds(training), accounts, close }
  } catch (error) {
    const states = nodes.map((n) => n.status())
    await close()
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { states })
  }
}

/** Runs both ways and prints the round times side by side. */
export async function benchNodeRounds(): Promise<{ inProcess: number[] }> {
  const inProcess = await runInProcessNetwork()
  await inProcess.close()
  console.log(`in-process round times (s): ${inProcess.roundSeconds.join(', ')}`)
  return { inProcess: inProcess.roundSeconds }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchNodeRounds()
}
