/**
 * The one shape every timed part of the protocol takes: an ordered table of stages, each open
 * on chain from `opensAt` to `closesAt`, and participants that hold a step for some stages.
 * Training rounds ({@link ./round-schedule.ts}) and the task vote ({@link ./task-vote-schedule.ts})
 * are tables of this shape, so both drivers follow one timing:
 *
 * - the virtual-clock driver moves chain time to each stage's opening and runs every
 *   participant's step for it ({@link playStages});
 * - the polling driver asks which of its participant's steps is open now and not yet done on
 *   chain ({@link dueStepOf}).
 *
 * @packageDocumentation
 */

/** The stages of one timed part of the protocol, and where each opens and closes. */
export interface StageTable<S extends string, W> {
  /** The stages, in the order they open. */
  readonly stages: readonly S[]
  /** The first chain time at which the contract accepts the stage's transaction. */
  opensAt(window: W, stage: S): bigint
  /** The last chain time at which the stage's transaction is accepted (none: open until done). */
  closesAt(window: W, stage: S): bigint | undefined
}

/** One step of a participant: running it, and telling from the chain whether it is done. */
export interface Step<K> {
  run(key: K): Promise<unknown>
  /** Read from the chain, so a restarted node neither repeats nor skips the step. */
  done(key: K): Promise<boolean>
}

/** A participant's part in a table: its role and a step for each stage it acts in. */
export interface StageParticipant<S extends string, K, R extends string = string> {
  role: R
  steps: Partial<Record<S, Step<K>>>
}

/** Moves chain time forward to at least the given time. */
export interface StageClock<S extends string> {
  advanceTo(time: bigint): Promise<void>
  /** Hears when every participant's step for a stage has run. */
  stageDone?(stage: S): void
}

/** What a step returned, in the order run. */
export type StageResult<S extends string, P> = { stage: S; participant: P; value: unknown }

/**
 * Plays a table in process: for each stage in order, moves the clock to the stage's opening
 * and runs every participant's step for it, in the order given.
 *
 * @param table - the stages and their windows
 * @param participants - everyone taking part, in the order their steps should run
 * @param window - what the windows are read from (a round's or a task's deadlines)
 * @param key - what the steps act on (a round, a task)
 * @param clock - moves chain time forward
 * @returns what each step returned, in the order run
 */
export async function playStages<S extends string, W, K, P extends StageParticipant<S, K>>(
  table: StageTable<S, W>,
  participants: readonly P[],
  window: W,
  key: K,
  clock: StageClock<S>,
): Promise<StageResult<S, P>[]> {
  const results: StageResult<S, P>[] = []
  for (const stage of table.stages) {
    await clock.advanceTo(table.opensAt(window, stage))
    for (const participant of participants) {
      const step = participant.steps[stage]
      if (step !== undefined) results.push({ stage, participant, value: await step.run(key) })
    }
    clock.stageDone?.(stage)
  }
  return results
}

/** The stage a participant's next step belongs to at chain time `now`, or why there is none. */
export type DueStageStep<S extends string, K> = { stage: S; step: Step<K> } | { stage: undefined; waitingFor: 'stage' | 'nothing' }

/**
 * Finds the participant's step that is open at `now` and not yet done on chain. Steps whose
 * stage has closed are skipped (the rest goes on without them).
 */
export async function dueStepOf<S extends string, W, K>(table: StageTable<S, W>, participant: StageParticipant<S, K>, window: W, key: K, now: bigint): Promise<DueStageStep<S, K>> {
  for (const stage of table.stages) {
    const step = participant.steps[stage]
    if (step === undefined) continue
    if (now < table.opensAt(window, stage)) return { stage: undefined, waitingFor: 'stage' }
    const closes = table.closesAt(window, stage)
    if (closes !== undefined && now > closes) continue
    if (await step.done(key)) continue
    return { stage, step }
  }
  return { stage: undefined, waitingFor: 'nothing' }
}
