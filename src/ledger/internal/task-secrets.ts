import { keccak256, encodeAbiParameters } from 'viem'
import type { Hex, PrivateKeyAccount } from 'viem'
import type { Protocol } from '../protocol.js'

/**
 * The proposer's committee-seed secret: a hash of the proposer's signature over the chain, the
 * registry and the nonce of the proposing transaction. Signatures are deterministic (RFC 6979),
 * so the proposer can recompute it later without storing anything, and nobody else can.
 */
export async function committeeSeedSecret(protocol: Protocol, proposer: PrivateKeyAccount, txNonce: number): Promise<Hex> {
  const message = `deai committee seed\nchain ${protocol.ledger.chain.id}\nregistry ${protocol.taskRegistry.address.toLowerCase()}\nnonce ${txNonce}`
  return keccak256(await proposer.signMessage({ message }))
}

/** keccak256(abi.encode(secret)), as TaskRegistry checks it. */
export function seedCommitment(secret: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }], [secret]))
}

/** A member's vote salt, recomputable by the same key at reveal time. */
export async function voteSalt(protocol: Protocol, key: PrivateKeyAccount, taskId: bigint): Promise<Hex> {
  const message = `deai vote salt\nchain ${protocol.ledger.chain.id}\nregistry ${protocol.taskRegistry.address.toLowerCase()}\ntask ${taskId}`
  return keccak256(await key.signMessage({ message }))
}

/** keccak256(abi.encode(taskId, member, approve, reasonsCid, salt)), as TaskRegistry checks it. */
export function voteCommitment(taskId: bigint, member: Hex, approve: boolean, reasonsCid: string, salt: Hex): Hex {
  return keccak256(encodeAbiParameters(
    [{ type: 'uint256' }, { type: 'address' }, { type: 'bool' }, { type: 'string' }, { type: 'bytes32' }],
    [taskId, member, approve, reasonsCid, salt],
  ))
}
