import { Option } from 'commander'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { acceptOperator } from '../../ledger/actions/staking/accept-operator.js'
import { claimRewards } from '../../ledger/actions/staking/claim-rewards.js'
import { getPosition } from '../../ledger/actions/staking/get-position.js'
import { requestUnstake } from '../../ledger/actions/staking/request-unstake.js'
import { resignOperator } from '../../ledger/actions/staking/resign-operator.js'
import { revokeOperator } from '../../ledger/actions/staking/revoke-operator.js'
import { setOperator } from '../../ledger/actions/staking/set-operator.js'
import { stake } from '../../ledger/actions/staking/stake.js'
import { withdrawStake } from '../../ledger/actions/staking/withdraw-stake.js'
import type { RoleName } from '../../ledger/contracts/roles.js'
import type { Protocol } from '../../ledger/protocol.js'
import { openProtocol, openWithSigner, withChainOptions, withSignerOptions } from '../shared/connect.js'
import type { ChainOptions, SignerOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { formatDeai, printResult } from '../shared/output.js'
import { parseAddress, parseAmount, parseRole, parseTaskId } from '../shared/parse.js'

type PoolOptions = ChainOptions & SignerOptions & { role: RoleName; task: bigint; json?: boolean }

function withPool(command: Command): Command {
  return withSignerOptions(withChainOptions(command
    .addOption(new Option('--role <role>', 'the pool\'s role').argParser(parseRole).makeOptionMandatory())
    .addOption(new Option('--task <id>', 'the pool\'s task (0 = protocol-wide, e.g. verifiers)').argParser(parseTaskId).default(0n, '0'))
    .option('--json', 'print the position as JSON')))
}

async function report(ctx: CliContext, protocol: Protocol, owner: Address, options: PoolOptions, headline: string): Promise<void> {
  const position = await getPosition(protocol, owner, { role: options.role, taskId: options.task })
  const result = { owner, role: options.role, taskId: options.task, ...position }
  printResult(ctx, options.json, result, () => [
    headline,
    `  active     ${formatDeai(position.active)}`,
    `  unbonding  ${formatDeai(position.unbonding)}${position.unbonding > 0n ? ` (withdrawable from ${new Date(Number(position.releaseAt > position.lockedUntil ? position.releaseAt : position.lockedUntil) * 1000).toISOString()})` : ''}`,
    ...(position.lockedUntil > 0n ? [`  locked     until ${new Date(Number(position.lockedUntil) * 1000).toISOString()} (pending work is judged by then)`] : []),
    `  rewards    ${formatDeai(position.unclaimed)} to claim`,
    `  operator   ${position.operator}${position.operator === owner ? ' (the owner key itself)' : ''}`,
  ].join('\n'))
}

export function registerStakeCommands(program: Command, ctx: CliContext): void {
  withPool(program.command('stake [amount]')
    .description('stake DEAI (owner key) into a pool named by role and task; without an amount, show the position')
  ).action(async (amount: string | undefined, options: PoolOptions) => {
    const wei = amount === undefined ? undefined : parseAmount(amount)
    const { protocol, signer } = await openWithSigner(ctx, options)
    if (wei !== undefined) {
      await stake(protocol, signer, { role: options.role, taskId: options.task, amount: wei })
      ctx.stderr(`staked ${formatDeai(wei)}\n`)
    }
    await report(ctx, protocol, signer.address, options, `${options.role} pool of task ${options.task}, owner ${signer.address}`)
  })

  withPool(program.command('unstake [amount]')
    .description('start unbonding stake (owner key); with --withdraw, take back what has finished unbonding')
    .option('--withdraw', 'withdraw the unbonded stake')
  ).action(async (amount: string | undefined, options: PoolOptions & { withdraw?: boolean }) => {
    const wei = amount === undefined ? undefined : parseAmount(amount)
    const { protocol, signer } = await openWithSigner(ctx, options)
    if (wei !== undefined) {
      await requestUnstake(protocol, signer, { role: options.role, taskId: options.task, amount: wei })
      ctx.stderr(`unbonding ${formatDeai(wei)}\n`)
    }
    if (options.withdraw === true) {
      const before = await getPosition(protocol, signer.address, { role: options.role, taskId: options.task })
      await withdrawStake(protocol, signer, { role: options.role, taskId: options.task })
      ctx.stderr(`withdrew ${formatDeai(before.unbonding)}\n`)
    }
    await report(ctx, protocol, signer.address, options, `${options.role} pool of task ${options.task}, owner ${signer.address}`)
  })

  const operator = program.command('operator')
    .description('operator keys: the owner names one, the key accepts; the owner can revoke it at once, the key can resign')
  withPool(operator.command('set <address>', { isDefault: true })
    .description('(owner key) name the operator key that works for you in a pool; it must accept, and it takes effect after the operator delay')
  ).action(async (address: string, options: PoolOptions) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const key = parseAddress(address)
    await setOperator(protocol, signer, { role: options.role, taskId: options.task, operator: key })
    ctx.stderr(key === signer.address
      ? 'back to the owner key after the operator delay (deai operator revoke does it at once)\n'
      : `operator change requested: ${key} must accept (deai operator accept ${signer.address} --role ${options.role} --task ${options.task}), then it takes effect after the operator delay\n`)
    await report(ctx, protocol, signer.address, options, `${options.role} pool of task ${options.task}, owner ${signer.address}`)
  })
  withPool(operator.command('accept <owner>')
    .description('(operator key) agree to work for an owner that named this key')
  ).action(async (owner: string, options: PoolOptions) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const address = parseAddress(owner)
    await acceptOperator(protocol, signer, { role: options.role, taskId: options.task, owner: address })
    ctx.stderr(`accepted: ${signer.address} works for ${address} once the operator delay has passed\n`)
    await report(ctx, protocol, address, options, `${options.role} pool of task ${options.task}, owner ${address}`)
  })
  withPool(operator.command('revoke')
    .description('(owner key) remove your operator key at once (a stolen operator key is cut off now, not after a delay)')
  ).action(async (options: PoolOptions) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    await revokeOperator(protocol, signer, { role: options.role, taskId: options.task })
    ctx.stderr('operator removed; the owner key works for itself again\n')
    await report(ctx, protocol, signer.address, options, `${options.role} pool of task ${options.task}, owner ${signer.address}`)
  })
  withPool(operator.command('resign <owner>')
    .description('(operator key) stop working for an owner, current or pending')
  ).action(async (owner: string, options: PoolOptions) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const address = parseAddress(owner)
    await resignOperator(protocol, signer, { role: options.role, taskId: options.task, owner: address })
    ctx.stderr(`${signer.address} no longer works for ${address}\n`)
    await report(ctx, protocol, address, options, `${options.role} pool of task ${options.task}, owner ${address}`)
  })

  withSignerOptions(withChainOptions(program.command('claim')
    .description('claim every reward credited to your owner key')
    .addOption(new Option('--to <address>', 'send the rewards here (default: the owner)').argParser(parseAddress))
    .option('--json', 'print the result as JSON'),
  )).action(async (options: ChainOptions & SignerOptions & { to?: Address; json?: boolean }) => {
    const { protocol, signer } = await openWithSigner(ctx, options)
    const { unclaimed } = await getPosition(protocol, signer.address, { role: 'verifier' })
    const receipt = await claimRewards(protocol, signer, options.to ?? signer.address)
    const result = { owner: signer.address, to: options.to ?? signer.address, amount: unclaimed, transaction: receipt.transactionHash }
    printResult(ctx, options.json, result, () => `claimed ${formatDeai(unclaimed)} to ${result.to}`)
  })

  withChainOptions(program.command('position <owner>')
    .description('show any owner\'s position in a pool (no key needed)')
    .addOption(new Option('--role <role>', 'the pool\'s role').argParser(parseRole).makeOptionMandatory())
    .addOption(new Option('--task <id>', 'the pool\'s task').argParser(parseTaskId).default(0n, '0'))
    .option('--json', 'print the position as JSON'),
  ).action(async (owner: string, options: PoolOptions) => {
    const protocol = await openProtocol(ctx, options)
    const address = parseAddress(owner)
    await report(ctx, protocol, address, options, `${options.role} pool of task ${options.task}, owner ${address}`)
  })
}
