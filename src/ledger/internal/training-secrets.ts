/**
 * The commitments and salts of a training's commit–reveal steps. A salt is one only the signing
 * key can recompute, so a trainer or validator needs no stored state between commit and reveal.
 *
 * @packageDocumentation
 */
import { encodeAbiParameters, keccak256 } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { toOnChainDigest } from '../contracts/on-chain-digest.js'
import type { Training } from '../training.js'

/** What a trainer commits to and later reveals. */
export type UpdateReveal = { round: bigint; updateCid: string; examples: number }

/** The round's current opening (1, plus one per reopening after a cancelled opening). */
export async function attemptOf(training: Training, round: bigint): Promise<number> {
  const info = await training.protocol.ledger.client.readContract({ address: training.address, abi: training.abi, functionName: 'roundInfo', args: [round] })
  return info.attempt
}

/**
 * A salt only `account` can recompute, bound to the chain, the training, the round's opening
 * and the purpose, so a salt revealed in one opening is worthless in the next.
 */
export async function trainingSalt(training: Training, account: PrivateKeyAccount, purpose: 'score' | 'update', round: bigint, attempt: number): Promise<Hex> {
  const message = `deai ${purpose} salt\nchain ${training.protocol.ledger.chain.id}\ntraining ${training.address.toLowerCase()}\nround ${round}\nattempt ${attempt}`
  return keccak256(await account.signMessage({ message }))
}

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
export async function updateSalt(training: Training, account: PrivateKeyAccount, round: bigint): Promise<Hex> {
  return trainingSalt(training, account, 'update', round, await attemptOf(training, round))
}

/** The commitment `commitUpdate` sends for `update` in the round's current opening. */
export async function prepareUpdateCommitment(training: Training, account: PrivateKeyAccount, owner: Address, update: UpdateReveal): Promise<Hex> {
  const attempt = await attemptOf(training, update.round)
  return updateCommitment(training.address, update.round, attempt, owner, update.updateCid, update.examples, await trainingSalt(training, account, 'update', update.round, attempt))
}

/** keccak256(abi.encode(training, round, attempt, validatorOwner, scores, salt)), as the contract checks it. */
export function scoresCommitment(training: Address, round: bigint, attempt: number, owner: Address, scores: readonly number[], saltValue: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'address' }, { type: 'uint256' }, { type: 'uint16' }, { type: 'address' }, { type: 'uint16[]' }, { type: 'bytes32' }],
    [training, round, attempt, owner, scores, saltValue],
  ))
}
