import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getAddress, keccak256, stringToBytes } from 'viem'
import { isDeaiError } from '../../src/errors/base.js'
import { trainingRoundsAbi } from '../../src/ledger/contracts/generated/TrainingRounds.js'
import { trainingSettlementAbi } from '../../src/ledger/contracts/generated/TrainingSettlement.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { parseDeployment } from '../../src/ledger/deploy/deployment.js'
import type { Deployment } from '../../src/ledger/deploy/deployment.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import type { Protocol } from '../../src/ledger/protocol.js'

let ledger: EmbeddedLedger
let deployment: Deployment
let protocol: Protocol

beforeAll(async () => {
  ledger = await createEmbeddedLedger({ accounts: 2 })
  deployment = await deployProtocol(ledger)
  protocol = await connectProtocol(ledger, deployment)
})

afterAll(async () => {
  await ledger.close()
})

describe('deployProtocol: training', () => {
  test('deploys the factory over a TrainingRounds implementation and its settlement module, all bound to this protocol', async () => {
    const read = ledger.client.readContract
    const factory = protocol.trainingFactory
    expect(factory.address).toBe(deployment.contracts.trainingFactory)
    const implementation = await read({ ...factory, functionName: 'implementation' })
    const settlement = await read({ address: implementation, abi: trainingRoundsAbi, functionName: 'settlement' })
    for (const [address, abi] of [[implementation, trainingRoundsAbi], [settlement, trainingSettlementAbi]] as const) {
      expect(getAddress(await read({ address, abi, functionName: 'stakes' }))).toBe(getAddress(deployment.contracts.stakeManager))
      expect(getAddress(await read({ address, abi, functionName: 'registry' }))).toBe(getAddress(deployment.contracts.taskRegistry))
      expect(getAddress(await read({ address, abi, functionName: 'token' }))).toBe(getAddress(deployment.contracts.token))
    }
    expect(getAddress(await read({ ...factory, functionName: 'registry' }))).toBe(getAddress(deployment.contracts.taskRegistry))
  })

  test('grants the factory exactly what it needs: STAGE_ROLE in TaskRegistry and REGISTRAR_ROLE in StakeManager', async () => {
    const who = deployment.contracts.trainingFactory
    const sm = protocol.stakeManager
    const tr = protocol.taskRegistry
    const stage = await ledger.client.readContract({ ...tr, functionName: 'STAGE_ROLE' })
    expect(await ledger.client.readContract({ ...tr, functionName: 'hasRole', args: [stage, who] })).toBe(true)
    const roles = await Promise.all((['REGISTRAR_ROLE', 'SLASHER_ROLE', 'REWARDER_ROLE'] as const).map((functionName) => ledger.client.readContract({ ...sm, functionName })))
    const held = await Promise.all(roles.map((role) => ledger.client.readContract({ ...sm, functionName: 'hasRole', args: [role, who] })))
    expect(held).toEqual([true, false, false])
  })

  test('the training role ids are the SDK\'s role ids', async () => {
    const implementation = await ledger.client.readContract({ ...protocol.trainingFactory, functionName: 'implementation' })
    const read = (functionName: 'TRAINER' | 'VALIDATOR' | 'AGGREGATOR') => ledger.client.readContract({ address: implementation, abi: trainingRoundsAbi, functionName })
    expect([await read('TRAINER'), await read('VALIDATOR'), await read('AGGREGATOR')]).toEqual([roleId('trainer'), roleId('validator'), roleId('aggregator')])
    expect(roleId('validator')).toBe(keccak256(stringToBytes('VALIDATOR')))
  })
})

describe('parseDeployment', () => {
  test('requires the training factory (a file written before it existed must be written again)', () => {
    const file = JSON.parse(JSON.stringify(deployment)) as { contracts: Record<string, string> }
    expect(parseDeployment(file).contracts.trainingFactory).toBe(getAddress(deployment.contracts.trainingFactory))
    delete file.contracts.trainingFactory
    let failure: unknown
    try {
      parseDeployment(file, 'old.json')
    } catch (error) {
      failure = error
    }
    expect(isDeaiError(failure, 'DEPLOYMENT_INVALID')).toBe(true)
  })
})
