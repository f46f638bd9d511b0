import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { toContractError } from '../../src/ledger/contracts/contract-errors.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { readDeployment } from '../../src/ledger/deploy/deployment.js'
import { DEV_CHAIN_PARAMS } from '../../src/ledger/deploy/protocol-params.js'
import { deriveDevKeys } from '../../src/ledger/dev-accounts.js'
import { createEdrProvider } from '../../src/ledger/embedded/edr-provider.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { createRpcLedger } from '../../src/ledger/rpc/create-rpc-ledger.js'
import { serveJsonRpc } from '../../src/ledger/server/serve-json-rpc.js'
import { expectDeaiError, expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

describe('ledger errors', () => {
  test('dev keys: a count that is not a whole number from 1 to 10,000 is refused', () => {
    expectDeaiErrorSync(() => deriveDevKeys(0), 'LEDGER_BAD_ACCOUNT_COUNT')
    expectDeaiErrorSync(() => deriveDevKeys(1.5), 'LEDGER_BAD_ACCOUNT_COUNT')
  })

  test('an unknown hardfork name is refused', async () => {
    await expectDeaiError(createEdrProvider({ hardfork: 'byzantium-plus', balances: new Map() }), 'LEDGER_BAD_HARDFORK')
  })

  test('an RPC URL that is not http(s) is refused before any request', async () => {
    await expectDeaiError(createRpcLedger({ url: 'ws://127.0.0.1:8545' }), 'LEDGER_BAD_RPC_URL')
    await expectDeaiError(createRpcLedger({ url: 'not a url' }), 'LEDGER_BAD_RPC_URL')
  })

  test('a wall-clock chain has no journal to replay', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1, time: 'wall' })
    await expectDeaiError(ledger.journal(), 'LEDGER_NOT_REPLAYABLE')
  })

  test('a failure that is not a contract revert is LEDGER_CALL_FAILED', () => {
    expect(toContractError(new Error('socket hang up'), 'stake').code).toBe('LEDGER_CALL_FAILED')
  })

  test('a missing deployment file is DEPLOYMENT_NOT_FOUND', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deai-deployment-'))
    try {
      await expectDeaiError(readDeployment(join(dir, 'deployment.json')), 'DEPLOYMENT_NOT_FOUND')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a deployment is refused on another chain, and on a chain without its contracts', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 2 })
    const deployment = await deployProtocol(ledger, { params: DEV_CHAIN_PARAMS })
    const other = await createEmbeddedLedger({ accounts: 1, chainId: 31338 })
    await expectDeaiError(connectProtocol(other, deployment), 'DEPLOYMENT_WRONG_CHAIN')
    const fresh = await createEmbeddedLedger({ accounts: 1 })
    await expectDeaiError(connectProtocol(fresh, deployment), 'DEPLOYMENT_NOT_ON_CHAIN')
  })

  test('deploying needs an account', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1 })
    await expectDeaiError(deployProtocol({ ...ledger, accounts: [] }), 'DEPLOY_NO_ACCOUNT')
  })

  test('deploying fails plainly when the deployer has no ether for gas', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1, balance: 0n })
    await expectDeaiError(deployProtocol(ledger, { params: DEV_CHAIN_PARAMS }), 'DEPLOY_FAILED')
  })

  test('the JSON-RPC server refuses a port another server holds', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1 })
    const first = await serveJsonRpc({ handle: ledger.provider.handle, port: 0 })
    try {
      const port = Number(new URL(first.url).port)
      await expectDeaiError(serveJsonRpc({ handle: ledger.provider.handle, port }), 'LEDGER_SERVER_LISTEN')
    } finally {
      await first.close()
    }
  })
})
