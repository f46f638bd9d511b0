import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { maxUint256, parseEther, parseEventLogs, zeroAddress, zeroHash } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { createContentStore } from '../../src/content/create-content-store.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { isDeaiError } from '../../src/errors/base.js'
import { getInferenceRequest } from '../../src/ledger/actions/inference/get-inference-request.js'
import { INFERENCE_NO_CLASS, postInferenceResult } from '../../src/ledger/actions/inference/post-inference-result.js'
import { refundInference } from '../../src/ledger/actions/inference/refund-inference.js'
import { requestInference } from '../../src/ledger/actions/inference/request-inference.js'
import { buildLineage } from '../../src/ledger/actions/market/build-lineage.js'
import { publishModel } from '../../src/ledger/actions/market/publish-model.js'
import { inferenceLogAbi, inferenceLogBytecode } from '../../src/ledger/contracts/generated/InferenceLog.js'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { balanceOf } from '../helpers/balances.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { createRevertLog, simulateDeploy } from '../helpers/reverts.js'
import { cidOf, finishTraining, inferenceLogTestAbi, playRound, sdkTraining, startTraining } from '../helpers/stages-flow.js'
import type { TrainingActors } from '../helpers/stages-flow.js'
import { advancePast } from '../helpers/task-flow.js'
import { CODEC, digestOf, openTask, stakeVerifiers, trainingConfig } from '../helpers/training-flow.js'

/**
 * InferenceLog (simple form) against a model published after a real one-round training:
 * request, result and payment; operator keys; timeout and refund by anyone; a seeded money check
 * of the escrow; every custom error.
 */

const SEED = 4242
const log = createRevertLog()
const WINDOW = 3600n

let fx: ProtocolFixture
let store: ContentStore
let taskId: bigint
let requesters: PrivateKeyAccount[]
let providers: PrivateKeyAccount[]
let operator: PrivateKeyAccount
let outsider: PrivateKeyAccount

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 20, params: { tasks: { committeeSize: 3 }, operatorDelay: 60n, inferenceResultWindow: WINDOW } })
  store = await createContentStore({ kind: 'memory' })
  const verifiers = [2, 3, 4].map((i) => accountAt(fx, i))
  const actors: TrainingActors = {
    proposer: accountAt(fx, 1),
    trainers: [accountAt(fx, 5), accountAt(fx, 6)],
    validators: [accountAt(fx, 7), accountAt(fx, 8)],
    aggregator: accountAt(fx, 9),
  }
  requesters = [10, 11, 12].map((i) => accountAt(fx, i))
  providers = [13, 14].map((i) => accountAt(fx, i))
  operator = accountAt(fx, 15)
  outsider = accountAt(fx, 16)
  await stakeVerifiers(fx, verifiers)
  taskId = await openTask(fx, actors.proposer, verifiers, { label: 'inference' })
  const training = await startTraining(fx, taskId, actors, trainingConfig({ rounds: 1 }))
  await playRound(fx, training, actors, 1n, { updates: actors.trainers.map((trainer, i) => ({ trainer, label: `inference t${i}` })), scores: [8000, 8000] })
  await finishTraining(fx, training, actors, 1n)
  await publishModel(fx.protocol, actors.proposer, { taskId, lineage: await buildLineage(fx.protocol, sdkTraining(fx, taskId, training)), store })
})

afterAll(async () => {
  await store.close()
})

const inference = () => ({ address: fx.protocol.inferenceLog.address, abi: inferenceLogTestAbi })
const escrowed = () => fx.ledger.client.readContract({ ...inference(), functionName: 'escrowed' })

function request(key: PrivateKeyAccount, task: bigint, input: Hex, provider: Address, fee: bigint) {
  return writeContract(fx.ledger, key, { ...inference(), functionName: 'request', args: [task, input, CODEC.raw, provider, fee] })
}

function post(key: PrivateKeyAccount, requestId: bigint, result: Hex, outputClass = 0) {
  return writeContract(fx.ledger, key, { ...inference(), functionName: 'postResult', args: [requestId, result, CODEC.raw, outputClass] })
}

function refund(key: PrivateKeyAccount, requestId: bigint) {
  return writeContract(fx.ledger, key, { ...inference(), functionName: 'refund', args: [requestId] })
}

async function approve(key: PrivateKeyAccount): Promise<void> {
  await writeContract(fx.ledger, key, { ...fx.token, functionName: 'approve', args: [fx.protocol.inferenceLog.address, maxUint256] })
}

describe('InferenceLog: requests and results', () => {
  test('a request escrows the fee; the named provider\'s result is recorded and pays it', async () => {
    const [requester, provider] = [requesters[0]!, providers[0]!]
    const fee = parseEther('2')
    const before = { requester: await balanceOf(fx, requester.address), provider: await balanceOf(fx, provider.address) }
    const asked = await requestInference(fx.protocol, requester, { taskId, inputCid: cidOf('input 1'), provider: provider.address, fee })
    const { timestamp } = await fx.ledger.client.getBlock({ blockNumber: asked.receipt.blockNumber })
    expect(asked.deadline).toBe(timestamp + WINDOW)
    expect(await balanceOf(fx, requester.address)).toBe(before.requester - fee)
    expect(await balanceOf(fx, fx.protocol.inferenceLog.address)).toBe(fee)
    expect(await escrowed()).toBe(fee)
    expect(await getInferenceRequest(fx.protocol, asked.requestId)).toEqual({
      id: asked.requestId, taskId, requester: requester.address, provider: provider.address, inputCid: cidOf('input 1'), fee, deadline: asked.deadline, status: 'pending',
    })

    const receipt = await postInferenceResult(fx.protocol, provider, { requestId: asked.requestId, resultCid: cidOf('result 1'), outputClass: 7 })
    const [event] = parseEventLogs({ abi: inferenceLogAbi, eventName: 'InferenceAnswered', logs: receipt.logs })
    expect(event?.args).toEqual({ requestId: asked.requestId, provider: provider.address, resultDigest: digestOf('result 1'), resultCodec: CODEC.raw, outputClass: 7, fee })
    expect(await balanceOf(fx, provider.address)).toBe(before.provider + fee)
    expect(await balanceOf(fx, fx.protocol.inferenceLog.address)).toBe(0n)
    expect(await escrowed()).toBe(0n)
    expect(await getInferenceRequest(fx.protocol, asked.requestId)).toMatchObject({ status: 'answered', resultCid: cidOf('result 1'), outputClass: 7 })
    expect(asked.receipt.gasUsed).toBeLessThan(200_000n)
    expect(receipt.gasUsed).toBeLessThan(100_000n)
  })

  test('a provider\'s operator key answers for it, and the owner is paid; a result without class has none', async () => {
    const [requester, provider] = [requesters[1]!, providers[1]!]
    await writeContract(fx.ledger, provider, { ...fx.stakeManager, functionName: 'setOperator', args: [taskId, roleId('inference-provider'), operator.address] })
    await writeContract(fx.ledger, operator, { ...fx.stakeManager, functionName: 'acceptOperator', args: [taskId, roleId('inference-provider'), provider.address] })
    await fx.ledger.clock.advance(61n)
    const fee = parseEther('1')
    const before = await balanceOf(fx, provider.address)
    const { requestId } = await requestInference(fx.protocol, requester, { taskId, inputCid: cidOf('input 2'), provider: provider.address, fee })
    // The owner's own key no longer works for it in this pool.
    expect(await log.expectRevert(post(provider, requestId, digestOf('r')), 'NotProvider')).toEqual([zeroAddress, provider.address])
    await postInferenceResult(fx.protocol, operator, { requestId, resultCid: cidOf('result 2') })
    expect(await balanceOf(fx, provider.address)).toBe(before + fee)
    expect(await balanceOf(fx, operator.address)).toBe(parseEther('1000000'))
    const answered = await getInferenceRequest(fx.protocol, requestId)
    expect(answered.status).toBe('answered')
    expect(answered.outputClass).toBeUndefined()
    const stored = await fx.ledger.client.readContract({ ...inference(), functionName: 'getRequest', args: [requestId] })
    expect(stored.outputClass).toBe(INFERENCE_NO_CLASS)
  })

  test('an unanswered request is refunded after its deadline, by anyone, and then closed to results', async () => {
    const [requester, provider] = [requesters[2]!, providers[0]!]
    const fee = parseEther('3')
    const before = await balanceOf(fx, requester.address)
    const { requestId, deadline } = await requestInference(fx.protocol, requester, { taskId, inputCid: cidOf('input 3'), provider: provider.address, fee })
    expect(await log.expectRevert(refund(outsider, requestId), 'TooEarlyToRefund')).toEqual([deadline])
    await advancePast(fx, deadline)
    expect(await log.expectRevert(post(provider, requestId, digestOf('late')), 'ResultTooLate')).toEqual([deadline])
    const receipt = await refundInference(fx.protocol, outsider, requestId)
    const [event] = parseEventLogs({ abi: inferenceLogAbi, eventName: 'InferenceRefunded', logs: receipt.logs })
    expect(event?.args).toEqual({ requestId, requester: requester.address, fee })
    expect(await balanceOf(fx, requester.address)).toBe(before)
    expect(await escrowed()).toBe(0n)
    expect((await getInferenceRequest(fx.protocol, requestId)).status).toBe('refunded')
    expect(await log.expectRevert(refund(requester, requestId), 'NotPending')).toEqual([requestId, 3])
    await log.expectRevert(post(provider, requestId, digestOf('later')), 'NotPending')
    expect(receipt.gasUsed).toBeLessThan(60_000n)
  })
})

describe('InferenceLog: money', () => {
  test('seeded requests, answers and refunds: the contract holds exactly the pending fees and nothing is created or lost', async () => {
    const random = createPrng(SEED)
    const everyone = [...requesters, ...providers, operator]
    for (const r of requesters) await approve(r)
    const total = async () => {
      let sum = await balanceOf(fx, fx.protocol.inferenceLog.address)
      for (const a of everyone) sum += await balanceOf(fx, a.address)
      return sum
    }
    const start = await total()
    // Each provider answers with the key that works for it now (its operator, if it named one).
    const keys = new Map<Address, PrivateKeyAccount>()
    for (const p of providers) {
      const key = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'operatorOf', args: [taskId, roleId('inference-provider'), p.address] })
      keys.set(p.address, [...providers, operator].find((a) => a.address === key)!)
    }
    const answerKey = (provider: Address) => keys.get(provider)!
    const pending = new Map<bigint, { fee: bigint; provider: Address; deadline: bigint }>()
    let answered = 0
    let refunded = 0
    for (let step = 0; step < 40; step++) {
      const action = random.nextInt(4)
      const open = [...pending.keys()]
      if (action <= 1 || open.length === 0) {
        const provider = random.pick(providers).address
        const fee = random.nextBigInt(parseEther('5')) + 1n
        const receipt = await request(random.pick(requesters), taskId, digestOf(`money input ${step}`), provider, fee)
        const [event] = parseEventLogs({ abi: inferenceLogAbi, eventName: 'InferenceRequested', logs: receipt.logs })
        pending.set(event!.args.requestId, { fee, provider, deadline: event!.args.deadline })
      } else if (action === 2) {
        const id = random.pick(open)
        const r = pending.get(id)!
        if ((await fx.ledger.clock.now()) < r.deadline) {
          await post(answerKey(r.provider), id, digestOf(`money result ${step}`), random.nextInt(10))
          answered++
        } else {
          await refund(outsider, id)
          refunded++
        }
        pending.delete(id)
      } else {
        // Time passes: some requests expire and are refunded.
        await fx.ledger.clock.advance(BigInt(random.nextInt(Number(WINDOW) * 2)))
        const now = await fx.ledger.clock.now()
        for (const [id, r] of pending) {
          if (r.deadline < now) {
            await refund(outsider, id)
            pending.delete(id)
            refunded++
          }
        }
      }
      const owed = [...pending.values()].reduce((sum, r) => sum + r.fee, 0n)
      expect(await escrowed()).toBe(owed)
      expect(await balanceOf(fx, fx.protocol.inferenceLog.address)).toBe(owed)
      expect(await total()).toBe(start)
    }
    expect(answered).toBeGreaterThan(3)
    expect(refunded).toBeGreaterThan(3)
    // Whatever is still pending can always leave: refund it all after the window.
    await fx.ledger.clock.advance(WINDOW + 1n)
    for (const id of pending.keys()) await refund(outsider, id)
    expect(await balanceOf(fx, fx.protocol.inferenceLog.address)).toBe(0n)
    expect(await total()).toBe(start)
  })
})

describe('InferenceLog: errors', () => {
  test('the constructor rejects zero addresses and a window of zero or over 30 days', async () => {
    const { modelRegistry, stakeManager } = fx.protocol.deployment.contracts
    const deploy = (args: readonly unknown[]) => simulateDeploy(fx.ledger, fx.deployer, { abi: inferenceLogTestAbi, bytecode: inferenceLogBytecode, args })
    await log.expectRevert(deploy([zeroAddress, stakeManager, WINDOW]), 'ZeroAddress')
    await log.expectRevert(deploy([modelRegistry, zeroAddress, WINDOW]), 'ZeroAddress')
    expect(await log.expectRevert(deploy([modelRegistry, stakeManager, 0n]), 'InvalidWindow')).toEqual([0n, 30n * 24n * 3600n])
    await log.expectRevert(deploy([modelRegistry, stakeManager, 30n * 24n * 3600n + 1n]), 'InvalidWindow')
    await deploy([modelRegistry, stakeManager, 30n * 24n * 3600n])
  })

  test('request needs a provider, an input digest, a fee and a published model', async () => {
    const requester = requesters[0]!
    await approve(requester)
    await log.expectRevert(request(requester, taskId, digestOf('i'), zeroAddress, 1n), 'ZeroAddress')
    await log.expectRevert(request(requester, taskId, zeroHash, providers[0]!.address, 1n), 'ZeroDigest')
    await log.expectRevert(request(requester, taskId, digestOf('i'), providers[0]!.address, 0n), 'ZeroFee')
    // The books hold at most 2^128 - 1 wei, far above DEAI's supply; a larger fee is refused before any transfer.
    expect(await log.expectRevert(request(requester, taskId, digestOf('i'), providers[0]!.address, 2n ** 128n), 'FeeTooLarge')).toEqual([2n ** 128n])
    expect(await log.expectRevert(request(requester, 999n, digestOf('i'), providers[0]!.address, 1n), 'ModelNotPublished')).toEqual([999n])
  })

  test('postResult needs a known pending request, a result digest and the named provider', async () => {
    const { requestId } = await requestInference(fx.protocol, requesters[0]!, { taskId, inputCid: cidOf('errors'), provider: providers[0]!.address, fee: 1n })
    expect(await log.expectRevert(post(providers[0]!, 10_000n, digestOf('r')), 'UnknownRequest')).toEqual([10_000n])
    await log.expectRevert(refund(outsider, 0n), 'UnknownRequest')
    await log.expectRevert(post(providers[0]!, requestId, zeroHash), 'ZeroDigest')
    expect(await log.expectRevert(post(outsider, requestId, digestOf('r')), 'NotProvider')).toEqual([outsider.address, providers[0]!.address])
    await post(providers[0]!, requestId, digestOf('r'))
    expect(await log.expectRevert(post(providers[0]!, requestId, digestOf('r')), 'NotPending')).toEqual([requestId, 2])
    let failure: unknown
    try {
      await getInferenceRequest(fx.protocol, 10_000n)
    } catch (error) {
      failure = error
    }
    expect(isDeaiError(failure, 'INFERENCE_REQUEST_NOT_FOUND')).toBe(true)
  })
})

test('checklist: every InferenceLog error has a test', () => {
  assertErrorChecklist(inferenceLogAbi, log, {
    covered: {
      ZeroAddress: 'request needs a provider, an input digest, a fee and a published model',
      InvalidWindow: 'the constructor rejects zero addresses and a window of zero or over 30 days',
      ZeroDigest: 'request needs a provider, an input digest, a fee and a published model',
      ZeroFee: 'request needs a provider, an input digest, a fee and a published model',
      FeeTooLarge: 'request needs a provider, an input digest, a fee and a published model',
      ModelNotPublished: 'request needs a provider, an input digest, a fee and a published model',
      UnknownRequest: 'postResult needs a known pending request, a result digest and the named provider',
      NotProvider: 'postResult needs a known pending request, a result digest and the named provider',
      NotPending: 'postResult needs a known pending request, a result digest and the named provider',
      ResultTooLate: 'an unanswered request is refunded after its deadline, by anyone, and then closed to results',
      TooEarlyToRefund: 'an unanswered request is refunded after its deadline, by anyone, and then closed to results',
    },
    unreachable: {
      SafeERC20FailedOperation: 'InferenceLog moves only the protocol token (DEAI), which reverts on failure and never returns false',
    },
  })
})
