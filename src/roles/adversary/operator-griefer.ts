import type { Address, PrivateKeyAccount } from 'viem'
import { setOperator } from '../../ledger/actions/staking/set-operator.js'
import { getActiveStake } from '../../ledger/actions/staking/get-active-stake.js'
import { getOperatorOwner } from '../../ledger/actions/staking/get-operator-owner.js'
import type { RoleName } from '../../ledger/contracts/roles.js'
import type { Protocol } from '../../ledger/protocol.js'
import { adversaryRecord } from './adversary-record.js'
import type { AdversaryRecord } from './adversary-record.js'

/** A key in the pool it works in. */
export type PoolKey = { address: Address; role: RoleName; taskId?: bigint }

/**
 * A stranger who names other people's keys as its operators before they stake, hoping to bar
 * them from their pools or to pass their work off as its own. Naming a key needs that key's
 * consent, so the claims come to nothing.
 */
export interface OperatorGriefer {
  readonly behaviour: 'operator-griefer'
  readonly address: Address
  record(): AdversaryRecord
  /** Names each victim as this stranger's operator in the victim's pool. */
  claim(victims: readonly PoolKey[]): Promise<void>
  /** After the victims staked: each claim failed if the victim works for itself with stake of its own. */
  check(victims: readonly PoolKey[]): Promise<void>
}

/**
 * Creates an operator-griefer (see {@link OperatorGriefer}).
 */
export function createOperatorGriefer(init: { protocol: Protocol; key: PrivateKeyAccount }): OperatorGriefer {
  const { protocol } = init
  const record = adversaryRecord()
  return {
    behaviour: 'operator-griefer' as const,
    address: init.key.address,
    record: (): AdversaryRecord => record,
    /** Names each victim as this stranger's operator in the victim's pool. */
    async claim(victims: readonly PoolKey[]): Promise<void> {
      for (const v of victims) {
        await setOperator(protocol, init.key, { role: v.role, operator: v.address, ...(v.taskId === undefined ? {} : { taskId: v.taskId }) })
        record.attempted += 1
      }
    },
    /** After the victims staked: each claim failed if the victim works for itself with stake of its own. */
    async check(victims: readonly PoolKey[]): Promise<void> {
      for (const v of victims) {
        const [owner, active] = await Promise.all([
          getOperatorOwner(protocol, { role: v.role, operator: v.address, taskId: v.taskId }),
          getActiveStake(protocol, { role: v.role, owner: v.address, taskId: v.taskId }),
        ])
        if (owner.toLowerCase() === v.address.toLowerCase() && active > 0n) record.defeated += 1
        else record.notes.push(`${v.address} in the ${v.role} pool: works for ${owner}, stake ${active}`)
      }
    },
  }
}
