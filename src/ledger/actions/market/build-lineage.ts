import { getAddress } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Lineage, LineageRound, LineageShard } from '../../contracts/lineage.js'
import type { Protocol } from '../../protocol.js'
import type { Training } from '../../training.js'

/** ITrainingRounds.ModelStatus.Posted and DisputeStatus.Open. */
const MODEL_POSTED = 1
const DISPUTE_OPEN = 1

/** Where a log sits in the chain's total order. */
type Position = { blockNumber: bigint; logIndex: number }

function before(a: Position, b: Position): boolean {
  return a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex)
}

function positionOf(log: { blockNumber: bigint | null; logIndex: number | null }): Position {
  return { blockNumber: log.blockNumber ?? 0n, logIndex: log.logIndex ?? 0 }
}

/**
 * Rebuilds the lineage of a training's final model from the chain alone: the training contract's
 * storage and events (RoundOpened, UpdateCommitted, UpdateRevealed, UpdateJudged) and
 * DataRegistry's events (ShardGranted) and shards. The final round is the last one whose model stands, as
 * ModelRegistry decides it: the current round's model if posted, else the previous round's, and
 * not under dispute. For each accepted update, the shards are those DataRegistry had granted its
 * trainer for the task before the update was committed.
 *
 * @param protocol - the deployed protocol (its DataRegistry is the one cited)
 * @param training - the task's training contract
 * @returns the lineage document, whose CID and root ModelRegistry records
 * @throws DeaiError `LINEAGE_NO_FINAL_MODEL` while no model stands (none posted, or the last one
 *   found wrong or under dispute).
 * @example
 * ```ts
 * import { buildLineage, lineageCid, lineageRoot } from 'deai/actions'
 * const lineage = await buildLineage(protocol, training)
 * console.log(await lineageCid(lineage), lineageRoot(lineage))
 * ```
 */
export async function buildLineage(protocol: Protocol, training: Training): Promise<Lineage> {
  const client = protocol.ledger.client
  const read = { address: training.address, abi: training.abi } as const
  let finalRound = await client.readContract({ ...read, functionName: 'currentRound' })
  let model = await client.readContract({ ...read, functionName: 'modelInfo', args: [finalRound] })
  if (model.status !== MODEL_POSTED && finalRound > 1n) {
    finalRound -= 1n
    model = await client.readContract({ ...read, functionName: 'modelInfo', args: [finalRound] })
  }
  if (model.status !== MODEL_POSTED || model.dispute === DISPUTE_OPEN) {
    throw new DeaiError('LINEAGE_NO_FINAL_MODEL', `the training of task ${training.taskId} has no model that stands yet`, {
      fixes: ['wait until an aggregator posts a model and its dispute, if any, is resolved in its favour'],
    })
  }

  const fromBlock = BigInt(protocol.deployment.blockNumber)
  const events = { ...read, fromBlock, strict: true } as const
  const [opened, committed, revealed, judged] = await Promise.all([
    client.getContractEvents({ ...events, eventName: 'RoundOpened' }),
    client.getContractEvents({ ...events, eventName: 'UpdateCommitted' }),
    client.getContractEvents({ ...events, eventName: 'UpdateRevealed' }),
    client.getContractEvents({ ...events, eventName: 'UpdateJudged' }),
  ])
  const data = protocol.dataRegistry
  const [granted, shards] = await Promise.all([
    client.getContractEvents({ ...data, eventName: 'ShardGranted', args: { taskId: training.taskId }, fromBlock, strict: true }),
    client.readContract({ ...data, functionName: 'shardsOf', args: [training.taskId] }),
  ])

  const rounds: LineageRound[] = []
  const cited = new Set<number>()
  for (let round = 1n; round <= finalRound; round++) {
    // A round's latest opening is the one that counts (a round reopens after a successful dispute).
    const opening = opened.filter((e) => e.args.round === round).at(-1)
    if (opening === undefined) throw new DeaiError('LINEAGE_INCOMPLETE', `round ${round} of task ${training.taskId} has no RoundOpened event`)
    const start = positionOf(opening)
    const latest = <T extends { args: { round: bigint }; blockNumber: bigint | null; logIndex: number | null }>(logs: readonly T[]) =>
      logs.filter((e) => e.args.round === round && before(start, positionOf(e)))
    const commitments = new Map(latest(committed).map((e) => [e.args.index, e]))
    const reveals = new Map(latest(revealed).map((e) => [e.args.index, e]))
    const posted = round === finalRound ? model : await client.readContract({ ...read, functionName: 'modelInfo', args: [round] })
    const updates = latest(judged)
      .filter((e) => e.args.accepted)
      .sort((a, b) => Number(a.args.index - b.args.index))
      .map((e) => {
        const commitment = commitments.get(e.args.index)
        const sub = reveals.get(e.args.index)
        if (commitment === undefined || sub === undefined) {
          throw new DeaiError('LINEAGE_INCOMPLETE', `round ${round} accepted update ${e.args.index}, which has no UpdateCommitted and UpdateRevealed events`)
        }
        const at = positionOf(commitment)
        const trainer = getAddress(sub.args.trainer)
        const ids = [...new Set(granted
          .filter((g) => getAddress(g.args.trainer) === trainer && before(positionOf(g), at))
          .map((g) => Number(g.args.shardId)))].sort((a, b) => a - b)
        for (const id of ids) cited.add(id)
        return { index: Number(sub.args.index), trainer, update: fromOnChainDigest(sub.args.digest, sub.args.codec), examples: sub.args.examples, shards: ids }
      })
    rounds.push({
      round: Number(round),
      baseModel: fromOnChainDigest(opening.args.modelDigest, opening.args.modelCodec),
      model: fromOnChainDigest(posted.digest, posted.codec),
      updates,
    })
  }

  const cites: LineageShard[] = [...cited].sort((a, b) => a - b).map((id) => {
    const shard = shards[id]
    if (shard === undefined) throw new DeaiError('LINEAGE_INCOMPLETE', `shard ${id} of task ${training.taskId} was granted but is not in DataRegistry`)
    return { id, provider: getAddress(shard.provider), cid: fromOnChainDigest(shard.digest, shard.codec), examples: shard.examples }
  })
  return {
    version: 1,
    chainId: protocol.ledger.chain.id,
    taskId: training.taskId.toString(),
    training: getAddress(training.address),
    dataRegistry: getAddress(data.address),
    finalRound: Number(finalRound),
    model: fromOnChainDigest(model.digest, model.codec),
    rounds,
    shards: cites,
  }
}
