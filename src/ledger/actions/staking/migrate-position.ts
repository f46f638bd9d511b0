import type { Address, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'
import { writeContract } from '../../write-contract.js'

export type MigratePositionParameters = { role: RoleName; from: Address; taskId?: bigint }

/** Moves a rotated owner's position in one pool to its new key, once no pending work locks it. */
export function migratePosition(protocol: Protocol, account: PrivateKeyAccount, parameters: MigratePositionParameters): Promise<TransactionReceipt> {
  return writeContract(protocol.ledger, account, {
    ...protocol.stakeManager,
    functionName: 'migratePosition',
    args: [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role), parameters.from],
  }, { gasMeter: protocol.gasMeter })
}
