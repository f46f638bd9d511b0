import type { Address } from 'viem'
import { PROTOCOL_POOL, roleId } from '../contracts/roles.js'
import type { RoleName } from '../contracts/roles.js'
import type { Protocol } from '../protocol.js'

export type ListStakersParameters = {
  role: RoleName
  /** @default 0 (the protocol-wide pool) */
  taskId?: bigint
  /** Owners read per call. @default 1000 */
  pageSize?: number
}

/**
 * Every owner with active stake in a pool, in the order they first staked, read page by page so
 * that a pool of any size fits the node's call gas limit.
 *
 * @example
 * ```ts
 * import { listStakers } from 'deai'
 * const verifiers = await listStakers(protocol, { role: 'verifier' })
 * ```
 */
export async function listStakers(protocol: Protocol, parameters: ListStakersParameters): Promise<Address[]> {
  const args = [parameters.taskId ?? PROTOCOL_POOL, roleId(parameters.role)] as const
  const pageSize = BigInt(parameters.pageSize ?? 1000)
  const owners: Address[] = []
  for (let from = 0n; ;) {
    const [page, next] = await protocol.ledger.client.readContract({ ...protocol.stakeManager, functionName: 'stakers', args: [...args, from, pageSize] })
    owners.push(...page)
    // A short page means the pool's owners ran out.
    if (page.length < Number(pageSize)) return owners
    from = next
  }
}
