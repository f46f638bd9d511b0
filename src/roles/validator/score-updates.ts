/* eslint-disable @typescript-eslint/no-non-null-assertion -- moves is parallel to p.updates, and every update is as long as the global model */
import type { ImageSet } from '../../ml/datasets/image-set.js'
import type { ModelKind } from '../../ml/models/architecture.js'
import { evaluate } from '../../ml/train/evaluate.js'

export type ScoreUpdatesParameters = {
  kind: ModelKind
  global: Float32Array
  updates: readonly Float32Array[]
  data: ImageSet
  /** The validator's private validation examples. */
  indices: readonly number[]
}

/** An update that moved less than this share of the median movement did no work. */
export const MIN_PROGRESS = 1e-3
/** Two updates closer than this share of the median movement are the same work. */
export const COPY_DISTANCE = 1e-4

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    sum += d * d
  }
  return Math.sqrt(sum)
}

/**
 * An honest validator's scores: each update's accuracy on the validator's private examples,
 * in basis points (0–10000), except that an update that barely moved from the global model
 * (free riding) or that repeats an earlier submission of the round (copying) scores 0.
 * Deterministic for the same inputs, so a revealed score can be recomputed by anyone who holds
 * the same examples.
 */
export async function scoreUpdates(p: ScoreUpdatesParameters): Promise<number[]> {
  const moves = p.updates.map((u) => distance(u, p.global))
  const sorted = [...moves].sort((a, b) => a - b)
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0
  const scores: number[] = []
  const copyRadius = COPY_DISTANCE * median
  for (const [i, update] of p.updates.entries()) {
    const idle = moves[i]! <= MIN_PROGRESS * median
    // Two updates within copyRadius of each other moved by amounts within copyRadius of each
    // other (triangle inequality), so only those pairs need the full distance.
    const copy = p.updates.slice(0, i).some((earlier, j) => Math.abs(moves[j]! - moves[i]!) <= copyRadius && distance(earlier, update) <= copyRadius)
    if (idle || copy) {
      scores.push(0)
      continue
    }
    const { accuracy } = await evaluate({ kind: p.kind, weights: update, data: p.data, indices: p.indices })
    scores.push(Math.round(accuracy * 10_000))
  }
  return scores
}
