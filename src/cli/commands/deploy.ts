import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import type { Address } from 'viem'
import type { Deployment } from '../../ledger/deploy/deployment.js'
import { deployProtocol } from '../../ledger/deploy/deploy-protocol.js'
import { DEFAULT_DEPLOYMENT_FILE, writeDeployment } from '../../ledger/deploy/deployment.js'
import { parseProtocolParams } from '../../ledger/deploy/protocol-params.js'
import { createRpcLedger } from '../../ledger/rpc/create-rpc-ledger.js'
import { resolveKey, rpcUrl, withSignerOptions } from '../shared/connect.js'
import type { SignerOptions } from '../shared/connect.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { parseAddress } from '../shared/parse.js'
import { readDataFile } from '../../shared/read-data-file.js'

type DeployOptions = SignerOptions & {
  rpc?: string
  deployment: string
  params?: string
  fund: Address[]
  json?: boolean
}

export function registerDeployCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('deploy')
    .description('deploy the protocol contracts to a chain and write the deployment file other commands read')
    .addOption(new Option('--rpc <url>', 'JSON-RPC URL of the chain (env DEAI_RPC_URL)'))
    .addOption(new Option('--deployment <file>', 'where to write the deployment file').default(DEFAULT_DEPLOYMENT_FILE))
    .addOption(new Option('--params <file>', 'JSON file overriding protocol parameters'))
    .addOption(new Option('--fund <address...>', 'send 1,000,000 DEAI to each of these addresses').argParser((v: string, prev: Address[] = []) => [...prev, parseAddress(v)]).default([]))
    .option('--json', 'print the deployment as JSON')
    .addHelpText('after', [
      '',
      'The protocol is governed from the start: the timelock (run by the governor, i.e. DEAI votes)',
      'holds every admin role and is the treasury, and the deploying key renounces every role.',
      'The deploying key receives the DEAI supply, and with it every vote until it distributes it.',
    ].join('\n'))
  withSignerOptions(command).action((options: DeployOptions) => runDeploy(ctx, options))
}

async function runDeploy(ctx: CliContext, options: DeployOptions): Promise<void> {
  const key = await resolveKey(ctx, options)
  const ledger = await createRpcLedger({ url: rpcUrl(ctx, options), privateKeys: [key] })
  const params = options.params === undefined ? undefined : parseProtocolParams(await readDataFile(ctx.cwd, options.params, 'params'), options.params)
  ctx.stderr(`deploying to chain ${ledger.chain.id} at ${ledger.rpcUrl}\n`)
  const deployment = await deployProtocol(ledger, {
    ...(params === undefined ? {} : { params }),
    fund: options.fund,
    log: (line) => ctx.stderr(`  ${line}\n`),
  })
  await writeDeployment(deployment, resolve(ctx.cwd, options.deployment))
  ctx.stderr(`deployment written to ${options.deployment}\n`)
  printResult(ctx, options.json, deployment, () => describeDeployment(deployment))
}

/** The human listing of a deployment: its contracts and who holds power over them. */
export function describeDeployment(deployment: Deployment): string {
  return [
    ...Object.entries(deployment.contracts).map(([name, address]) => `${name.padEnd(15)} ${address}`),
    '',
    `admin           ${deployment.devAdmin === null ? 'the timelock alone (changes need a proposal, a vote and the timelock delay)' : `the timelock, and the DEV ADMIN KEY ${deployment.devAdmin} (dev chains only: it can change anything at once)`}`,
    `treasury        ${deployment.treasury}${deployment.treasury === deployment.contracts.timelock ? ' (the timelock)' : ''}`,
    `DEAI supply     minted to the deployer ${deployment.deployer}: it holds the votes (once delegated) until it distributes the supply`,
  ].join('\n')
}
