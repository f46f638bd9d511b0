import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getAddress, parseEther } from 'viem'
import { isDeaiError } from '../../src/errors/base.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { parseDeployment } from '../../src/ledger/deploy/deployment.js'
import type { Deployment } from '../../src/ledger/deploy/deployment.js'
import { DEFAULT_PROTOCOL_PARAMS, parseProtocolParams } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import type { Protocol } from '../../src/ledger/protocol.js'

let ledger: EmbeddedLedger
let deployment: Deployment
let protocol: Protocol

beforeAll(async () => {
  ledger = await createEmbeddedLedger({ accounts: 2 })
  deployment = await deployProtocol(ledger, { params: { minDataProviderStake: parseEther('25'), inferenceResultWindow: 600n } })
  protocol = await connectProtocol(ledger, deployment)
})

afterAll(async () => {
  await ledger.close()
})

function failureOf(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('deployProtocol: data, model and inference stages', () => {
  test('deploys DataRegistry, ModelRegistry and InferenceLog bound to this protocol, with the given parameters', async () => {
    const read = ledger.client.readContract
    const c = deployment.contracts
    expect([protocol.dataRegistry.address, protocol.modelRegistry.address, protocol.inferenceLog.address]).toEqual([c.dataRegistry, c.modelRegistry, c.inferenceLog])
    expect(getAddress(await read({ ...protocol.dataRegistry, functionName: 'registry' }))).toBe(getAddress(c.taskRegistry))
    expect(getAddress(await read({ ...protocol.dataRegistry, functionName: 'stakes' }))).toBe(getAddress(c.stakeManager))
    expect(await read({ ...protocol.dataRegistry, functionName: 'minProviderStake' })).toBe(parseEther('25'))
    expect(getAddress(await read({ ...protocol.modelRegistry, functionName: 'factory' }))).toBe(getAddress(c.trainingFactory))
    expect(getAddress(await read({ ...protocol.inferenceLog, functionName: 'models' }))).toBe(getAddress(c.modelRegistry))
    expect(getAddress(await read({ ...protocol.inferenceLog, functionName: 'stakes' }))).toBe(getAddress(c.stakeManager))
    expect(getAddress(await read({ ...protocol.inferenceLog, functionName: 'token' }))).toBe(getAddress(c.token))
    expect(await read({ ...protocol.inferenceLog, functionName: 'resultWindow' })).toBe(600n)
  })

  test('the stage contracts hold no role in StakeManager or TaskRegistry', async () => {
    const read = ledger.client.readContract
    const sm = protocol.stakeManager
    const roles = await Promise.all((['DEFAULT_ADMIN_ROLE', 'REGISTRAR_ROLE', 'SLASHER_ROLE', 'REWARDER_ROLE'] as const).map((functionName) => read({ ...sm, functionName })))
    const stage = await read({ ...protocol.taskRegistry, functionName: 'STAGE_ROLE' })
    for (const who of [deployment.contracts.dataRegistry, deployment.contracts.modelRegistry, deployment.contracts.inferenceLog]) {
      expect(await Promise.all(roles.map((role) => read({ ...sm, functionName: 'hasRole', args: [role, who] })))).toEqual([false, false, false, false])
      expect(await read({ ...protocol.taskRegistry, functionName: 'hasRole', args: [stage, who] })).toBe(false)
    }
  })

  test('the stage role ids are the SDK\'s role ids', async () => {
    expect(await ledger.client.readContract({ ...protocol.dataRegistry, functionName: 'DATA_PROVIDER' })).toBe(roleId('data-provider'))
    expect(await ledger.client.readContract({ ...protocol.inferenceLog, functionName: 'INFERENCE_PROVIDER' })).toBe(roleId('inference-provider'))
  })
})

describe('parseDeployment and parameters', () => {
  test('requires the three stage contracts (a file written before they existed must be written again)', () => {
    expect(parseDeployment(JSON.parse(JSON.stringify(deployment))).contracts.inferenceLog).toBe(getAddress(deployment.contracts.inferenceLog))
    for (const field of ['dataRegistry', 'modelRegistry', 'inferenceLog']) {
      const file = JSON.parse(JSON.stringify(deployment)) as { contracts: Record<string, string> }
      delete file.contracts[field]
      expect(isDeaiError(failureOf(() => parseDeployment(file, 'old.json')), 'DEPLOYMENT_INVALID'), field).toBe(true)
    }
  })

  test('the data-provider stake and the inference window have defaults and can be overridden from a file', () => {
    expect(DEFAULT_PROTOCOL_PARAMS.minDataProviderStake).toBe(parseEther('10'))
    expect(DEFAULT_PROTOCOL_PARAMS.inferenceResultWindow).toBe(3600n)
    expect(parseProtocolParams({ minDataProviderStake: '0', inferenceResultWindow: 60 })).toEqual({ minDataProviderStake: 0n, inferenceResultWindow: 60n })
    for (const window of [0, 30 * 24 * 3600 + 1]) {
      expect(isDeaiError(failureOf(() => parseProtocolParams({ inferenceResultWindow: window })), 'PARAMS_INVALID'), String(window)).toBe(true)
    }
  })
})
