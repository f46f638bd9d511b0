/**
 * Argument checks shared by the partitioners (internal).
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'

/** Throws `ML_INVALID_PARTITION` unless `value` is an integer ≥ `min`. */
export function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DeaiError('ML_INVALID_PARTITION', `${name} must be an integer of at least ${min}, got ${String(value)}.`, {
      fixes: [`Pass ${name} as an integer ≥ ${min}.`],
    })
  }
}

/** Throws `ML_INVALID_PARTITION` unless every label is an integer in [0, classes). */
export function assertLabels(labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] ?? -1
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new DeaiError('ML_INVALID_PARTITION', `Label ${String(label)} at index ${i} is not an integer in [0, ${classes}).`, {
        fixes: ['Pass the dataset labels (0 to classes - 1), or raise `classes`.'],
      })
    }
  }
}

/** Sorts each client's indices ascending, so a partition has one canonical form. */
export function canonical(parts: number[][]): number[][] {
  for (const part of parts) part.sort((a, b) => a - b)
  return parts
}
