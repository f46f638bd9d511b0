import type { Address } from 'viem'
import type { Training } from '../../training.js'

/** The consensus outcome for one update. */
export type UpdateJudgement = { index: number; trainer: Address; accepted: boolean; consensusScore: number; reward: bigint }

/** The consensus outcome for one validator. */
export type ValidatorJudgement = { validator: Address; revealed: boolean; deviationBps: number; reward: bigint; slashed: boolean }

/** How consensus judged each update and each validator in a settled round. */
export async function getJudgements(training: Training, round: bigint): Promise<{ updates: UpdateJudgement[]; validators: ValidatorJudgement[] }> {
  const client = training.protocol.ledger.client
  // strict: our own contract's events always decode, and then every argument is there.
  const common = { address: training.address, abi: training.abi, args: { round }, fromBlock: BigInt(training.protocol.deployment.blockNumber), strict: true } as const
  const updates = await client.getContractEvents({ ...common, eventName: 'UpdateJudged' })
  const validators = await client.getContractEvents({ ...common, eventName: 'ValidatorJudged' })
  return {
    updates: updates
      .map((l) => ({ index: Number(l.args.index), trainer: l.args.trainer, accepted: l.args.accepted, consensusScore: l.args.consensusScore, reward: l.args.reward }))
      .sort((a, b) => a.index - b.index),
    validators: validators.map((l) => ({
      validator: l.args.validator,
      revealed: l.args.revealed,
      deviationBps: l.args.deviationBps,
      reward: l.args.reward,
      slashed: l.args.slashed,
    })),
  }
}
