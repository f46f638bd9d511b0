import { Option } from 'commander'
import { DeaiError } from '../../errors/base.js'
import type { Command } from 'commander'
import { drawCommittee } from '../../ledger/actions/draw-committee.js'
import { getTask, listTasks } from '../../ledger/actions/get-task.js'
import type { TaskRecord } from '../../ledger/actions/get-task.js'
import { proposeTask } from '../../ledger/actions/propose-task.js'
import { finalizeTask } from '../../ledger/actions/vote-on-task.js'
import { castTaskVote } from '../../ledger/actions/cast-task-vote.js'
import { openProtocol, openWithSigner, withChainOptions, withSignerOptions } from '../shared/connect.js'
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

export function registerTaskCommand(program: Command, ctx: CliContext): void {
  const task = program.command('task').description('task proposing: propose tasks, vote on them as a committee member, inspect them')

  withSignerOptions(withChainOptions(
    task.command('propose')
      .description('escrow a budget and a bond, propose a task by its spec CID, and draw its verification committee')
      .requiredOption('--spec-cid <cid>', 'CID of the task spec in the content store (deai content put spec.json)')
      .requiredOption('--budget <deai>', 'reward budget to escrow, in DEAI', parseAmount)
      .option('--bond <deai>', 'bond, in DEAI (default: the registry minimum)', parseAmount)
      .option('--expires-in <duration>', 'how long the task stays open once approved (e.g. 30d)', parseDuration)
      .option('--no-draw', 'only propose; draw the committee later with `deai task draw`')
      .option('--json', 'print the result as JSON'),
  )).action(async (options: Common & { specCid: string; budget: bigint; bond?: bigint; expiresIn?: bigint; draw: boolean }) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const expiresAt = options.expiresIn === undefined ? undefined : (await protocol.ledger.clock.now()) + options.expiresIn
    const proposed = await proposeTask(protocol, signer, {
      specCid: options.specCid,
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

  withSignerOptions(withChainOptions(
    task.command('vote <taskId>')
      .description('as a committee member (operator key), take the next voting step: commit during the commit phase, reveal during the reveal phase')
      .addOption(new Option('--approve', 'vote to approve').conflicts('reject'))
      .addOption(new Option('--reject', 'vote to reject'))
      .requiredOption('--reasons <cid>', 'CID of your reasons (your check report)')
      .option('--wait', 'after committing, wait for the reveal phase and reveal')
      .option('--json', 'print the result as JSON'),
  )).action(async (id: string, options: Common & { approve?: boolean; reject?: boolean; reasons: string; wait?: boolean }) => {
    if (options.approve !== true && options.reject !== true) {
      throw new DeaiError('CLI_USAGE', 'say how you vote: --approve or --reject')
    }
    const { protocol, signer } = await openWithSigner(ctx, options)
    const step = await castTaskVote(protocol, signer, { taskId: parseTaskId(id), approve: options.approve === true, reasonsCid: options.reasons, wait: options.wait === true })
    printResult(ctx, options.json, step, () => `${step.step} for task ${id} (${step.approve ? 'approve' : 'reject'})`)
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
