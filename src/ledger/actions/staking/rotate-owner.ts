import { zeroAddress } from 'viem'
import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

/**
 * The owner `account` starts moving everything it owns to the key `to`. After the rotation
 * delay `to` completes it (`completeRotation`); meanwhile the old key can neither claim nor
 * withdraw. A second request for another key freezes the rotation until governance resolves it.
 */
export function requestRotation(protocol: Protocol, account: PrivateKeyAccount, to: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'requestRotation', args: [to] }, { gasMeter: protocol.gasMeter })
}

/** The new key `account` completes the rotation of `owner` once ready, taking its rewards. */
export function completeRotation(protocol: Protocol, account: PrivateKeyAccount, owner: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'completeRotation', args: [owner] }, { gasMeter: protocol.gasMeter })
}

/** The key `account`, named in `owner`'s pending rotation, refuses it. */
export function declineRotation(protocol: Protocol, account: PrivateKeyAccount, owner: Address): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, { ...protocol.stakeManager, functionName: 'declineRotation', args: [owner] }, { gasMeter: protocol.gasMeter })
}

export type MigratePositionParameters = { role: RoleName; from: Address; taskId?: bigint }

/** Moves a rotated owner's position in one pool to its new key, once no pending work locks it. */
export function migratePosition(protocol: Protocol, account: PrivateKeyAccount, parameters: MigratePositionParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'migratePosition',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.from],
  }, { gasMeter: protocol.gasMeter })
}

/** An owner key's rotation: the one pending (if any) and the key it has rotated to (if any). */
export type Rotation = {
  owner: Address
  /** The key a pending rotation names, or null. */
  pendingTo: Address | null
  /** When the pending rotation can complete (unix seconds; 0 when none is pending). */
  readyAt: bigint
  /** Two new keys were asked for: claims and withdrawals are frozen until governance resolves it. */
  disputed: boolean
  /** The key this owner rotated to, or null. */
  rotatedTo: Address | null
}

export async function getRotation(protocol: Protocol, owner: Address): Promise<Rotation> {
  const client = protocol.ledger.client
  const [[to, readyAt, disputed], rotatedTo] = await Promise.all([
    client.readContract({ ...protocol.stakeManager, functionName: 'rotationOf', args: [owner] }),
    client.readContract({ ...protocol.stakeManager, functionName: 'rotatedTo', args: [owner] }),
  ])
  return {
    owner,
    pendingTo: to === zeroAddress ? null : to,
    readyAt: BigInt(readyAt),
    disputed,
    rotatedTo: rotatedTo === zeroAddress ? null : rotatedTo,
  }
}
