import { sendByName } from '../helpers/call-by-name.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encodeDeployData, encodeFunctionData, encodeFunctionResult, keccak256, parseEther, parseEventLogs } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { yumaSettlementAbi, yumaSettlementBytecode } from '../../src/ledger/contracts/generated/YumaSettlement.js'
import { fromYumaOutput, yumaClaimStruct, yumaEpochArgs } from '../../src/ledger/contracts/yuma-epoch-args.js'
import type { YumaClaimStruct } from '../../src/ledger/contracts/yuma-epoch-args.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import type { EmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { TRANSACTION_GAS_CAP } from '../../src/ledger/embedded/edr-provider.js'
import { type YumaDenseClaim, yumaDenseClaim } from '../../src/mechanisms/consensus/yuma/dense-claim.js'
import { type YumaDenseInput, type YumaDenseParams, yumaDenseEpoch } from '../../src/mechanisms/consensus/yuma/dense-epoch.js'
import { assertErrorChecklist } from '../helpers/error-checklist.js'
import { createPrng } from '../helpers/prng.js'
import type { Prng } from '../helpers/prng.js'
import { createRevertLog } from '../helpers/reverts.js'
import { compileYumaMock, deployWith, randomYumaCase } from '../helpers/yuma-onchain.js'

const SEED = 20_260_702
const PERIOD = 3_600n
const BOND = parseEther('1')

const log = createRevertLog()
let ledger: EmbeddedLedger
let proposer: PrivateKeyAccount
let challenger: PrivateKeyAccount
let settlement: Address

beforeAll(async () => {
  ledger = await createEmbeddedLedger({ accounts: 3 })
  proposer = ledger.accounts[0] as PrivateKeyAccount
  challenger = ledger.accounts[1] as PrivateKeyAccount
  const deploy = encodeDeployData({ abi: yumaSettlementAbi, bytecode: yumaSettlementBytecode, args: [PERIOD, BOND] })
  settlement = await deployWith(ledger.client, ledger.wallet(proposer), { abi: [], bytecode: deploy })
})

afterAll(async () => {
  await ledger.close()
})

/** One epoch as the settlement contract takes it. */
type Round = { input: YumaDenseInput; params: YumaDenseParams; claim: YumaClaimStruct }

function honestRound(input: YumaDenseInput, params: YumaDenseParams): Round {
  return { input, params, claim: yumaClaimStruct(yumaDenseClaim(input, params)) }
}

function argsOf(round: Round) {
  const [params, input] = yumaEpochArgs(round.input, round.params)
  return [params, input, round.claim] as const
}

async function mined(hash: Hex): Promise<TransactionReceipt> {
  const receipt = await ledger.client.waitForTransactionReceipt({ hash })
  expect(receipt.status).toBe('success')
  return receipt
}

/** Proposes a round with a bond; returns its id and the receipt. */
async function propose(round: Round, value = BOND): Promise<{ id: bigint; receipt: TransactionReceipt }> {
  const hash = await ledger.wallet(proposer).writeContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'propose', args: argsOf(round), value })
  const receipt = await mined(hash)
  const [event] = parseEventLogs({ abi: yumaSettlementAbi, eventName: 'Proposed', logs: receipt.logs })
  if (event === undefined) throw new Error('no Proposed event')
  return { id: event.args.id, receipt }
}

type Check = { kind: 'column' | 'row'; index: number }

/** A challenge as an eth_call (to see it revert) ... */
function simulateChallenge(id: bigint, round: Round, check: Check) {
  const functionName = check.kind === 'column' ? 'challengeColumn' : 'challengeRow'
  return ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName, args: [id, ...argsOf(round), BigInt(check.index)], account: challenger })
}

/** ... or as a transaction. */
async function challenge(id: bigint, round: Round, check: Check): Promise<TransactionReceipt> {
  const functionName = check.kind === 'column' ? 'challengeColumn' : 'challengeRow'
  const hash = await ledger.wallet(challenger).writeContract({ address: settlement, abi: yumaSettlementAbi, functionName, args: [id, ...argsOf(round), BigInt(check.index)] })
  return mined(hash)
}

async function status(id: bigint): Promise<number> {
  return (await ledger.client.readContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'proposal', args: [id] })).status
}

const PENDING = 1
const REFUTED = 2
const SETTLED = 3

type Field = 'consensus' | 'ranks' | 'bondSums' | 'deltaSums' | 'emaSums' | 'bonds' | 'trust' | 'dividends'

/** The claim with one value changed, and the challenge that must refute it. */
function tamper(random: Prng, claim: YumaDenseClaim): { claim: YumaDenseClaim; check: Check; field: Field } {
  const v = claim.trust.length
  const m = claim.consensus.length
  const field = random.pick<Field>(['consensus', 'ranks', 'bondSums', 'deltaSums', 'emaSums', 'bonds', 'trust', 'dividends'])
  const bump = (x: number) => (random.nextFloat() < 0.5 || x === 0 ? x + 1 + random.nextInt(1_000) : x - 1)
  const copy: { -readonly [K in keyof YumaDenseClaim]: YumaDenseClaim[K] } = { ...claim }
  if (field === 'bonds') {
    const i = random.nextInt(v)
    const j = random.nextInt(m)
    copy.bonds = claim.bonds.map((row, r) => (r === i ? row.map((x, c) => (c === j ? (x + 1 + random.nextInt(100)) % 65_536 : x)) : row))
    return { claim: copy, check: { kind: 'column', index: j }, field }
  }
  if (field === 'trust' || field === 'dividends') {
    const i = random.nextInt(v)
    copy[field] = claim[field].map((x, r) => (r === i ? bump(x) : x))
    return { claim: copy, check: { kind: 'row', index: i }, field }
  }
  const j = random.nextInt(m)
  copy[field] = claim[field].map((x, c) => (c === j ? bump(x) : x))
  return { claim: copy, check: { kind: 'column', index: j }, field }
}

describe('YumaSettlement: optimistic settlement with column and row challenges', () => {
  test('an honest claim survives every column and row challenge and settles to the epoch outputs', async () => {
    const random = createPrng(SEED)
    for (let k = 0; k < 10; k++) {
      const { input, params } = randomYumaCase(random, { validators: 1 + random.nextInt(6), miners: 1 + random.nextInt(10) })
      const round = honestRound(input, params)
      const { id } = await propose(round)
      for (let j = 0; j < (input.weights[0]?.length ?? 0); j++) await log.expectRevert(simulateChallenge(id, round, { kind: 'column', index: j }), 'ClaimUpheld')
      for (let i = 0; i < input.stakes.length; i++) await log.expectRevert(simulateChallenge(id, round, { kind: 'row', index: i }), 'ClaimUpheld')

      await ledger.clock.advance(PERIOD + 1n)
      const { result } = await ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)], account: challenger })
      const { epoch: _epoch, ...want } = yumaDenseEpoch(input, params)
      expect(fromYumaOutput(result), `case ${k}`).toEqual(want)

      const before = await ledger.client.getBalance({ address: proposer.address })
      // Anyone may settle; the bond goes back to the proposer.
      const receipt = await mined(await ledger.wallet(challenger).writeContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)] }))
      expect(await ledger.client.getBalance({ address: proposer.address })).toBe(before + BOND)
      const [settled] = parseEventLogs({ abi: yumaSettlementAbi, eventName: 'Settled', logs: receipt.logs })
      const encoded = encodeFunctionResult({ abi: yumaSettlementAbi, functionName: 'settle', result })
      expect(settled?.args.outputHash).toBe(keccak256(encoded))
      expect(await status(id)).toBe(SETTLED)
    }
  })

  test('any single wrong value is refuted by the challenge of its column or row, which takes the bond', async () => {
    const random = createPrng(SEED + 1)
    const refuted = new Set<Field>()
    for (let k = 0; k < 40; k++) {
      const { input, params } = randomYumaCase(random, { validators: 1 + random.nextInt(6), miners: 1 + random.nextInt(10) })
      const wrong = tamper(random, yumaDenseClaim(input, params))
      const round = { input, params, claim: yumaClaimStruct(wrong.claim) }
      const { id } = await propose(round)
      const before = await ledger.client.getBalance({ address: challenger.address })
      const receipt = await challenge(id, round, wrong.check)
      const fee = receipt.gasUsed * receipt.effectiveGasPrice
      expect(await ledger.client.getBalance({ address: challenger.address }), `case ${k}: ${wrong.field}`).toBe(before + BOND - fee)
      const [event] = parseEventLogs({ abi: yumaSettlementAbi, eventName: 'Refuted', logs: receipt.logs })
      expect(event?.args).toMatchObject({ id, challenger: challenger.address, column: wrong.check.kind === 'column', index: BigInt(wrong.check.index) })
      expect(await status(id)).toBe(REFUTED)
      refuted.add(wrong.field)
    }
    expect(refuted.size).toBe(8)
  })

  test('at 64 × 256 proposing, each challenge and settling fit one transaction; the settled outputs are the epoch', async () => {
    const random = createPrng(SEED + 2)
    for (const shape of [{ liquidAlpha: false }, { liquidAlpha: true }]) {
      const { input, params } = randomYumaCase(random, { validators: 64, miners: 256, ...shape })
      const honest = honestRound(input, params)
      const { id, receipt: proposed } = await propose(honest)
      expect(proposed.gasUsed).toBeLessThan(TRANSACTION_GAS_CAP)
      // An eth_call has the same cap as a transaction: the recomputation completes within it.
      await log.expectRevert(simulateChallenge(id, honest, { kind: 'column', index: 255 }), 'ClaimUpheld')
      await log.expectRevert(simulateChallenge(id, honest, { kind: 'row', index: 63 }), 'ClaimUpheld')

      const claim = yumaDenseClaim(input, params)
      for (const [field, check] of [['consensus', { kind: 'column', index: 200 }], ['dividends', { kind: 'row', index: 10 }]] as const) {
        const wrong = { ...claim, [field]: claim[field].map((x, k) => (k === check.index ? x + 1 : x)) }
        const round = { input, params, claim: yumaClaimStruct(wrong) }
        const { id: wrongId } = await propose(round)
        const receipt = await challenge(wrongId, round, check)
        expect(receipt.gasUsed).toBeLessThan(TRANSACTION_GAS_CAP)
        expect(await status(wrongId)).toBe(REFUTED)
      }

      await ledger.clock.advance(PERIOD + 1n)
      const { result } = await ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(honest)], account: proposer })
      const { epoch: _epoch, ...want } = yumaDenseEpoch(input, params)
      expect(fromYumaOutput(result)).toEqual(want)
      const settled = await mined(await ledger.wallet(proposer).writeContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(honest)] }))
      expect(settled.gasUsed).toBeLessThan(TRANSACTION_GAS_CAP)
    }
  })

  test('guards: bond, claim shape, data, index, timing and status', async () => {
    const random = createPrng(SEED + 3)
    const { input, params } = randomYumaCase(random, { validators: 3, miners: 4 })
    const round = honestRound(input, params)
    const simulatePropose = (r: Round, value = BOND) =>
      ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'propose', args: argsOf(r), value, account: proposer })
    await log.expectRevert(simulatePropose(round, BOND - 1n), 'BondTooSmall')
    await log.expectRevert(simulatePropose({ ...round, claim: { ...round.claim, trust: round.claim.trust.slice(1) } }), 'YumaClaimShapeInvalid')
    await log.expectRevert(simulatePropose({ ...round, claim: { ...round.claim, bonds: '0x' } }), 'YumaClaimShapeInvalid')
    await log.expectRevert(simulatePropose({ ...round, input: { ...input, permits: input.permits.slice(1) } }), 'YumaShapeInvalid')
    await log.expectRevert(simulatePropose({ ...round, params: { ...params, bondsMovingAverage: 1_000_001n } }), 'YumaMovingAverageTooLarge')

    const { id } = await propose(round)
    const other = { ...round, input: { ...input, emission: input.emission + 1n } }
    await log.expectRevert(simulateChallenge(id, other, { kind: 'column', index: 0 }), 'DataMismatch')
    await log.expectRevert(simulateChallenge(id, { ...round, claim: { ...round.claim, emaSums: round.claim.emaSums.map((x) => x + 1n) } }, { kind: 'row', index: 0 }), 'DataMismatch')
    await log.expectRevert(simulateChallenge(id, round, { kind: 'column', index: 4 }), 'YumaIndexOutOfRange')
    await log.expectRevert(simulateChallenge(id, round, { kind: 'row', index: 3 }), 'YumaIndexOutOfRange')
    await log.expectRevert(ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)], account: proposer }), 'ChallengePeriodNotOver')
    await log.expectRevert(simulateChallenge(99n, round, { kind: 'column', index: 0 }), 'NotPending')
    expect(await status(id)).toBe(PENDING)

    await ledger.clock.advance(PERIOD + 1n)
    await log.expectRevert(simulateChallenge(id, round, { kind: 'column', index: 0 }), 'ChallengePeriodOver')
    await mined(await ledger.wallet(proposer).writeContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)] }))
    await log.expectRevert(ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)], account: proposer }), 'NotPending')
  })

  test('a proposer that refuses ether cannot settle: the bond transfer fails', async () => {
    const refuser = await deployWith(ledger.client, ledger.wallet(proposer), await compileYumaMock('EtherRefuser'))
    const refuserAbi = (await compileYumaMock('EtherRefuser')).abi
    const { input, params } = randomYumaCase(createPrng(SEED + 4), { validators: 2, miners: 3 })
    const round = honestRound(input, params)
    const data = encodeFunctionData({ abi: yumaSettlementAbi, functionName: 'propose', args: argsOf(round) })
    await mined(await sendByName(ledger, proposer, { address: refuser, abi: refuserAbi }, 'forward', [settlement, data], { value: BOND }))
    const id = await ledger.client.readContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'proposalCount' })
    await ledger.clock.advance(PERIOD + 1n)
    await log.expectRevert(ledger.client.simulateContract({ address: settlement, abi: yumaSettlementAbi, functionName: 'settle', args: [id, ...argsOf(round)], account: challenger }), 'TransferFailed')
  })

  test('every error of YumaSettlement is raised by a test here', () => {
    assertErrorChecklist(yumaSettlementAbi, log, {
      covered: {
        BondTooSmall: 'guards: bond, claim shape, data, index, timing and status',
        YumaClaimShapeInvalid: 'guards: bond, claim shape, data, index, timing and status',
        YumaShapeInvalid: 'guards: bond, claim shape, data, index, timing and status',
        YumaMovingAverageTooLarge: 'guards: bond, claim shape, data, index, timing and status',
        DataMismatch: 'guards: bond, claim shape, data, index, timing and status',
        YumaIndexOutOfRange: 'guards: bond, claim shape, data, index, timing and status',
        ChallengePeriodNotOver: 'guards: bond, claim shape, data, index, timing and status',
        ChallengePeriodOver: 'guards: bond, claim shape, data, index, timing and status',
        NotPending: 'guards: bond, claim shape, data, index, timing and status',
        ClaimUpheld: 'an honest claim survives every column and row challenge and settles to the epoch outputs',
        TransferFailed: 'a proposer that refuses ether cannot settle: the bond transfer fails',
      },
    })
  })
})
