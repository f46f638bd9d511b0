import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getAbiItem, getAddress, keccak256, stringToBytes, zeroAddress, zeroHash } from 'viem'
import type { Address, Hex } from 'viem'
import { main } from '../../src/cli/main.js'
import { deaiGovernorAbi } from '../../src/ledger/contracts/generated/DeaiGovernor.js'
import { deaiTimelockAbi } from '../../src/ledger/contracts/generated/DeaiTimelock.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { parseDeployment, readDeployment } from '../../src/ledger/deploy/deployment.js'
import type { Deployment } from '../../src/ledger/deploy/deployment.js'
import { DEFAULT_PROTOCOL_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import type { JsonRpcServer } from '../../src/ledger/server/serve-json-rpc.js'
import type { Ledger } from '../../src/ledger/ledger.js'

const ROLE_NAMES = ['DEFAULT_ADMIN_ROLE', 'PAUSER_ROLE', 'SLASHER_ROLE', 'REWARDER_ROLE', 'REGISTRAR_ROLE', 'STAGE_ROLE', 'PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE'] as const
const roleNameOf = new Map<Hex, string>(ROLE_NAMES.map((name) => [name === 'DEFAULT_ADMIN_ROLE' ? zeroHash : keccak256(stringToBytes(name)), name]))
const roleEvents = [getAbiItem({ abi: deaiTimelockAbi, name: 'RoleGranted' }), getAbiItem({ abi: deaiTimelockAbi, name: 'RoleRevoked' })]
// Every AccessControl contract has this function.
const hasRoleAbi = [getAbiItem({ abi: deaiTimelockAbi, name: 'hasRole' })]

type RoleHolding = { contract: Address; role: Hex; account: Address }

/**
 * Every role held on the chain now, by replaying every RoleGranted and RoleRevoked event of any
 * contract since genesis, each checked against `hasRole` (including the accounts that lost a
 * role, which must not hold it any more).
 */
async function roleHoldings(ledger: Ledger): Promise<{ held: RoleHolding[]; everHeld: RoleHolding[] }> {
  const logs = await ledger.client.getLogs({ events: roleEvents, fromBlock: 0n, strict: true })
  const key = (h: RoleHolding) => `${getAddress(h.contract)} ${h.role} ${getAddress(h.account)}`
  const current = new Map<string, RoleHolding>()
  const ever = new Map<string, RoleHolding>()
  for (const entry of logs) {
    const holding = { contract: getAddress(entry.address), role: entry.args.role, account: getAddress(entry.args.account) }
    ever.set(key(holding), holding)
    if (entry.eventName === 'RoleGranted') current.set(key(holding), holding)
    else current.delete(key(holding))
  }
  for (const h of ever.values()) {
    const holds = await ledger.client.readContract({ address: h.contract, abi: hasRoleAbi, functionName: 'hasRole', args: [h.role, h.account] })
    expect(holds, `hasRole(${roleNameOf.get(h.role) ?? h.role}, ${h.account}) on ${h.contract}`).toBe(current.has(key(h)))
  }
  return { held: [...current.values()], everHeld: [...ever.values()] }
}

/** The holdings as { contract: { role: [holders] } }, every address named after the deployment. */
function byName(deployment: Deployment, holdings: readonly RoleHolding[]): Record<string, Record<string, string[]>> {
  const names = new Map<Address, string>(Object.entries(deployment.contracts).map(([name, address]) => [getAddress(address), name]))
  names.set(getAddress(deployment.deployer), 'deployer')
  names.set(zeroAddress, 'anyone')
  const table: Record<string, Record<string, string[]>> = {}
  for (const h of holdings) {
    const contract = names.get(h.contract) ?? h.contract
    const role = roleNameOf.get(h.role) ?? h.role
    const roles = (table[contract] ??= {})
    ;(roles[role] ??= []).push(names.get(h.account) ?? h.account)
  }
  for (const roles of Object.values(table)) for (const holders of Object.values(roles)) holders.sort()
  return table
}

/** Exactly who holds what after deployment: the timelock administers, the protocol's contracts move funds. */
const GOVERNED = {
  stakeManager: {
    DEFAULT_ADMIN_ROLE: ['timelock'],
    PAUSER_ROLE: ['timelock'],
    SLASHER_ROLE: ['taskRegistry'],
    REWARDER_ROLE: ['taskRegistry'],
    REGISTRAR_ROLE: ['trainingFactory'],
  },
  taskRegistry: { DEFAULT_ADMIN_ROLE: ['timelock'], STAGE_ROLE: ['trainingFactory'] },
  trainingFactory: { DEFAULT_ADMIN_ROLE: ['timelock'], PAUSER_ROLE: ['timelock'] },
  timelock: { DEFAULT_ADMIN_ROLE: ['timelock'], PROPOSER_ROLE: ['governor'], CANCELLER_ROLE: ['governor'], EXECUTOR_ROLE: ['anyone'] },
}

function cli(cwd: string) {
  return async (...argv: string[]) => {
    let out = ''
    let err = ''
    const code = await main(argv, { cwd, env: {}, stdout: (t) => void (out += t), stderr: (t) => void (err += t), untilStopped: () => Promise.resolve() })
    return { code, out, err }
  }
}

describe('after `deai deploy`, governance owns the protocol', () => {
  let dir: string
  let ledger: EmbeddedLedger
  let server: JsonRpcServer
  let deployment: Deployment
  let printed: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-gov-deploy-'))
    ledger = await createEmbeddedLedger({ accounts: 3, time: 'wall' })
    server = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    const run = await cli(dir)('deploy', '--rpc', server.url, '--dev-account', '0', '--fund', ledger.accounts[1]!.address)
    expect(run.code, run.err).toBe(0)
    printed = run.out
    deployment = await readDeployment(join(dir, '.deai/deployment.json'))
  })

  afterAll(async () => {
    await server.close()
    await ledger.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('no address without code holds any role, and each role is held exactly by the contract that needs it', async () => {
    const { held, everHeld } = await roleHoldings(ledger)
    expect(byName(deployment, held)).toEqual(GOVERNED)
    for (const h of held) {
      if (h.account === zeroAddress) {
        // The timelock's open executor role: anyone may execute what the governor passed.
        expect([h.contract, roleNameOf.get(h.role)]).toEqual([getAddress(deployment.contracts.timelock), 'EXECUTOR_ROLE'])
        continue
      }
      const code = await ledger.client.getCode({ address: h.account })
      expect(code, `${roleNameOf.get(h.role)} on ${h.contract} is held by ${h.account}, which has no code`).toMatch(/^0x[0-9a-f]{2,}$/)
    }
    // The deployer held the admin roles while it wired the protocol, then renounced them all.
    const deployerHeld = everHeld.filter((h) => h.account === getAddress(deployment.deployer))
    expect(byName(deployment, deployerHeld)).toEqual({
      stakeManager: { DEFAULT_ADMIN_ROLE: ['deployer'], PAUSER_ROLE: ['deployer'] },
      taskRegistry: { DEFAULT_ADMIN_ROLE: ['deployer'] },
      trainingFactory: { DEFAULT_ADMIN_ROLE: ['deployer'], PAUSER_ROLE: ['deployer'] },
    })
  })

  test('every role is administered by DEFAULT_ADMIN_ROLE, which only the timelock holds', async () => {
    const adminOfAbi = [getAbiItem({ abi: deaiTimelockAbi, name: 'getRoleAdmin' })]
    for (const [contract, roles] of Object.entries(GOVERNED)) {
      const address = deployment.contracts[contract as keyof typeof GOVERNED]
      for (const role of Object.keys(roles)) {
        const id = role === 'DEFAULT_ADMIN_ROLE' ? zeroHash : keccak256(stringToBytes(role))
        expect(await ledger.client.readContract({ address, abi: adminOfAbi, functionName: 'getRoleAdmin', args: [id] }), `${contract} ${role}`).toBe(zeroHash)
      }
    }
  })

  test('the governor runs the timelock with the default settings, and the timelock is the treasury', async () => {
    const read = ledger.client.readContract
    const governor = { address: deployment.contracts.governor, abi: deaiGovernorAbi }
    const g = DEFAULT_PROTOCOL_PARAMS.governance
    expect(getAddress(await read({ ...governor, functionName: 'timelock' }))).toBe(getAddress(deployment.contracts.timelock))
    expect(getAddress(await read({ ...governor, functionName: 'token' }))).toBe(getAddress(deployment.contracts.token))
    expect(await read({ ...governor, functionName: 'CLOCK_MODE' })).toBe('mode=timestamp')
    expect([
      await read({ ...governor, functionName: 'votingDelay' }),
      await read({ ...governor, functionName: 'votingPeriod' }),
      await read({ ...governor, functionName: 'proposalThreshold' }),
      await read({ ...governor, functionName: 'quorumNumerator' }),
      await read({ ...governor, functionName: 'quorumDenominator' }),
      await read({ address: deployment.contracts.timelock, abi: deaiTimelockAbi, functionName: 'getMinDelay' }),
    ]).toEqual([g.votingDelay, g.votingPeriod, g.proposalThreshold, BigInt(g.quorumBps), 10_000n, g.timelockDelay])
    expect(deployment).toMatchObject({ version: 2, treasury: getAddress(deployment.contracts.timelock), devAdmin: null })
    expect(printed).toContain('admin           the timelock alone')
    expect(printed).not.toContain('DEV ADMIN')
  })
})

describe('a dev admin key exists only on request, and says so', () => {
  test('deployProtocol({ devAdmin: true }) leaves the deployer the admin and pauser roles beside the timelock, and no role that moves funds', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1 })
    try {
      const deployment = await deployProtocol(ledger, { devAdmin: true })
      expect(deployment.devAdmin).toBe(ledger.accounts[0]!.address)
      const { held } = await roleHoldings(ledger)
      const table = byName(deployment, held)
      expect(table).toEqual({
        ...GOVERNED,
        stakeManager: { ...GOVERNED.stakeManager, DEFAULT_ADMIN_ROLE: ['deployer', 'timelock'], PAUSER_ROLE: ['deployer', 'timelock'] },
        taskRegistry: { ...GOVERNED.taskRegistry, DEFAULT_ADMIN_ROLE: ['deployer', 'timelock'] },
        trainingFactory: { DEFAULT_ADMIN_ROLE: ['deployer', 'timelock'], PAUSER_ROLE: ['deployer', 'timelock'] },
      })
      expect(parseDeployment(JSON.parse(JSON.stringify(deployment))).devAdmin).toBe(ledger.accounts[0]!.address)
    } finally {
      await ledger.close()
    }
  })

  test('deai chain labels its dev admin key in the output and the deployment file, and has none without --dev-admin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deai-gov-chain-'))
    try {
      const run = cli(dir)
      const plain = await run('chain', '--port', '0', '--accounts', '2', '--block-time', '0', '--deployment', 'plain.json')
      expect(plain.code, plain.err).toBe(0)
      expect(plain.out).toMatch(/Governor 0x[0-9a-fA-F]{40}, timelock 0x[0-9a-fA-F]{40}/)
      expect(plain.out).not.toContain('DEV ADMIN')
      expect(JSON.parse(await readFile(join(dir, 'plain.json'), 'utf8'))).toMatchObject({ devAdmin: null })
      const dev = await run('chain', '--port', '0', '--accounts', '2', '--block-time', '0', '--deployment', 'dev.json', '--dev-admin')
      expect(dev.code, dev.err).toBe(0)
      const file = parseDeployment(JSON.parse(await readFile(join(dir, 'dev.json'), 'utf8')))
      expect(file.devAdmin).toBe(file.deployer)
      expect(dev.out).toContain(`DEV ADMIN KEY: account 0 (${file.deployer})`)
      expect(dev.err).toContain('DEV ADMIN KEY')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
