import { encodeAbiParameters, keccak256 } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

function send(training: Training, key: PrivateKeyAccount, functionName: string, args: readonly unknown[], label: string): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, key, { address: training.address, abi: training.abi, functionName, args, label } as never, {
    gasMeter: training.protocol.gasMeter,
  })
}

/** The round's current opening (1, plus one per reopening after a cancelled opening). */
async function attemptOf(training: Training, round: bigint): Promise<number> {
  const info = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'roundInfo', args: [round] })
  return info.attempt
}

/**
 * A salt only `key` can recompute, bound to the chain, the training, the round's opening and
 * the purpose, so a salt revealed in one opening is worthless in the next.
 */
async function salt(training: Training, key: PrivateKeyAccount, purpose: 'score' | 'update', round: bigint, attempt: number): Promise<Hex> {
  const message = `deai ${purpose} salt\nchain ${training.protocol.ledger.chain.id}\ntraining ${training.address.toLowerCase()}\nround ${round}\nattempt ${attempt}`
  return keccak256(await key.signMessage({ message }))
}

/** What a trainer commits to and later reveals. */
export type UpdateReveal = { round: bigint; updateCid: string; examples: number }

/**
 * keccak256(abi.encode(training, round, attempt, trainerOwner, digest, codec, examples, salt)),
 * as the contract checks it.
 */
export function updateCommitment(training: Address, round: bigint, attempt: number, owner: Address, updateCid: string, examples: number, saltValue: Hex): Hex {
  const { digest, codec } = toOnChainDigest(updateCid)
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'bytes32' }, { type: 'uint8' }, { type: 'uint32' }, { type: 'bytes32' }],
    [training, round, attempt, owner, digest, codec, examples, saltValue],
  ))
}

/** A trainer's update salt for the round's current opening (only its key can recompute it). */
export async function updateSalt(training: Training, key: PrivateKeyAccount, round: bigint): Promise<Hex> {
  return salt(training, key, 'update', round, await attemptOf(training, round))
}

/** The commitment `commitUpdate` sends for `update` in the round's current opening. */
export async function prepareUpdateCommitment(training: Training, key: PrivateKeyAccount, owner: Address, update: UpdateReveal): Promise<Hex> {
  const attempt = await attemptOf(training, update.round)
  return updateCommitment(training.address, update.round, attempt, owner, update.updateCid, update.examples, await salt(training, key, 'update', update.round, attempt))
}

/** Sends an update commitment as given (a trainer's operator key, during the training phase). */
export function sendUpdateCommitment(training: Training, key: PrivateKeyAccount, round: bigint, commitment: Hex): Promise<TransactionReceipt> {
  return send(training, key, 'commitUpdate', [round, commitment], 'commitUpdate')
}

/** Sends an update reveal as given (after the training phase). */
export function sendUpdateReveal(training: Training, key: PrivateKeyAccount, update: UpdateReveal, saltValue: Hex): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(update.updateCid)
  return send(training, key, 'revealUpdate', [update.round, digest, codec, update.examples, saltValue], 'revealUpdate')
}

/**
 * A trainer's operator key commits to its update (by CID) for `round` during the training
 * phase; nothing about the update is visible until `revealUpdate`.
 */
export async function commitUpdate(training: Training, key: PrivateKeyAccount, owner: Address, update: UpdateReveal): Promise<TransactionReceipt> {
  return sendUpdateCommitment(training, key, update.round, await prepareUpdateCommitment(training, key, owner, update))
}

/** Reveals the update committed with `commitUpdate`, after the training phase. */
export async function revealUpdate(training: Training, key: PrivateKeyAccount, update: UpdateReveal): Promise<TransactionReceipt> {
  return sendUpdateReveal(training, key, update, await updateSalt(training, key, update.round))
}

/** keccak256(abi.encode(training, round, attempt, validatorOwner, scores, salt)), as the contract checks it. */
export function scoresCommitment(training: Address, round: bigint, attempt: number, owner: Address, scores: readonly number[], saltValue: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'uint16[]' }, { type: 'bytes32' }],
    [training, round, attempt, owner, scores, saltValue],
  ))
}

/** A validator's operator key commits its scores (one per update commitment, in order). */
export async function commitScores(training: Training, key: PrivateKeyAccount, owner: Address, round: bigint, scores: readonly number[]): Promise<TransactionReceipt> {
  const attempt = await attemptOf(training, round)
  const commitment = scoresCommitment(training.address, round, attempt, owner, scores, await salt(training, key, 'score', round, attempt))
  return send(training, key, 'commitScores', [round, commitment], 'commitScores')
}

/** Reveals the scores committed with `commitScores`. */
export async function revealScores(training: Training, key: PrivateKeyAccount, round: bigint, scores: readonly number[]): Promise<TransactionReceipt> {
  const attempt = await attemptOf(training, round)
  return send(training, key, 'revealScores', [round, scores, await salt(training, key, 'score', round, attempt)], 'revealScores')
}

/** Settles `round` from what the contract stored. Anyone may send it. */
export function settleRound(training: Training, key: PrivateKeyAccount, round: bigint): Promise<TransactionReceipt> {
  return send(training, key, 'settle', [round], 'settle')
}

/** A staked aggregator posts the next global model (by CID) for settled `round`. */
export function postModel(training: Training, key: PrivateKeyAccount, round: bigint, modelCid: string): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(modelCid)
  return send(training, key, 'postModel', [round, digest, codec], 'postModel')
}

/** A staked validator disputes the model posted for `round`. */
export function disputeModel(training: Training, key: PrivateKeyAccount, round: bigint): Promise<TransactionReceipt> {
  return send(training, key, 'disputeModel', [round], 'disputeModel')
}

/** A staked validator votes on a model dispute. */
export function voteDispute(training: Training, key: PrivateKeyAccount, round: bigint, modelIsWrong: boolean): Promise<TransactionReceipt> {
  return send(training, key, 'voteDispute', [round, modelIsWrong], 'voteDispute')
}

/** Ends a dispute after its vote window. */
export function resolveDispute(training: Training, key: PrivateKeyAccount, round: bigint): Promise<TransactionReceipt> {
  return send(training, key, 'resolveDispute', [round], 'resolveDispute')
}

/** Returns what is left of the training budget to the proposer once training is over. */
export function finishTraining(training: Training, key: PrivateKeyAccount): Promise<TransactionReceipt> {
  return send(training, key, 'finish', [], 'finish')
}
