import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { Protocol } from '../../protocol.js'

export type ListStakersParameters = {
  role: RoleName
  /** @default 0 (the protocol-wide pool) */
  taskId?: bigint
}

/**
 * Every owner with active stake in a pool, in the order they first staked: the owners the pool's
 * Staked and PositionMigrated events name, kept if they still have active stake. Reads logs, so
 * a pool of any size fits.
 *
 * @example
 * ```ts
 * import { listStakers } from 'deai/actions'
 * const verifiers = await listStakers(protocol, { role: 'verifier' })
 * ```
 */
export async function listStakers(protocol: Protocol, parameters: ListStakersParameters): Promise<Address[]> {
  const client = protocol.ledger.client
  const taskId = parameters.taskId ?? PROTOCOL_POOL
  const role = roleId(parameters.role)
  const common = { ...protocol.stakeManager, args: { taskId, role }, fromBlock: BigInt(protocol.deployment.blockNumber), strict: true } as const
  const [staked, migrated] = await Promise.all([
    client.getContractEvents({ ...common, eventName: 'Staked' }),
    client.getContractEvents({ ...common, eventName: 'PositionMigrated' }),
  ])
  const seen = [...staked.map((e) => ({ at: e, owner: e.args.owner })), ...migrated.map((e) => ({ at: e, owner: e.args.to }))]
    .sort((a, b) => Number(a.at.blockNumber - b.at.blockNumber) || a.at.logIndex - b.at.logIndex)
  const owners = [...new Set(seen.map((s) => s.owner))]
  const active: Address[] = []
  // One call at a time: the embedded chain serves requests serially.
  for (const owner of owners) {
    if ((await client.readContract({ ...protocol.stakeManager, functionName: 'activeStake', args: [taskId, role, owner] })) > 0n) active.push(owner)
  }
  return active
}
