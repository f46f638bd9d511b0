import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'

/** How the protocol is governed now: its contracts and settings as the chain holds them. */
export type GovernanceInfo = {
  governor: Address
  timelock: Address
  /** Where fees, forfeited bonds and slashed verifier stake go (the timelock unless governance moved it). */
  treasury: Address
  /** DEAI (wei) the timelock holds: what treasury payments can spend. */
  treasuryBalance: bigint
  /** Seconds from a proposal to the start of its vote. */
  votingDelay: bigint
  /** Seconds a vote stays open. */
  votingPeriod: bigint
  /** Delegated votes (wei) needed to propose. */
  proposalThreshold: bigint
  /** Share (bps) of the supply that must vote for or abstain. */
  quorumBps: bigint
  /** Seconds a passed proposal waits in the timelock. */
  timelockDelay: bigint
  /** Proposals made so far (they are numbered 1 to this). */
  proposalCount: bigint
}

/**
 * Reads the governance settings and the treasury.
 *
 * @example
 * ```ts
 * import { getGovernance } from 'deai/actions'
 * const { votingPeriod, quorumBps, proposalCount } = await getGovernance(protocol)
 * ```
 */
export async function getGovernance(protocol: Protocol): Promise<GovernanceInfo> {
  const client = protocol.ledger.client
  const { number: blockNumber } = await client.getBlock({ blockTag: 'latest' })
  const at = { blockNumber }
  const g = protocol.governor
  const [votingDelay, votingPeriod, proposalThreshold, quorumBps, timelockDelay, proposalCount, treasury] = await Promise.all([
    client.readContract({ ...g, functionName: 'votingDelay', ...at }),
    client.readContract({ ...g, functionName: 'votingPeriod', ...at }),
    client.readContract({ ...g, functionName: 'proposalThreshold', ...at }),
    client.readContract({ ...g, functionName: 'quorumNumerator', ...at }),
    client.readContract({ ...protocol.timelock, functionName: 'getMinDelay', ...at }),
    client.readContract({ ...g, functionName: 'latestProposalId', ...at }),
    client.readContract({ ...protocol.taskRegistry, functionName: 'treasury', ...at }),
  ])
  const treasuryBalance = await client.readContract({ ...protocol.token, functionName: 'balanceOf', args: [protocol.timelock.address], ...at })
  return {
    governor: g.address,
    timelock: protocol.timelock.address,
    treasury,
    treasuryBalance,
    votingDelay,
    votingPeriod,
    proposalThreshold,
    quorumBps,
    timelockDelay,
    proposalCount,
  }
}
