/**
 * An enum's member names as deai writes them, in lower case and in declaration order, so a
 * value indexes its name ('Proposed' → 'proposed').
 *
 * @example
 * ```ts
 * lowerCaseNames(['None', 'Pending']) // ['none', 'pending']
 * ```
 */
export function lowerCaseNames<const T extends string>(members: readonly T[]): readonly Lowercase<T>[] {
  return members.map((member) => member.toLowerCase() as Lowercase<T>)
}
