import { describe, expect, test } from 'vitest'
import { getAddress, parseEther } from 'viem'
import { isDeaiError } from '../../src/errors/base.js'
import { parseProposalActions } from '../../src/ledger/actions/governance/parse-proposal-actions.js'
import { deployProtocol } from '../../src/ledger/deploy/deploy-protocol.js'
import { parseDeployment } from '../../src/ledger/deploy/deployment.js'
import { assertProtocolParams, DEFAULT_PROTOCOL_PARAMS, DEV_CHAIN_PARAMS, mergeProtocolParams, parseProtocolParams } from '../../src/ledger/deploy/protocol-params.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'

function failureOf(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

const A = getAddress('0x00000000000000000000000000000000000000a1')

/** A format 2 deployment record with distinct addresses. */
function record(): Record<string, unknown> {
  const names = ['token', 'stakeManager', 'taskRegistry', 'trainingFactory', 'dataRegistry', 'modelRegistry', 'inferenceLog', 'governor', 'timelock']
  const contracts = Object.fromEntries(names.map((name, i) => [name, getAddress(`0x${(i + 1).toString(16).padStart(40, '0')}`)]))
  return { version: 2, chainId: 31337, deployer: A, treasury: contracts['timelock'], devAdmin: null, blockNumber: '1', contracts }
}

describe('governance parameters', () => {
  test('have production defaults that outlast the unbonding delay, and short dev values', () => {
    const g = DEFAULT_PROTOCOL_PARAMS.governance
    expect(g).toEqual({ votingDelay: 86_400n, votingPeriod: 432_000n, proposalThreshold: parseEther('1000000'), quorumBps: 400, timelockDelay: 172_800n })
    expect(g.votingDelay + g.votingPeriod + g.timelockDelay).toBeGreaterThanOrEqual(DEFAULT_PROTOCOL_PARAMS.unbondingDelay)
    const dev = mergeProtocolParams(DEV_CHAIN_PARAMS)
    expect(dev.governance).toEqual({ votingDelay: 1n, votingPeriod: 60n, proposalThreshold: 0n, quorumBps: 400, timelockDelay: 30n })
    expect(() => assertProtocolParams(dev)).not.toThrow()
    expect(() => assertProtocolParams(DEFAULT_PROTOCOL_PARAMS)).not.toThrow()
  })

  test('are read from a params file like the others, and each is bounded', () => {
    expect(parseProtocolParams({ governance: { votingDelay: '0', votingPeriod: 3600, proposalThreshold: '5', quorumBps: 1, timelockDelay: 60 } })).toEqual({
      governance: { votingDelay: 0n, votingPeriod: 3600n, proposalThreshold: 5n, quorumBps: 1, timelockDelay: 60n },
    })
    expect(mergeProtocolParams({ governance: { quorumBps: 1000 } }).governance).toEqual({ ...DEFAULT_PROTOCOL_PARAMS.governance, quorumBps: 1000 })
    for (const bad of [{ votingPeriod: 0 }, { timelockDelay: 0 }, { quorumBps: 0 }, { quorumBps: 10_001 }, { votingDelay: 366 * 86_400 }, { votingPeriod: -1 }, { quorum: 4 }]) {
      const failure = failureOf(() => parseProtocolParams({ governance: bad }, 'params.json'))
      expect(isDeaiError(failure, 'PARAMS_INVALID'), JSON.stringify(bad)).toBe(true)
      expect(String(failure), JSON.stringify(bad)).toMatch(/params.json: governance[.:]/)
    }
  })

  test('someone must be able to propose, and a proposal may not execute before a staker who reacts to it can unbond: deployProtocol refuses before sending anything', async () => {
    const params = mergeProtocolParams({ unbondingDelay: 30n * 86_400n })
    const failure = failureOf(() => assertProtocolParams(params))
    expect(isDeaiError(failure, 'PARAMS_INVALID')).toBe(true)
    expect(String(failure)).toContain('make governance.votingDelay + governance.votingPeriod + governance.timelockDelay at least unbondingDelay')
    const small = failureOf(() => assertProtocolParams(mergeProtocolParams({ supply: parseEther('1000') })))
    expect(isDeaiError(small, 'PARAMS_INVALID')).toBe(true)
    expect(String(small)).toContain('nobody could propose')
    expect(() => assertProtocolParams(mergeProtocolParams({ supply: parseEther('1000'), governance: { proposalThreshold: parseEther('10') } }))).not.toThrow()
    const ledger = await createEmbeddedLedger({ accounts: 1 })
    try {
      await expect(deployProtocol(ledger, { params: { unbondingDelay: 30n * 86_400n } })).rejects.toMatchObject({ code: 'PARAMS_INVALID' })
      expect(await ledger.client.getBlockNumber()).toBe(0n)
    } finally {
      await ledger.close()
    }
  })
})

describe('deployment format 2', () => {
  test('records the governor, the timelock and the dev admin (or null), all required', () => {
    expect(parseDeployment(record())).toMatchObject({ version: 2, devAdmin: null })
    expect(parseDeployment({ ...record(), devAdmin: A.toLowerCase() }).devAdmin).toBe(A)
    for (const field of ['governor', 'timelock']) {
      const file = record() as { contracts: Record<string, string> }
      delete file.contracts[field]
      expect(isDeaiError(failureOf(() => parseDeployment(file, 'd.json')), 'DEPLOYMENT_INVALID'), field).toBe(true)
    }
    const { devAdmin: _, ...withoutDevAdmin } = record()
    expect(String(failureOf(() => parseDeployment(withoutDevAdmin, 'd.json')))).toContain('d.json: devAdmin:')
  })

  test('a format 1 file, written before governance, is refused with what to do', () => {
    const { devAdmin: _, ...old } = record()
    const failure = failureOf(() => parseDeployment({ ...old, version: 1 }, '.deai/deployment.json'))
    expect(isDeaiError(failure, 'DEPLOYMENT_INVALID')).toBe(true)
    expect(String(failure)).toContain('.deai/deployment.json: deployment format 1; this deai reads format 2')
    expect(String(failure)).toContain('administered by the deployer\'s key')
    expect(String(failure)).toContain('Fix: deploy again with `deai deploy --rpc URL` (or restart `deai chain`)')
    expect(String(failureOf(() => parseDeployment({ ...record(), version: 3 })))).toContain('Fix: upgrade deai to read it')
  })
})

describe('proposal actions from a file', () => {
  test('amounts are wei or "N DEAI", never a bare decimal', () => {
    expect(parseProposalActions([
      { kind: 'treasury-payment', to: A.toLowerCase(), amount: '2.5 DEAI' },
      { kind: 'set-min-stake', role: 'verifier', amount: 7 },
      { kind: 'set-task-rules', rules: { fee: '20 DEAI', committeeSize: 3 } },
      { kind: 'set-delays', operatorDelay: '3600' },
      { kind: 'grant-role', contract: 'timelock', role: 'PROPOSER_ROLE', account: A },
      { kind: 'pause', contract: 'trainingFactory' },
      { kind: 'call', target: A, data: '0x1234' },
    ])).toEqual([
      { kind: 'treasury-payment', to: A, amount: parseEther('2.5') },
      { kind: 'set-min-stake', role: 'verifier', amount: 7n },
      { kind: 'set-task-rules', rules: { fee: parseEther('20'), committeeSize: 3 } },
      { kind: 'set-delays', operatorDelay: 3600n },
      { kind: 'grant-role', contract: 'timelock', role: 'PROPOSER_ROLE', account: A },
      { kind: 'pause', contract: 'trainingFactory' },
      { kind: 'call', target: A, data: '0x1234' },
    ])
    const cases: [unknown, string][] = [
      [[], 'actions: give at least one action'],
      [[{ kind: 'treasury-payment', to: A, amount: '2.5' }], 'actions: 0.amount: must be wei'],
      [[{ kind: 'mint', amount: 1 }], 'actions: 0.kind:'],
      [[{ kind: 'pause', contract: 'taskRegistry' }], 'actions: 0.contract:'],
      [[{ kind: 'set-min-stake', role: 'verifier', amount: 1, extra: true }], 'actions: 0:'],
      [[{ kind: 'grant-role', contract: 'stakeManager', role: 'OWNER', account: A }], 'actions: 0.role:'],
      [[{ kind: 'set-task-rules', rules: { committeeSize: 33 } }], 'actions: 0.rules.committeeSize:'],
    ]
    for (const [value, message] of cases) {
      const failure = failureOf(() => parseProposalActions(value))
      expect(isDeaiError(failure, 'GOV_ACTION_INVALID'), message).toBe(true)
      expect(String(failure), message).toContain(message)
    }
  })
})
