import type { Address, PrivateKeyAccount } from 'viem'
import { deaiTokenAbi } from '../../src/ledger/contracts/generated/DeaiToken.js'
import { stakeManagerAbi } from '../../src/ledger/contracts/generated/StakeManager.js'
import { taskRegistryAbi } from '../../src/ledger/contracts/generated/TaskRegistry.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import type { DeployProtocolInit } from '../../src/ledger/deploy/deploy-protocol.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import type { Protocol } from '../../src/ledger/protocol.js'

type TokenError = Extract<(typeof deaiTokenAbi)[number], { type: 'error' }>

/** The token's errors: StakeManager and TaskRegistry bubble them up from transfers. */
export const tokenErrorsAbi = deaiTokenAbi.filter((item): item is TokenError => item.type === 'error')

/** StakeManager's ABI plus the token errors it can bubble up, so reverts decode by name. */
export const stakeManagerTestAbi = [...stakeManagerAbi, ...tokenErrorsAbi]
/** TaskRegistry's ABI plus the token errors it can bubble up. */
export const taskRegistryTestAbi = [...taskRegistryAbi, ...tokenErrorsAbi]

export type ProtocolFixtureInit = {
  /** Dev accounts. @default 10 */
  accounts?: number
  /** Protocol parameter overrides. */
  params?: DeployProtocolInit['params']
  /** Accounts (by index) that receive DEAI; the deployer holds the rest. @default all */
  funded?: readonly number[]
  /** DEAI per funded account. @default 1,000,000 DEAI */
  fundAmount?: bigint
  /**
   * The deployer keeps the admin and pauser roles beside the timelock (`deployProtocol`'s dev
   * option), for tests that call setParams, pause or grantRole directly. @default false: the
   * timelock alone administers, as after `deai deploy`.
   */
  devAdmin?: boolean
}

/** A fresh embedded chain with the protocol deployed, and the contracts with test ABIs. */
export type ProtocolFixture = {
  ledger: EmbeddedLedger
  protocol: Protocol
  /** Holds the supply; with `devAdmin`, also the admin and pauser roles. */
  deployer: PrivateKeyAccount
  /** The timelock. */
  treasury: Address
  accounts: readonly PrivateKeyAccount[]
  token: { address: Address; abi: typeof deaiTokenAbi }
  stakeManager: { address: Address; abi: typeof stakeManagerTestAbi }
  taskRegistry: { address: Address; abi: typeof taskRegistryTestAbi }
}

/**
 * Starts an embedded chain, deploys the protocol and funds accounts with DEAI.
 *
 * @example
 * ```ts
 * const fx = await createProtocolFixture({ params: { tasks: { committeeSize: 3 } } })
 * ```
 */
export async function createProtocolFixture(init: ProtocolFixtureInit = {}): Promise<ProtocolFixture> {
  const ledger = await createEmbeddedLedger({ accounts: init.accounts ?? 10 })
  const deployer = ledger.accounts[0]
  if (deployer === undefined) throw new RangeError('the fixture needs at least one account')
  const funded = init.funded ?? ledger.accounts.map((_, i) => i)
  const deployment = await deployProtocol(ledger, {
    ...(init.params === undefined ? {} : { params: init.params }),
    fund: funded.flatMap((i) => ledger.accounts[i]?.address ?? []),
    ...(init.fundAmount === undefined ? {} : { fundAmount: init.fundAmount }),
    ...(init.devAdmin === true ? { devAdmin: true } : {}),
  })
  const protocol = await connectProtocol(ledger, deployment)
  return {
    ledger,
    protocol,
    deployer,
    treasury: deployment.treasury,
    accounts: ledger.accounts,
    token: protocol.token,
    stakeManager: { address: deployment.contracts.stakeManager, abi: stakeManagerTestAbi },
    taskRegistry: { address: deployment.contracts.taskRegistry, abi: taskRegistryTestAbi },
  }
}

/** The account at `index`, or a clear failure when the fixture has fewer. */
export function accountAt(fx: { accounts: readonly PrivateKeyAccount[] }, index: number): PrivateKeyAccount {
  const account = fx.accounts[index]
  if (account === undefined) throw new RangeError(`the fixture has no account ${index}`)
  return account
}
