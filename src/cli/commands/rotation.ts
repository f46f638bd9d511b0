import { Option } from 'commander'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { completeRotation } from '../../ledger/actions/staking/complete-rotation.js'
import { declineRotation } from '../../ledger/actions/staking/decline-rotation.js'
import { getRotation } from '../../ledger/actions/staking/get-rotation.js'
import { migratePosition } from '../../ledger/actions/staking/migrate-position.js'
import { requestRotation } from '../../ledger/actions/staking/request-rotation.js'
import type { RoleName } from '../../ledger/contracts/roles.js'
import type { Protocol } from '../../ledger/protocol.js'
import { openProtocol, openWithSigner, withChainOptions, withSignerOptions } from '../shared/connect.js'
import type { ChainOptions, SignerOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { parseAddress, parseRole, parseTaskId } from '../shared/parse.js'

type Options = ChainOptions & SignerOptions & { json?: boolean }

async function show(ctx: CliContext, protocol: Protocol, owner: Address, json: boolean | undefined): Promise<void> {
  const result = await getRotation(protocol, owner)
  printResult(ctx, json, result, () => {
    if (result.rotatedTo !== null) return `${owner} rotated to ${result.rotatedTo}; move each pool's position with deai rotation migrate ${owner} --role R --task ID`
    if (result.pendingTo === null) return `${owner} has no rotation pending`
    if (result.disputed) return `${owner}: rotation DISPUTED (two new keys were asked for); claims and withdrawals are frozen until governance resolves it`
    return `${owner}: rotation to ${result.pendingTo} pending; it can complete from ${new Date(Number(result.readyAt) * 1000).toISOString()} (until then this key can neither claim nor withdraw)`
  })
}

/** `deai rotation`: move an owner key's rewards and positions to a new key, after a delay. */
export function registerRotationCommands(program: Command, ctx: CliContext): void {
  const rotation = program.command('rotation')
    .description('rotate an owner key to a new one: request (old key), complete and migrate (new key); the old key can neither claim nor withdraw meanwhile')
  withSignerOptions(withChainOptions(rotation.command('request <new-key>')
    .description('(old owner key) start moving everything this key owns to <new-key>, after the rotation delay')
    .option('--json', 'print the rotation as JSON'),
  )).action(async (newKey: string, options: Options) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    await requestRotation(protocol, signer, parseAddress(newKey))
    await show(ctx, protocol, signer.address, options.json)
  })
  withSignerOptions(withChainOptions(rotation.command('complete <old-key>')
    .description('(new key) complete a rotation once its delay has passed, taking the old key\'s rewards')
    .option('--json', 'print the rotation as JSON'),
  )).action(async (oldKey: string, options: Options) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const owner = parseAddress(oldKey)
    await completeRotation(protocol, signer, owner)
    await show(ctx, protocol, owner, options.json)
  })
  withSignerOptions(withChainOptions(rotation.command('decline <old-key>')
    .description('(new key) refuse a rotation that names this key')
    .option('--json', 'print the rotation as JSON'),
  )).action(async (oldKey: string, options: Options) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const owner = parseAddress(oldKey)
    await declineRotation(protocol, signer, owner)
    await show(ctx, protocol, owner, options.json)
  })
  withSignerOptions(withChainOptions(rotation.command('migrate <old-key>')
    .description('move a rotated owner\'s position in one pool to its new key (anyone may; refused while pending work locks it)')
    .addOption(new Option('--role <role>', 'the pool\'s role').argParser(parseRole).makeOptionMandatory())
    .addOption(new Option('--task <id>', 'the pool\'s task (0 = protocol-wide)').argParser(parseTaskId).default(0n, '0'))
    .option('--json', 'print the rotation as JSON'),
  )).action(async (oldKey: string, options: Options & { role: RoleName; task: bigint }) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const owner = parseAddress(oldKey)
    await migratePosition(protocol, signer, { role: options.role, taskId: options.task, from: owner })
    ctx.stderr(`moved the ${options.role} position of task ${options.task}\n`)
    await show(ctx, protocol, owner, options.json)
  })
  withChainOptions(rotation.command('show <owner>')
    .description('show an owner key\'s rotation (no key needed)')
    .option('--json', 'print the rotation as JSON'),
  ).action(async (owner: string, options: ChainOptions & { json?: boolean }) => {
    const protocol = await openProtocol(ctx, options)
    await show(ctx, protocol, parseAddress(owner), options.json)
  })
}
