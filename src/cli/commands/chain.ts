import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { deployProtocol } from '../../ledger/deploy/deploy-protocol.js'
import { DEFAULT_DEPLOYMENT_FILE, writeDeployment } from '../../ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS, mergeProtocolParams, parseProtocolParams } from '../../ledger/deploy/protocol-params.js'
import { deriveDevKeys, DEV_MNEMONIC } from '../../ledger/dev-accounts.js'
import { createEmbeddedLedger } from '../../ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../ledger/server/serve-json-rpc.js'
import type { CliContext } from '../shared/context.js'
import { toJson } from '../../shared/to-json.js'
import { parseCount, parsePort } from '../shared/parse.js'
import { readDataFile } from '../../shared/read-data-file.js'

type ChainOptions = {
  host: string
  port: number
  accounts: number
  blockTime: number
  deployment: string
  params?: string
  deploy: boolean
  devAdmin?: boolean
  json?: boolean
}

export function registerChainCommand(program: Command, ctx: CliContext): void {
  program
    .command('chain')
    .description('run a local dev chain (in-process EVM) over JSON-RPC with the protocol deployed, like anvil or hardhat node')
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').default(8545).argParser(parsePort))
    .addOption(new Option('--accounts <n>', 'funded dev accounts').default(10).argParser(parseCount))
    .addOption(new Option('--block-time <seconds>', 'also mine a block every so many seconds (0 = only on transactions)').default(1).argParser((v) => (v === '0' ? 0 : parseCount(v))))
    .addOption(new Option('--deployment <file>', 'where to write the deployment file').default(DEFAULT_DEPLOYMENT_FILE))
    .addOption(new Option('--params <file>', 'JSON file overriding protocol parameters (see README)'))
    .option('--no-deploy', 'start an empty chain')
    .option('--dev-admin', 'DEV ONLY: dev account 0 keeps the admin and pauser roles beside the timelock, so it can change parameters, pause and grant roles at once')
    .option('--json', 'print the chain description as JSON')
    .addHelpText('after', [
      '',
      'Dev chains use short task periods (20 s commit, 20 s reveal), a 60 s unbonding delay and short',
      'governance periods (vote after 1 s, for 60 s; 30 s timelock). The timelock, run by the governor,',
      'holds every admin role and is the treasury; dev account 0 holds the rest of the DEAI supply, so',
      'its delegated votes decide proposals (deai gov delegate --dev-account 0).',
      'Stop with Ctrl-C.',
    ].join('\n'))
    .action((options: ChainOptions) => runChain(ctx, options))
}

async function runChain(ctx: CliContext, options: ChainOptions): Promise<void> {
  const ledger = await createEmbeddedLedger({
    accounts: options.accounts,
    time: 'wall',
    ...(options.blockTime > 0 ? { blockTimeMs: options.blockTime * 1000 } : {}),
  })
  const server = await serveJsonRpc({ handle: ledger.provider.handle, host: options.host, port: options.port })
  const keys = deriveDevKeys(options.accounts)
  let deployment
  try {
    if (options.deploy) {
      const overrides = options.params === undefined ? undefined : parseProtocolParams(await readDataFile(ctx.cwd, options.params, 'params'), options.params)
      deployment = await deployProtocol(ledger, {
        params: mergeProtocolParams(DEV_CHAIN_PARAMS, overrides),
        fund: ledger.accounts.map((a) => a.address),
        devAdmin: options.devAdmin === true,
        log: (line) => ctx.stderr(`  ${line}\n`),
      })
      await writeDeployment(deployment, resolve(ctx.cwd, options.deployment))
    }
  } catch (error) {
    await server.close()
    throw error
  }
  const description = {
    rpcUrl: server.url,
    chainId: ledger.chain.id,
    mnemonic: DEV_MNEMONIC,
    accounts: ledger.accounts.map((a, i) => ({ index: i, address: a.address, privateKey: keys[i] })),
    deployment: deployment ?? null,
    deploymentFile: options.deploy ? options.deployment : null,
  }
  if (options.json === true) {
    ctx.stdout(toJson(description, 0) + '\n')
  } else {
    const lines = [
      '',
      'Dev accounts (10,000 ETH and 1,000,000 DEAI each; these keys are public, never use them on a real chain):',
      ...description.accounts.map((a) => `  (${a.index}) ${a.address}  ${a.privateKey}`),
      '',
      `Mnemonic: ${DEV_MNEMONIC}`,
      ...(deployment === undefined ? [] : [
        '',
        `Governor ${deployment.contracts.governor}, timelock ${deployment.contracts.timelock} (admin of the protocol and its treasury)`,
        ...(deployment.devAdmin === null ? [] : [`DEV ADMIN KEY: account 0 (${deployment.devAdmin}) also holds the admin and pauser roles (--dev-admin); never do this on a real chain`]),
        `Deployment written to ${options.deployment}`,
      ]),
      '',
      `Listening on ${server.url} (chain id ${ledger.chain.id})`,
      '',
    ]
    ctx.stdout(lines.join('\n'))
  }
  await ctx.untilStopped()
  ctx.stderr('stopping the chain\n')
  await server.close()
  await ledger.close()
}
