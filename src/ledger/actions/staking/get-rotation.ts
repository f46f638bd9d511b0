import { zeroAddress } from 'viem'
import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

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

/** Reads an owner key's rotation. */
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
