import { encodeAbiParameters, keccak256 } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'
import type { Submission } from './read-training.js'

function send(training: Training, key: PrivateKeyAccount, functionName: string, args: readonly unknown[], label: string): Promise<TransactionReceipt> {
  return writeContract(training.protocol.ledger, key, { address: training.address, abi: training.abi, functionName, args, label } as never, {
    gasMeter: training.protocol.gasMeter,
  })
}

/** A trainer's operator key submits its update (by CID) for `round`. */
export function submitUpdate(training: Training, key: PrivateKeyAccount, round: bigint, updateCid: string, examples: number): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(updateCid)
  return send(training, key, 'submitUpdate', [round, digest, codec, examples], 'submitUpdate')
}

/** A validator's score salt, recomputable by the same key at reveal time. */
export async function scoreSalt(training: Training, key: PrivateKeyAccount, round: bigint): Promise<Hex> {
  const message = `deai score salt\nchain ${training.protocol.ledger.chain.id}\ntraining ${training.address.toLowerCase()}\nround ${round}`
  return keccak256(await key.signMessage({ message }))
}

/** keccak256(abi.encode(round, validatorOwner, scores, salt)), as the contract checks it. */
export function scoresCommitment(round: bigint, owner: Address, scores: readonly number[], salt: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }, { type: 'uint16[]' }, { type: 'bytes32' }], [round, owner, scores, salt]))
}

/** A validator's operator key commits its scores (one per submission, in order). */
export async function commitScores(training: Training, key: PrivateKeyAccount, owner: Address, round: bigint, scores: readonly number[]): Promise<TransactionReceipt> {
  const salt = await scoreSalt(training, key, round)
  return send(training, key, 'commitScores', [round, scoresCommitment(round, owner, scores, salt)], 'commitScores')
}

/** Reveals the scores committed with `commitScores`. */
export async function revealScores(training: Training, key: PrivateKeyAccount, round: bigint, scores: readonly number[]): Promise<TransactionReceipt> {
  return send(training, key, 'revealScores', [round, scores, await scoreSalt(training, key, round)], 'revealScores')
}

/** Settles `round` with its submissions as the events listed them. Anyone may send it. */
export function settleRound(training: Training, key: PrivateKeyAccount, round: bigint, submissions: readonly Submission[]): Promise<TransactionReceipt> {
  const list = submissions.map((s) => ({ trainer: s.trainer, digest: s.digest, codec: s.codec, examples: s.examples }))
  return send(training, key, 'settle', [round, list], 'settle')
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
