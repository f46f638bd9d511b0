import { Option } from 'commander'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { castVote } from '../../ledger/actions/governance/cast-vote.js'
import { createProposal } from '../../ledger/actions/governance/create-proposal.js'
import { delegateVotes } from '../../ledger/actions/governance/delegate-votes.js'
import { encodeProposalActions } from '../../ledger/actions/governance/encode-proposal-actions.js'
import { executeProposal } from '../../ledger/actions/governance/execute-proposal.js'
import { getGovernance } from '../../ledger/actions/governance/get-governance.js'
import type { GovernanceInfo } from '../../ledger/actions/governance/get-governance.js'
import { getProposal } from '../../ledger/actions/governance/get-proposal.js'
import type { ProposalCall, ProposalRecord } from '../../ledger/actions/governance/get-proposal.js'
import { parseProposalActions } from '../../ledger/actions/governance/parse-proposal-actions.js'
import { queueProposal } from '../../ledger/actions/governance/queue-proposal.js'
import type { Protocol } from '../../ledger/protocol.js'
import { describeDuration, describeWhen } from '../../shared/describe-when.js'
import { toJson } from '../../shared/to-json.js'
import { openProtocol, openWithSigner, withChainOptions, withSignerOptions } from '../shared/connect.js'
import type { ChainOptions, SignerOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { formatDeai, printResult } from '../shared/output.js'
import { parseAddress, parseProposalId, parseVoteSupport } from '../shared/parse.js'
import { readDataFile } from '../../shared/read-data-file.js'

type Common = ChainOptions & SignerOptions & { json?: boolean }

const ACTIONS_HELP = `
Actions (a JSON or YAML list in --actions FILE, or one JSON object per --action):
  { "kind": "set-task-rules", "rules": { "committeeSize": 7, "fee": "20 DEAI" } }   other rules keep their value
  { "kind": "set-min-stake", "role": "verifier", "amount": "200 DEAI" }
  { "kind": "set-delays", "unbondingDelay": 1209600 }                              seconds; operatorDelay too
  { "kind": "treasury-payment", "to": "0x...", "amount": "5000 DEAI" }             DEAI from the timelock
  { "kind": "set-treasury", "treasury": "0x..." }
  { "kind": "grant-role", "contract": "stakeManager", "role": "SLASHER_ROLE", "account": "0x..." }   also revoke-role
  { "kind": "pause", "contract": "stakeManager" }                                  also unpause; or trainingFactory
  { "kind": "call", "target": "0x...", "data": "0x...", "value": "0" }             anything else, encoded
Amounts are wei (whole numbers) or DEAI written "2.5 DEAI".`

function formatArg(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : typeof value === 'string' ? value : toJson(value, 0)
}

function describeCall(call: ProposalCall): string {
  const target = call.contract ?? call.target
  const value = call.value === 0n ? '' : ` with ${call.value} wei`
  if (call.functionName === undefined) return `${target} calldata ${call.calldata}${value}`
  return `${target}.${call.functionName}(${(call.args ?? []).map(formatArg).join(', ')})${value}`
}

/** What to do next with a proposal, in one line. */
function nextStep(p: ProposalRecord): string {
  const when = (t: bigint) => describeWhen(t, p.readAt)
  switch (p.state) {
    case 'pending': return `voting opens after ${when(p.voteStart)} (delegated votes are counted at that instant)`
    case 'active': return `vote with deai gov vote ${p.id} for|against|abstain until ${when(p.voteEnd)}; then deai gov queue ${p.id} if it passed`
    case 'succeeded': return `passed: deai gov queue ${p.id}`
    case 'queued': return p.eta !== null && p.readAt < p.eta ? `in the timelock: deai gov execute ${p.id} from ${when(p.eta)}` : `ready: deai gov execute ${p.id}`
    case 'defeated': return 'defeated: nothing to do'
    case 'executed': return 'executed: nothing to do'
    default: return `${p.state}: nothing to do`
  }
}

function describeProposal(p: ProposalRecord): string {
  const tally = p.votes.for + p.votes.abstain
  const quorum = p.quorum === null
    ? 'set when voting opens'
    : `${formatDeai(p.quorum)} of for + abstain: ${tally >= p.quorum ? 'reached' : `${formatDeai(p.quorum - tally)} short`}`
  return [
    `proposal ${p.id}: ${p.state}`,
    `  proposer     ${p.proposer}`,
    `  description  ${p.description.split('\n').join('\n               ')}`,
    ...p.calls.map((call, i) => `  ${i === 0 ? 'calls      ' : '           '}  ${describeCall(call)}`),
    `  votes        for ${formatDeai(p.votes.for)}, against ${formatDeai(p.votes.against)}, abstain ${formatDeai(p.votes.abstain)}`,
    `  quorum       ${quorum}`,
    `  voting       from ${describeWhen(p.voteStart, p.readAt)} to ${describeWhen(p.voteEnd, p.readAt)}`,
    ...(p.eta === null ? [] : [`  executable   from ${describeWhen(p.eta, p.readAt)}`]),
    `  next         ${nextStep(p)}`,
  ].join('\n')
}

function describeGovernance(g: GovernanceInfo): string {
  return [
    `governor       ${g.governor}`,
    `timelock       ${g.timelock} (holds every admin role)`,
    `treasury       ${g.treasury}${g.treasury === g.timelock ? ' (the timelock)' : ''}, ${formatDeai(g.treasuryBalance)} in the timelock`,
    `voting         opens ${describeDuration(g.votingDelay)} after a proposal, lasts ${describeDuration(g.votingPeriod)}`,
    `to propose     ${formatDeai(g.proposalThreshold)} of delegated votes`,
    `quorum         ${Number(g.quorumBps) / 100}% of the supply (for + abstain)`,
    `timelock delay ${describeDuration(g.timelockDelay)}`,
    `proposals      ${g.proposalCount === 0n ? 'none yet' : `1 to ${g.proposalCount} (deai gov show ID)`}`,
  ].join('\n')
}

async function readActions(ctx: CliContext, options: { actions?: string; action: string[] }): Promise<unknown[]> {
  const inline = options.action.map((text, i) => {
    try {
      return JSON.parse(text) as unknown
    } catch (cause) {
      throw new DeaiError('GOV_ACTION_INVALID', `--action ${i + 1} is not JSON`, { fixes: ['quote the object, e.g. --action \'{"kind":"pause","contract":"stakeManager"}\''], cause })
    }
  })
  const fromFile = options.actions === undefined ? [] : await readDataFile(ctx.cwd, options.actions, 'actions')
  if (!Array.isArray(fromFile)) throw new DeaiError('GOV_ACTION_INVALID', `${options.actions}: must be a list of actions`)
  return [...(fromFile as unknown[]), ...inline]
}

async function showProposal(ctx: CliContext, protocol: Protocol, id: bigint, json: boolean | undefined): Promise<void> {
  const record = await getProposal(protocol, id)
  printResult(ctx, json, record, () => describeProposal(record))
}

export function registerGovCommand(program: Command, ctx: CliContext): void {
  const gov = program.command('gov').description('governance: DEAI holders propose, vote on, queue and execute changes the timelock makes')

  withSignerOptions(withChainOptions(
    gov.command('delegate [address]')
      .description('delegate the votes of your DEAI (default: to yourself); DEAI counts as votes only once delegated, on proposals made afterwards')
      .option('--json', 'print the result as JSON'),
  )).action(async (to: string | undefined, options: Common) => {
    const delegatee: Address | undefined = to === undefined ? undefined : parseAddress(to)
    const { protocol, signer } = await openWithSigner(ctx, options)
    const { votes, receipt } = await delegateVotes(protocol, signer, delegatee)
    const result = { delegator: signer.address, delegatee: delegatee ?? signer.address, votes, transaction: receipt.transactionHash }
    printResult(ctx, options.json, result, () => `${result.delegator} delegates to ${result.delegatee}, which now has ${formatDeai(votes)} of votes`)
  })

  withSignerOptions(withChainOptions(
    gov.command('propose')
      .description('propose changes for the timelock to make (needs the proposal threshold of delegated votes)')
      .requiredOption('--description <text>', 'what the proposal does and why (part of its identity: make it unique)')
      .option('--actions <file>', 'JSON or YAML list of actions')
      .addOption(new Option('--action <json>', 'one action as a JSON object (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]).default([]))
      .option('--json', 'print the proposal as JSON')
      .addHelpText('after', ACTIONS_HELP),
  )).action(async (options: Common & { description: string; actions?: string; action: string[] }) => {
    const raw = await readActions(ctx, options)
    if (raw.length === 0) throw new DeaiError('CLI_USAGE', 'give the actions with --actions FILE or --action JSON', { fixes: ['see deai gov propose --help for the kinds of action'] })
    const actions = parseProposalActions(raw, options.actions ?? '--action')
    const { protocol, signer } = await openWithSigner(ctx, options)
    const calls = await encodeProposalActions(protocol, actions)
    const { proposalId } = await createProposal(protocol, signer, { ...calls, description: options.description })
    ctx.stderr(`proposed ${proposalId}\n`)
    await showProposal(ctx, protocol, proposalId, options.json)
  })

  withSignerOptions(withChainOptions(
    gov.command('vote <id> <support>')
      .description('vote for, against or abstain on an active proposal, with the votes delegated to you at its snapshot')
      .option('--reason <text>', 'published with the vote')
      .option('--json', 'print the result as JSON'),
  )).action(async (id: string, support: string, options: Common & { reason?: string }) => {
    const proposalId = parseProposalId(id)
    const choice = parseVoteSupport(support)
    const { protocol, signer } = await openWithSigner(ctx, options)
    const { weight, receipt } = await castVote(protocol, signer, { proposalId, support: choice, ...(options.reason === undefined ? {} : { reason: options.reason }) })
    const record = await getProposal(protocol, proposalId)
    const result = { proposalId, voter: signer.address, support: choice, weight, transaction: receipt.transactionHash, proposal: record }
    printResult(ctx, options.json, result, () => `voted ${choice} on proposal ${proposalId} with ${formatDeai(weight)}\n${describeProposal(record)}`)
  })

  withSignerOptions(withChainOptions(
    gov.command('queue <id>')
      .description('queue a proposal that passed into the timelock, which starts its delay (anyone may)')
      .option('--json', 'print the proposal as JSON'),
  )).action(async (id: string, options: Common) => {
    const proposalId = parseProposalId(id)
    const { protocol, signer } = await openWithSigner(ctx, options)
    const { eta } = await queueProposal(protocol, signer, proposalId)
    ctx.stderr(`queued ${proposalId}; executable from ${new Date(Number(eta) * 1000).toISOString()}\n`)
    await showProposal(ctx, protocol, proposalId, options.json)
  })

  withSignerOptions(withChainOptions(
    gov.command('execute <id>')
      .description('execute a queued proposal once its timelock delay is over (anyone may)')
      .option('--json', 'print the proposal as JSON'),
  )).action(async (id: string, options: Common) => {
    const proposalId = parseProposalId(id)
    const { protocol, signer } = await openWithSigner(ctx, options)
    await executeProposal(protocol, signer, proposalId)
    ctx.stderr(`executed ${proposalId}\n`)
    await showProposal(ctx, protocol, proposalId, options.json)
  })

  withChainOptions(
    gov.command('show [id]')
      .description('show a proposal (state, calls, votes, quorum, deadlines, next step), or without an id the governance settings')
      .option('--json', 'print it as JSON'),
  ).action(async (id: string | undefined, options: Common) => {
    const protocol = await openProtocol(ctx, options)
    if (id !== undefined) return showProposal(ctx, protocol, parseProposalId(id), options.json)
    const info = await getGovernance(protocol)
    printResult(ctx, options.json, info, () => describeGovernance(info))
  })
}
