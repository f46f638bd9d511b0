import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { parseEther } from 'viem'
import { z } from 'zod'
import { DeaiError } from '../../errors/base.js'
import { DEFAULT_DEPLOYMENT_FILE } from '../../ledger/deploy/deployment.js'
import { MAX_UPDATES } from '../../ledger/training-config.js'
import { AGGREGATION_RULES } from '../../mechanisms/aggregation/aggregate.js'
import { CONSENSUS_RULES } from '../../mechanisms/consensus/training/settle-round.js'
import { NODE_ROLES } from '../../node/node-context.js'
import type { NodeRole } from '../../node/node-context.js'
import { createNodeLog } from '../../node/node-log.js'
import { openNetworkNode } from '../../node/open-network-node.js'
import type { NodeRoleInit } from '../../node/start-node.js'
import type { ProposerRoleInit } from '../../node/drivers/proposer-driver.js'
import { resolveKey, rpcUrl, withChainOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { parseAmount, parseCount, parseDuration, parsePort, parseTaskId } from '../shared/parse.js'
import { readDataFile } from '../../shared/read-data-file.js'

type NodeOptions = {
  role: NodeRole
  rpc?: string
  deployment?: string
  keystore?: string
  keyFile?: string
  devAccount?: number
  peer: string[]
  listen: string[]
  task?: bigint
  statusPort?: number
  dir?: string
  stake?: bigint
  dataDir?: string
  partition: { part: number; parts: number }
  seed: number
  examples?: number
  pollMs: number
  verbose?: boolean
  proposal?: string
  name: string
  model: 'mlp' | 'cnn'
  rounds: number
  localEpochs: number
  batchSize: number
  learningRate: number
  aggregation: string
  consensus: string
  budget: bigint
  trainPeriod: bigint
  updateRevealPeriod?: bigint
  scorePeriod: bigint
  revealPeriod: bigint
  settlePeriod?: bigint
  disputePeriod: bigint
  maxUpdates: number
}

const DEFAULT_STAKE: Record<NodeRole, string> = { trainer: '100', validator: '1000', aggregator: '1000', verifier: '500', proposer: '0', 'data-provider': '100', 'inference-provider': '0' }

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function parsePartition(value: string): { part: number; parts: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value)
  if (match === null || Number(match[1]) >= Number(match[2])) {
    throw new DeaiError('CLI_BAD_ARGUMENT', `"${value}" is not a partition; write I/N with 0 <= I < N, e.g. 0/3`)
  }
  return { part: Number(match[1]), parts: Number(match[2]) }
}

function parseNumber(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new DeaiError('CLI_BAD_ARGUMENT', `"${value}" is not a positive number`)
  return n
}

const duration = z.union([z.string(), z.number().int().positive()]).transform((v) => parseDuration(String(v)))
/** `{ key: value }` when the value is set, else nothing (optional fields stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

const proposalSchema = z.strictObject({
  name: z.string().min(1).max(80).optional(),
  model: z.enum(['mlp', 'cnn']).optional(),
  rounds: z.number().int().min(1).max(1000).optional(),
  localEpochs: z.number().int().min(1).max(100).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  learningRate: z.number().positive().max(10).optional(),
  aggregation: z.strictObject({ rule: z.enum(AGGREGATION_RULES), beta: z.number().min(0).max(0.5).optional(), f: z.number().int().min(0).optional(), k: z.number().int().min(1).optional() }).optional(),
  consensus: z.enum(CONSENSUS_RULES).optional(),
  budget: z.union([z.string(), z.number()]).transform((v) => parseAmount(String(v))).optional(),
  periods: z.strictObject({ train: duration.optional(), updateReveal: duration.optional(), score: duration.optional(), reveal: duration.optional(), settle: duration.optional(), dispute: duration.optional() }).optional(),
  maxUpdates: z.number().int().min(1).max(MAX_UPDATES).optional(),
  seed: z.number().int().min(0).optional(),
})

async function proposerInit(ctx: CliContext, o: NodeOptions): Promise<ProposerRoleInit> {
  const fromFlags: ProposerRoleInit = {
    name: o.name,
    model: o.model,
    training: { rounds: o.rounds, localEpochs: o.localEpochs, batchSize: o.batchSize, learningRate: o.learningRate },
    aggregation: { rule: o.aggregation as ProposerRoleInit['aggregation']['rule'] } as ProposerRoleInit['aggregation'],
    consensus: o.consensus as ProposerRoleInit['consensus'],
    budget: o.budget,
    periods: {
      train: o.trainPeriod,
      ...(o.updateRevealPeriod === undefined ? {} : { updateReveal: o.updateRevealPeriod }),
      score: o.scorePeriod,
      reveal: o.revealPeriod,
      ...(o.settlePeriod === undefined ? {} : { settle: o.settlePeriod }),
      dispute: o.disputePeriod,
    },
    maxUpdates: o.maxUpdates,
    seed: o.seed,
    ...(o.task === undefined ? {} : { taskId: o.task }),
  }
  if (o.proposal === undefined) return fromFlags
  const parsed = proposalSchema.safeParse(await readDataFile(ctx.cwd, o.proposal, 'proposal'))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new DeaiError('NODE_BAD_PROPOSAL', `${o.proposal}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const p = parsed.data
  return {
    ...fromFlags,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.model === undefined ? {} : { model: p.model }),
    training: { rounds: p.rounds ?? o.rounds, localEpochs: p.localEpochs ?? o.localEpochs, batchSize: p.batchSize ?? o.batchSize, learningRate: p.learningRate ?? o.learningRate },
    ...(p.aggregation === undefined ? {} : { aggregation: p.aggregation as ProposerRoleInit['aggregation'] }),
    ...(p.consensus === undefined ? {} : { consensus: p.consensus }),
    ...(p.budget === undefined ? {} : { budget: p.budget }),
    periods: {
      train: p.periods?.train ?? o.trainPeriod,
      ...optional('updateReveal', p.periods?.updateReveal ?? o.updateRevealPeriod),
      score: p.periods?.score ?? o.scorePeriod,
      reveal: p.periods?.reveal ?? o.revealPeriod,
      ...optional('settle', p.periods?.settle ?? o.settlePeriod),
      dispute: p.periods?.dispute ?? o.disputePeriod,
    },
    ...(p.maxUpdates === undefined ? {} : { maxUpdates: p.maxUpdates }),
    ...(p.seed === undefined ? {} : { seed: p.seed }),
  }
}

async function roleInit(ctx: CliContext, o: NodeOptions): Promise<NodeRoleInit> {
  const stake = o.stake ?? parseEther(DEFAULT_STAKE[o.role])
  const data = { ...o.partition, seed: o.seed, ...(o.examples === undefined ? {} : { examples: o.examples }), ...(o.dataDir === undefined ? {} : { dir: resolve(ctx.cwd, o.dataDir) }) }
  const task = o.task === undefined ? {} : { taskId: o.task }
  switch (o.role) {
    case 'trainer':
    case 'validator':
    case 'aggregator':
      return { role: o.role, stake, data, seed: o.seed + o.partition.part, ...task }
    case 'verifier':
      return { role: 'verifier', stake, ...task }
    case 'proposer':
      return { role: 'proposer', ...(await proposerInit(ctx, o)) }
    case 'data-provider':
      return { role: 'data-provider', data: { ...data, split: 'train' }, stake, ...task }
    case 'inference-provider':
      return { role: 'inference-provider', ...task }
  }
}

const HELP = `
Runs until Ctrl-C (SIGINT) or SIGTERM, then finishes the step in flight and exits 0. Logs are
JSON lines on stderr; the status endpoint (--status-port) answers GET /status on 127.0.0.1 with
the role, address, task, round, peers and last error.

Start-up failures exit 1 with an error code: a wrong --rpc (LEDGER_RPC_UNREACHABLE), a wrong
keystore password (KEYSTORE_WRONG_PASSWORD), a port in use. A --peer that is down is not fatal:
the node keeps dialling it (1 s, doubling to 30 s) and logs each failure; peers it learns of
through others are dialled too. Errors while running (the chain away, a transaction that lost a
race) are logged, shown on the status endpoint and retried with back-off.

After a restart the node resumes from the chain and its directory: a trainer that submitted
does not submit again; a validator that committed recomputes its scores and reveals them.

Roles: trainer (its --partition of the training split), validator (its --partition of the test
split, held out from every trainer), aggregator (settles rounds, posts models), verifier (votes on
tasks it is drawn for), proposer (proposes a task, draws the committee, finalizes, creates the
training, finishes it, publishes the model), data-provider (stores its --partition of the training
split, registers it for the task on chain and grants it to the task's trainers), inference-provider
(answers the inference requests addressed to it from the task's published model).`

export function registerNodeCommand(program: Command, ctx: CliContext): void {
  withChainOptions(program.command('node'))
    .description('run one participant as a long-running node: a JSON-RPC chain, libp2p peers, a local content store')
    .addOption(new Option('--role <role>', 'the role to play').choices([...NODE_ROLES]).makeOptionMandatory())
    .addOption(new Option('--keystore <file>', 'encrypted key file (deai keys new); password from DEAI_KEYSTORE_PASSWORD or a prompt'))
    .addOption(new Option('--key-file <file>', 'file holding a private key (hex); or DEAI_PRIVATE_KEY'))
    .addOption(new Option('--dev-account <index>', 'dev account N (dev chains only)').argParser((v) => (v === '0' ? 0 : parseCount(v))))
    .addOption(new Option('--peer <multiaddr>', 'a peer to connect to and keep connected to (repeatable), e.g. /ip4/10.0.0.5/tcp/4001/p2p/12D3KooW...').default([], 'none').argParser(collect))
    .addOption(new Option('--listen <multiaddr>', 'address to listen on (repeatable)').default([], '/ip4/127.0.0.1/tcp/0').argParser(collect))
    .addOption(new Option('--task <id>', 'the task to work on (proposer: resume this task)').argParser(parseTaskId))
    .addOption(new Option('--status-port <port>', 'serve the status as JSON on 127.0.0.1:PORT (0: any free port)').argParser(parsePort))
    .addOption(new Option('--dir <dir>', 'node directory: content store and peer identity (default .deai/node-<role>)'))
    .addOption(new Option('--stake <deai>', 'stake to put in the role\'s pool if the key has none (default: trainer 100, validator 1000, aggregator 1000, verifier 500, data-provider 100)').argParser(parseAmount))
    .addOption(new Option('--data-dir <dir>', 'Fashion-MNIST directory (default DEAI_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist)'))
    .addOption(new Option('--partition <i/n>', 'this node\'s part of the data: part I of N').default({ part: 0, parts: 1 }, '0/1').argParser(parsePartition))
    .addOption(new Option('--seed <n>', 'seed of the data split (shared by the task\'s nodes) and of the initial model').default(1).argParser((v) => (v === '0' ? 0 : parseCount(v))))
    .addOption(new Option('--examples <n>', 'use at most N examples of the part').argParser(parseCount))
    .addOption(new Option('--poll-ms <ms>', 'how often to read the chain').default(1000).argParser(parseCount))
    .option('--verbose', 'also log debug lines')
    .addOption(new Option('--proposal <file>', '(proposer) JSON/YAML with any of: name, model, rounds, localEpochs, batchSize, learningRate, aggregation {rule, beta, f, k}, consensus, budget, periods {train, updateReveal, score, reveal, settle, dispute}, maxUpdates, seed'))
    .addOption(new Option('--name <name>', '(proposer) task name').default('fashion-mnist federated training'))
    .addOption(new Option('--model <kind>', '(proposer) built-in model').choices(['mlp', 'cnn']).default('mlp'))
    .addOption(new Option('--rounds <n>', '(proposer) training rounds').default(5).argParser(parseCount))
    .addOption(new Option('--local-epochs <n>', '(proposer) epochs per round').default(1).argParser(parseCount))
    .addOption(new Option('--batch-size <n>', '(proposer) batch size').default(32).argParser(parseCount))
    .addOption(new Option('--learning-rate <x>', '(proposer) learning rate').default(0.05).argParser(parseNumber))
    .addOption(new Option('--aggregation <rule>', '(proposer) aggregation rule').choices(AGGREGATION_RULES).default('fedavg'))
    .addOption(new Option('--consensus <rule>', '(proposer) consensus rule').choices(CONSENSUS_RULES).default('median-score'))
    .addOption(new Option('--budget <deai>', '(proposer) budget to escrow').default(parseEther('1000'), '1000').argParser(parseAmount))
    .addOption(new Option('--train-period <duration>', '(proposer) training phase of each round').default(600n, '10m').argParser(parseDuration))
    .addOption(new Option('--update-reveal-period <duration>', '(proposer) trainers reveal their updates (default: the reveal period)').argParser(parseDuration))
    .addOption(new Option('--score-period <duration>', '(proposer) scoring (commit) phase').default(300n, '5m').argParser(parseDuration))
    .addOption(new Option('--reveal-period <duration>', '(proposer) reveal phase').default(300n, '5m').argParser(parseDuration))
    .addOption(new Option('--settle-period <duration>', '(proposer) a round is settled within this after its reveal phase; stake stays locked until then (default: the reveal period)').argParser(parseDuration))
    .addOption(new Option('--dispute-period <duration>', '(proposer) dispute window of a posted model (at most the training phase)').default(300n, '5m').argParser(parseDuration))
    .addOption(new Option('--max-updates <n>', '(proposer) most updates per round').default(32).argParser(parseCount))
    .addHelpText('after', HELP)
    .action((options: NodeOptions) => runNode(ctx, options))
}

async function runNode(ctx: CliContext, options: NodeOptions): Promise<void> {
  const role = await roleInit(ctx, options)
  const privateKey = await resolveKey(ctx, options)
  const log = createNodeLog(ctx.stderr, { role: options.role }, options.verbose === true ? 'debug' : 'info')
  const node = await openNetworkNode({
    rpcUrl: rpcUrl(ctx, options),
    deploymentFile: resolve(ctx.cwd, options.deployment ?? DEFAULT_DEPLOYMENT_FILE),
    privateKey,
    dir: resolve(ctx.cwd, options.dir ?? `.deai/node-${options.role}`),
    ...(options.listen.length === 0 ? {} : { listen: options.listen }),
    peers: options.peer,
    ...(options.statusPort === undefined ? {} : { statusPort: options.statusPort }),
    role,
    log,
    pollMs: options.pollMs,
  })
  log.info('started', { address: node.status().address, peerId: node.peerId, multiaddrs: node.multiaddrs, status: node.statusUrl ?? null })
  await ctx.untilStopped()
  log.info('stopping')
  await node.stop()
  log.info('stopped')
}
