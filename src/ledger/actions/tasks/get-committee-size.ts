import type { Protocol } from '../../protocol.js'

/** How many verifiers a committee drawn now has (the registry's current rules). */
export async function getCommitteeSize(protocol: Protocol): Promise<number> {
  const rules = await protocol.ledger.client.readContract({ ...protocol.taskRegistry, functionName: 'params' })
  return Number(rules.committeeSize)
}
