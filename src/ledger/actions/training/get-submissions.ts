import type { Address, Hex } from 'viem'
import { fromOnChainDigest } from '../../contracts/on-chain-digest.js'
import type { Training } from '../../training.js'

/** One update commitment of a round, in commitment order, and what its reveal showed. */
export type Submission =
  | { index: number; trainer: Address; revealed: true; digest: Hex; codec: number; examples: number; cid: string }
  | { index: number; trainer: Address; revealed: false }

/** A revealed update. */
export type RevealedSubmission = Extract<Submission, { revealed: true }>

type LogPosition = { blockNumber: bigint | null; logIndex: number | null }

function after(a: LogPosition, b: LogPosition): boolean {
  const [ab, bb] = [a.blockNumber ?? 0n, b.blockNumber ?? 0n]
  return ab > bb || (ab === bb && (a.logIndex ?? 0) > (b.logIndex ?? 0))
}

/**
 * Every update commitment of the latest opening of `round`, in commitment order, with what its
 * reveal showed (read from the events, so it works for past rounds too).
 */
export async function getSubmissions(training: Training, round: bigint): Promise<Submission[]> {
  const client = training.protocol.ledger.client
  // strict: our own contract's events always decode, and then every argument is there.
  const common = { address: training.address, abi: training.abi, args: { round }, fromBlock: BigInt(training.protocol.deployment.blockNumber), strict: true } as const
  const openings = await client.getContractEvents({ ...common, eventName: 'RoundOpened' })
  const opening = openings.at(-1)
  if (opening === undefined) return []
  const [commits, reveals] = await Promise.all([
    client.getContractEvents({ ...common, eventName: 'UpdateCommitted' }),
    client.getContractEvents({ ...common, eventName: 'UpdateRevealed' }),
  ])
  const revealedAt = new Map(reveals.filter((log) => after(log, opening)).map((log) => [Number(log.args.index), log]))
  return commits
    .filter((log) => after(log, opening))
    .map((log): Submission => {
      const index = Number(log.args.index)
      const reveal = revealedAt.get(index)
      if (reveal === undefined) return { index, trainer: log.args.trainer, revealed: false }
      return {
        index,
        trainer: log.args.trainer,
        revealed: true,
        digest: reveal.args.digest,
        codec: reveal.args.codec,
        examples: reveal.args.examples,
        cid: fromOnChainDigest(reveal.args.digest, reveal.args.codec),
      }
    })
    .sort((a, b) => a.index - b.index)
}
