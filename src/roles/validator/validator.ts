import type { Address, PrivateKeyAccount } from 'viem'
import type { ContentStore } from '../../content/content-store.js'
import { revertName } from '../../ledger/contracts/contract-errors.js'
import { getRevealedUpdates } from '../../ledger/actions/training/get-revealed-updates.js'
import { getRound } from '../../ledger/actions/training/get-round.js'
import { getSubmissions } from '../../ledger/actions/training/get-submissions.js'
import { hasCommitted } from '../../ledger/actions/training/has-committed.js'
import { commitScores } from '../../ledger/actions/training/commit-scores.js'
import { revealScores } from '../../ledger/actions/training/reveal-scores.js'
import type { Training } from '../../ledger/training.js'
import type { ImageSet } from '../../ml/datasets/image-set.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { createRandom, deriveSeed } from '../../ml/random.js'
import type { ValidatorBehaviour } from './validator-behaviours.js'
import { scoreUpdates } from './score-updates.js'

export type ValidatorInit = {
  training: Training
  content: ContentStore
  key: PrivateKeyAccount
  owner: Address
  kind: ModelKind
  data: ImageSet
  /** The validator's private validation examples in `data`. */
  indices: readonly number[]
  behaviour: ValidatorBehaviour
  seed: number
  /** Colluding validators: the trainer owners whose updates they push to the top. */
  colluders?: ReadonlySet<Address>
}

/**
 * The validator role: after the update reveal deadline, score every revealed update on private
 * data and commit a hash of the scores; after the scoring deadline, reveal them. An update that
 * repeats one revealed in the previous round is a copy and scores 0, as does one never revealed.
 * Lazy and colluding variants deviate as their names say; a sybil-swarm member colludes and
 * also scores every other update 0.
 */
export interface Validator {
  /** The owner the stake and rewards belong to. */
  readonly owner: Address
  readonly behaviour: ValidatorBehaviour
  /** Scores the round's updates and commits them (or sits the round out without a seat). */
  commit(round: bigint): Promise<number[]>
  /** Whether this validator sat the round out. */
  unseated(round: bigint): boolean
  /** Reveals what `commit` committed. */
  reveal(round: bigint): Promise<number[]>
}

/**
 * Creates a validator (see {@link Validator}).
 */
export function createValidator(init: ValidatorInit): Validator {
  const { training, content, key } = init
  const scored = new Map<bigint, number[]>()
  const unseated = new Set<bigint>()

  async function computeScores(round: bigint): Promise<number[]> {
    const submissions = await getSubmissions(training, round)
    if (init.behaviour === 'lazy') {
      const random = createRandom(deriveSeed(init.seed, Number(round)))
      return submissions.map(() => random.nextInt(10_001))
    }
    if (init.behaviour === 'sybil-swarm') {
      return submissions.map((s) => (init.colluders?.has(s.trainer) === true ? 10_000 : 0))
    }
    const { modelCid } = await getRound(training, round)
    const global = await content.getTensor(modelCid)
    const earlier = new Set(round > 1n ? (await getRevealedUpdates(training, round - 1n)).map((s) => s.cid) : [])
    // An update whose content cannot be had (its trainer went away before anyone fetched it)
    // cannot be checked, so it scores 0; in one process every update is always there.
    const fetched = await Promise.all(submissions.map((s) => (s.revealed && !earlier.has(s.cid) ? content.getTensor(s.cid).catch(() => undefined) : Promise.resolve(undefined))))
    const available = fetched.flatMap((u) => (u === undefined ? [] : [u]))
    const scoredAvailable = await scoreUpdates({ kind: init.kind, global, updates: available, data: init.data, indices: init.indices })
    let next = 0
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- scoreUpdates returns one score per available update
    const honest = fetched.map((u) => (u === undefined ? 0 : scoredAvailable[next++]!))
    if (init.behaviour === 'colluding') {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- honest has one score per submission
      return honest.map((score, i) => (init.colluders?.has(submissions[i]!.trainer) === true ? 10_000 : score))
    }
    return honest
  }

  return {
    owner: init.owner,
    behaviour: init.behaviour,
    /**
     * Scores the round's updates and commits them. A validator whose stake does not rank among
     * the round's validator set (ValidatorSetFull), or that no longer has the minimum stake
     * (NotStaked, after a slash), sits the round out.
     */
    async commit(round: bigint): Promise<number[]> {
      const scores = await computeScores(round)
      try {
        await commitScores(training, key, { round, owner: init.owner, scores })
      } catch (error) {
        const reason = revertName(error)
        if (reason !== 'ValidatorSetFull' && reason !== 'NotStaked') throw error
        unseated.add(round)
        return scores
      }
      scored.set(round, scores)
      return scores
    },
    /** Whether this validator sat the round out (the set was full of larger stakes, or its stake too small). */
    unseated(round: bigint): boolean {
      return unseated.has(round)
    },
    /**
     * Reveals what `commit` committed (recomputed if this process did not commit it); nothing
     * when it holds no seat, having been evicted by a larger stake.
     */
    async reveal(round: bigint): Promise<number[]> {
      if (!(await hasCommitted(training, round, init.owner))) {
        scored.delete(round)
        return []
      }
      const scores = scored.get(round) ?? (await computeScores(round))
      await revealScores(training, key, { round, scores })
      scored.delete(round)
      return scores
    },
  }
}
