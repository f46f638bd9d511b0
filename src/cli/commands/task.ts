import { Option } from 'commander'
import { DeaiError } from '../../errors/base.js'
import type { Command } from 'commander'
import { drawCommittee } from '../../ledger/actions/tasks/draw-committee.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { listTasks } from '../../ledger/actions/tasks/list-tasks.js'
import type { TaskRecord } from '../../ledger/actions/tasks/get-task.js'
import { proposeTask } from '../../ledger/actions/tasks/propose-task.js'
import { finalizeTask } from '../../ledger/actions/tasks/finalize-task.js'
import { castTaskVote } from '../../roles/verifier/cast-task-vote.js'
import { openProtocol, openWithSigner, withChainOptions, withSignerOptions } from '../shared/connect.js'
import { verifyAndVote } from '../../roles/verifier/verify-and-vote.js'
import { openContentStore, withStoreOption } from './content.js'
import type { StoreOptions } from './content.js'
import { readDataFile } from '../../shared/read-data-file.js'
import type { ChainOptions, SignerOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { formatDeai, printResult } from '../shared/output.js'
import { parseAmount, parseDuration, parseTaskId } from '../shared/parse.js'

type Common = ChainOptions & SignerOptions & { json?: boolean }

function describeTask(t: TaskRecord): string {
  const when = (s: bigint) => (s === 0n ? '-' : new Date(Number(s) * 1000).toISOString())
  return [
    `task ${t.id}: ${t.status}`,
    `  proposer   ${t.proposer}`,
    `  spec       ${t.specCid}`,
    `  budget     ${formatDeai(t.budget)} escrowed, bond ${formatDeai(t.bond)}`,
    `  committee  ${t.committee.length === 0 ? '(not drawn)' : t.committee.join(', ')}`,
    `  commit by  ${when(t.commitDeadline)}, reveal by ${when(t.revealDeadline)}, expires ${when(t.expiresAt)}`,
  ].join('\n')
}

async function resolveSpecCid(ctx: CliContext, options: StoreOptions & { spec?: string; specCid?: string }): Promise<string> {
  if ((options.spec === undefined) === (options.specCid === undefined)) {
    throw new DeaiError('CLI_USAGE', 'give exactly one of --spec FILE or --spec-cid CID')
  }
  if (options.specCid !== undefined) return options.specCid
  const store = await openContentStore(ctx, options)
  try {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- exactly one of --spec and --spec-cid was given, and it is not --spec-cid
    const cid = await store.putJson(await readDataFile(ctx.cwd, options.spec!, 'task spec'))
    ctx.stderr(`spec stored as ${cid}\n`)
    return cid
  } finally {
    await store.close()
  }
}

export function registerTaskCommand(program: Command, ctx: CliContext): void {
  const task = program.command('task').description('task proposing: propose tasks, vote on them as a committee member, inspect them')

  withStoreOption(withSignerOptions(withChainOptions(
    task.command('propose')
      .description('escrow a budget and a bond, propose a task by its spec CID, and draw its verification committee')
      .option('--spec <file>', 'task spec file (JSON or YAML, format deai-task/1); stored in the content store')
      .option('--spec-cid <cid>', 'CID of a task spec already in the content store (deai content put spec.json)')
      .requiredOption('--budget <deai>', 'reward budget to escrow, in DEAI', parseAmount)
      .option('--bond <deai>', 'bond, in DEAI (default: the registry minimum)', parseAmount)
      .option('--expires-in <duration>', 'how long the task stays open once approved (e.g. 30d)', parseDuration)
      .option('--no-draw', 'only propose; draw the committee later with `deai task draw`')
      .option('--json', 'print the result as JSON'),
  ))).action(async (options: Common & StoreOptions & { spec?: string; specCid?: string; budget: bigint; bond?: bigint; expiresIn?: bigint; draw: boolean }) => {
    const specCid = await resolveSpecCid(ctx, options)
    const { protocol, signer } = await openWithSigner(ctx, options)
    const expiresAt = options.expiresIn === undefined ? undefined : (await protocol.ledger.clock.now()) + options.expiresIn
    const proposed = await proposeTask(protocol, signer, {
      specCid,
      budget: options.budget,
      ...(options.bond === undefined ? {} : { bond: options.bond }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    })
    ctx.stderr(`proposed task ${proposed.taskId}; committee seed block ${proposed.seedBlock}\n`)
    if (options.draw) {
      ctx.stderr('waiting for the seed block to draw the committee...\n')
      await drawCommittee(protocol, signer, proposed.taskId)
    }
    const record = await getTask(protocol, proposed.taskId)
    printResult(ctx, options.json, record, () => describeTask(record))
  })

  withSignerOptions(withChainOptions(
    task.command('draw <taskId>')
      .description('reveal the proposer\'s seed and draw the committee of a proposed task (proposer key)')
      .option('--json', 'print the task as JSON'),
  )).action(async (id: string, options: Common) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const taskId = parseTaskId(id)
    await drawCommittee(protocol, signer, taskId)
    const record = await getTask(protocol, taskId)
    printResult(ctx, options.json, record, () => describeTask(record))
  })

  withChainOptions(
    task.command('list')
      .description('list every task with its status')
      .option('--json', 'print the tasks as JSON'),
  ).action(async (options: Common) => {
    const protocol = await openProtocol(ctx, options)
    const tasks = await listTasks(protocol)
    printResult(ctx, options.json, tasks, () =>
      tasks.length === 0
        ? 'no tasks yet (propose one with `deai task propose`)'
        : tasks.map((t) => `${String(t.id).padStart(4)}  ${t.status.padEnd(9)}  ${formatDeai(t.budget).padStart(18)}  ${t.specCid}`).join('\n'))
  })

  withChainOptions(
    task.command('show <taskId>')
      .description('show one task: status, spec, budget, committee, deadlines')
      .option('--json', 'print the task as JSON'),
  ).action(async (id: string, options: Common) => {
    const protocol = await openProtocol(ctx, options)
    const record = await getTask(protocol, parseTaskId(id))
    printResult(ctx, options.json, record, () => describeTask(record))
  })

  withStoreOption(withSignerOptions(withChainOptions(
    task.command('vote <taskId>')
      .description('as a committee member (operator key), take the next voting step: check the task with the verifier rule set and commit the verdict during the commit phase, reveal it during the reveal phase')
      .addOption(new Option('--approve', 'override the check: vote to approve').conflicts('reject'))
      .addOption(new Option('--reject', 'override the check: vote to reject'))
      .option('--reasons <cid>', 'CID of your own reasons (with --approve/--reject)')
      .option('--wait', 'after committing, wait for the reveal phase and reveal')
      .option('--json', 'print the result as JSON'),
  ))).action(async (id: string, options: Common & StoreOptions & { approve?: boolean; reject?: boolean; reasons?: string; wait?: boolean }) => {
    const taskId = parseTaskId(id)
    const { protocol, signer } = await openWithSigner(ctx, options)
    const wait = options.wait === true
    if (options.approve === true || options.reject === true) {
      if (options.reasons === undefined) throw new DeaiError('CLI_USAGE', 'with --approve or --reject, give --reasons CID')
      const step = await castTaskVote(protocol, signer, { taskId, approve: options.approve === true, reasonsCid: options.reasons, wait })
      printResult(ctx, options.json, step, () => `${step.step} for task ${id} (${step.approve ? 'approve' : 'reject'})`)
      return
    }
    const store = await openContentStore(ctx, options)
    try {
      const result = await verifyAndVote(protocol, store, signer, taskId, { wait })
      printResult(ctx, options.json, result, () => [
        `${result.step} for task ${id}: ${result.approve ? 'approve' : 'reject'} (reasons ${result.reasonsCid})`,
        ...result.report.findings.map((f) => `  ${f.ok ? 'pass' : 'FAIL'}  ${f.rule.padEnd(20)} ${f.detail}`),
      ].join('\n'))
    } finally {
      await store.close()
    }
  })

  withSignerOptions(withChainOptions(
    task.command('finalize <taskId>')
      .description('settle a task\'s vote after the reveal phase (anyone may send it)')
      .option('--json', 'print the task as JSON'),
  )).action(async (id: string, options: Common) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const taskId = parseTaskId(id)
    await finalizeTask(protocol, signer, taskId)
    const record = await getTask(protocol, taskId)
    printResult(ctx, options.json, record, () => describeTask(record))
  })
}
