/**
 * What an adversary tried and how it fared, for the run report's attack table.
 *
 * @packageDocumentation
 */

/** An adversary's tally: attempts made, attempts the protocol defeated, and what happened. */
export type AdversaryRecord = {
  attempted: number
  defeated: number
  /** One line per notable outcome (an error name, a seat count), in order. */
  notes: string[]
}

/** A fresh, empty record. */
export function adversaryRecord(): AdversaryRecord {
  return { attempted: 0, defeated: 0, notes: [] }
}
