import { encodeAbiParameters, keccak256 } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { drawCommittee, proposalSecret } from '../../ledger/actions/tasks/draw-committee.js'
import { listStakers } from '../../ledger/actions/staking/list-stakers.js'
import { getActiveStake } from '../../ledger/actions/staking/get-active-stake.js'
import { getTask } from '../../ledger/actions/tasks/get-task.js'
import { getTaskRules } from '../../ledger/actions/tasks/get-task-rules.js'
import { previewCommitteeDraw } from '../../ledger/actions/tasks/preview-committee-draw.js'
import { stake } from '../../ledger/actions/staking/stake.js'
import type { Protocol } from '../../ledger/protocol.js'
import { adversaryRecord } from '../adversary/adversary-record.js'
import type { AdversaryRecord } from '../adversary/adversary-record.js'

export type GrinderInit = {
  protocol: Protocol
  proposer: PrivateKeyAccount
  /** Owner keys of the verifiers the proposer controls. */
  sybils: readonly PrivateKeyAccount[]
  /** Top-ups tried offline. @default 2000 */
  tries?: number
}

/**
 * The committee draw of the protocol before snapshots, as audit finding H-1 exploited it: a
 * walk over the pool's live active stake in the order StakeManager lists its stakers, r_k =
 * keccak256(seed, k) mod the remaining total, without replacement.
 */
export function liveStakeDraw(pool: readonly { owner: Address; stake: bigint }[], seed: Hex, count: number, exclude: Address, minimum: bigint): Address[] {
  const weights = pool.map((p) => (p.owner.toLowerCase() === exclude.toLowerCase() || p.stake < minimum ? 0n : p.stake))
  let total = weights.reduce((a, b) => a + b, 0n)
  const chosen: Address[] = []
  for (let k = 0; k < count && total > 0n; k++) {
    let r = BigInt(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [seed, BigInt(k)]))) % total
    let j = 0
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- r < total, the sum of the weights, so the walk stops inside the pool */
    while (r >= weights[j]!) r -= weights[j++]!
    chosen.push(pool[j]!.owner)
    total -= weights[j]!
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    weights[j] = 0n
  }
  return chosen
}

/**
 * A proposer that stakes sybil verifiers and, once the seed block is mined (it holds the seed's
 * secret, so it knows the seed first), grinds a stake top-up offline that would hand its sybils
 * the committee under a live-stake draw, applies it, and draws. The protocol draws from stake
 * as it stood before the seed block, so the top-up changes nothing.
 */
export interface Grinder {
  readonly behaviour: 'grinder'
  record(): AdversaryRecord
  /** Stakes each sybil verifier `amount` (before the proposal, so the snapshot includes them). */
  stakeSybils(amount: bigint): Promise<void>
  /** Mines to the seed block, grinds, tops up and draws. Returns the committee drawn. */
  drawCommittee: (taskId: bigint) => Promise<readonly Address[]>
}

/**
 * Creates a grinding proposer's attack (see {@link Grinder}).
 */
export function createGrinder(init: GrinderInit): Grinder {
  const { protocol, proposer } = init
  const record = adversaryRecord()
  const sybilSet = new Set(init.sybils.map((s) => s.address.toLowerCase()))
  const seats = (committee: readonly Address[]) => committee.filter((m) => sybilSet.has(m.toLowerCase())).length

  return {
    behaviour: 'grinder' as const,
    record: (): AdversaryRecord => record,
    /** Stakes each sybil verifier `amount` (before the proposal, so the snapshot includes them). */
    async stakeSybils(amount: bigint): Promise<void> {
      for (const sybil of init.sybils) await stake(protocol, sybil, { role: 'verifier', amount })
    },
    /** Mines to the seed block, grinds, tops up and draws. Returns the committee drawn. */
    async drawCommittee(taskId: bigint): Promise<readonly Address[]> {
      const { ledger } = protocol
      const client = ledger.client
      const task = await getTask(protocol, taskId)
      const rules = await getTaskRules(protocol, { taskId })
      const head = await client.getBlockNumber({ cacheTime: 0 })
      if (head <= task.seedBlock) await ledger.clock.mine(Number(task.seedBlock - head + 1n))
      const block = await client.getBlock({ blockNumber: task.seedBlock })
      const seed = keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }], [await proposalSecret(protocol, proposer, taskId), block.hash, taskId]))
      const fair = await previewCommitteeDraw(protocol, { taskId, seed })
      const owners = await listStakers(protocol, { role: 'verifier' })
      const pool = await Promise.all(owners.map(async (owner) => ({ owner, stake: await getActiveStake(protocol, { role: 'verifier', owner }) })))
      const target = init.sybils[0]
      let best = { topUp: 0n, seats: seats(liveStakeDraw(pool, seed, rules.committeeSize, proposer.address, rules.minVerifierStake)) }
      if (target !== undefined) {
        const at = pool.findIndex((p) => p.owner.toLowerCase() === target.address.toLowerCase())
        for (let topUp = 1n; topUp <= BigInt(init.tries ?? 2000) && at >= 0; topUp++) {
          const trial = pool.map((p, i) => (i === at ? { owner: p.owner, stake: p.stake + topUp } : p))
          const n = seats(liveStakeDraw(trial, seed, rules.committeeSize, proposer.address, rules.minVerifierStake))
          if (n > best.seats) best = { topUp, seats: n }
        }
        if (best.topUp > 0n) await stake(protocol, target, { role: 'verifier', amount: best.topUp })
      }
      const committee = await drawCommittee(protocol, proposer, taskId)
      record.attempted += 1
      if (seats(committee) <= seats(fair)) record.defeated += 1
      record.notes.push(`a top-up of ${best.topUp} wei would have given ${best.seats} of ${rules.committeeSize} seats by live stake; the snapshot draw gave ${seats(committee)} (${seats(fair)} without any top-up)`)
      return committee
    },
  }
}
