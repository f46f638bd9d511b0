/**
 * The schedule of a training round, shared by the in-process scenario runner and `deai node`:
 * which stages a round has, who acts in each, when each opens and closes on chain, and how a
 * participant's step for a stage is run and recognised as done.
 *
 * The runner plays a round by moving its embedded clock to each stage and running every
 * participant's step ({@link playRound}); a node polls the chain and runs its own step when its
 * stage is open and the chain shows it not yet done ({@link dueStep}). Either way the same role
 * code runs in the same order: trainers train and commit to their updates → after the train
 * deadline they reveal them → after the update reveal deadline validators score and commit →
 * after the score deadline they reveal → after the reveal deadline the round is settled → the
 * aggregator posts the next model, which opens the next round.
 *
 * @packageDocumentation
 */
import type { Address } from 'viem'
import type { RoundInfo } from '../ledger/actions/training/get-round.js'
import { getRoundProgress } from '../ledger/actions/training/get-round-progress.js'
import { hasCommitted } from '../ledger/actions/training/has-committed.js'
import { hasRevealed } from '../ledger/actions/training/has-revealed.js'
import { hasRevealedUpdate } from '../ledger/actions/training/has-revealed-update.js'
import { hasSubmitted } from '../ledger/actions/training/has-submitted.js'
import type { Training } from '../ledger/training.js'
import type { Aggregator } from './aggregator/aggregator.js'
import type { Trainer } from './trainer/trainer.js'
import type { Validator } from './validator/validator.js'
import { dueStepOf, playStages } from './stage-table.js'
import type { DueStageStep, StageClock, StageParticipant, StageResult, StageTable, Step } from './stage-table.js'

/** The stages of a round, in order. */
export const ROUND_STAGES = ['train', 'reveal-update', 'commit', 'reveal', 'settle', 'post'] as const
export type RoundStage = (typeof ROUND_STAGES)[number]

/** The roles that act in rounds. */
export type RoundRole = 'trainer' | 'validator' | 'aggregator'

/** Who acts in each stage (anyone may settle; the aggregator does, as it posts next). */
export const STAGE_ROLE: Readonly<Record<RoundStage, RoundRole>> = {
  train: 'trainer',
  'reveal-update': 'trainer',
  commit: 'validator',
  reveal: 'validator',
  settle: 'aggregator',
  post: 'aggregator',
}

type Deadlines = Pick<RoundInfo, 'trainDeadline' | 'updateRevealDeadline' | 'scoreDeadline' | 'revealDeadline'>

/** The first chain time at which the contract accepts a stage's transaction. */
export function stageOpensAt(info: Deadlines, stage: RoundStage): bigint {
  switch (stage) {
    case 'train':
      return 0n
    case 'reveal-update':
      return info.trainDeadline + 1n
    case 'commit':
      return info.updateRevealDeadline + 1n
    case 'reveal':
      return info.scoreDeadline + 1n
    case 'settle':
    case 'post':
      return info.revealDeadline + 1n
  }
}

/** The last chain time at which a stage's transaction is accepted (none for settle and post). */
export function stageClosesAt(info: Deadlines, stage: RoundStage): bigint | undefined {
  switch (stage) {
    case 'train':
      return info.trainDeadline
    case 'reveal-update':
      return info.updateRevealDeadline
    case 'commit':
      return info.scoreDeadline
    case 'reveal':
      return info.revealDeadline
    default:
      return undefined
  }
}

/** One step of a participant in a round. */
export type RoundStep = Step<bigint>

/** A participant's part in rounds: its role and a step for each stage it acts in. */
export type RoundParticipant = StageParticipant<RoundStage, bigint, RoundRole>

/** The round's stage table: windows from the round's deadlines, steps keyed by round. */
export const ROUND_TABLE: StageTable<RoundStage, Deadlines> = { stages: ROUND_STAGES, opensAt: stageOpensAt, closesAt: stageClosesAt }

/** The trainer's steps: train and commit to an update, then reveal it; once per round. */
export function trainerParticipant(trainer: Trainer, training: Training): RoundParticipant {
  const owner: Address = trainer.owner
  return {
    role: 'trainer',
    steps: {
      train: { run: (round) => trainer.work(round), done: (round) => hasSubmitted(training, round, owner) },
      'reveal-update': {
        run: (round) => trainer.reveal(round),
        // Nothing committed means nothing to reveal.
        done: async (round) => !(await hasSubmitted(training, round, owner)) || (await hasRevealedUpdate(training, round, owner)),
      },
    },
  }
}

/** The validator's steps: commit scores (when there is something to score), then reveal them. */
export function validatorParticipant(validator: Validator, training: Training): RoundParticipant {
  const owner: Address = validator.owner
  return {
    role: 'validator',
    steps: {
      commit: {
        run: (round) => validator.commit(round),
        done: async (round) =>
          validator.unseated(round) || (await hasCommitted(training, round, owner)) || (await getRoundProgress(training, round)).revealed === 0,
      },
      reveal: {
        run: (round) => validator.reveal(round),
        // Nothing committed means nothing to reveal.
        done: async (round) => !(await hasCommitted(training, round, owner)) || (await hasRevealed(training, round, owner)),
      },
    },
  }
}

/** The aggregator's steps: settle the round, then post the next model. */
export function aggregatorParticipant(aggregator: Aggregator, training: Training): RoundParticipant {
  return {
    role: 'aggregator',
    steps: {
      settle: { run: (round) => aggregator.settle(round), done: async (round) => (await getRoundProgress(training, round)).status === 'settled' },
      post: { run: (round) => aggregator.post(round), done: async (round) => (await getRoundProgress(training, round)).postedModelCid !== undefined },
    },
  }
}

/** What a step returned, for the runner's report. */
export type StepResult = StageResult<RoundStage, RoundParticipant>

/**
 * Plays one round in process: for each stage in order, moves the clock to the stage's opening
 * and runs every participant's step for it, in the order given.
 *
 * @param participants - everyone taking part, in the order their steps should run
 * @param info - the round's deadlines
 * @param clock - moves chain time forward to at least the given time, and hears when a stage is done
 * @returns what each step returned, in the order run
 */
export async function playRound(participants: readonly RoundParticipant[], info: RoundInfo, clock: StageClock<RoundStage>): Promise<StepResult[]> {
  return playStages(ROUND_TABLE, participants, info, info.round, clock)
}

/** The stage a participant's next step belongs to at chain time `now`, or why there is none. */
export type DueStep = DueStageStep<RoundStage, bigint>

/**
 * Finds the participant's step that is open at `now` and not yet done on chain. Steps whose
 * stage has closed are skipped (the round goes on without them).
 */
export async function dueStep(participant: RoundParticipant, info: RoundInfo, now: bigint): Promise<DueStep> {
  return dueStepOf(ROUND_TABLE, participant, info, info.round, now)
}
