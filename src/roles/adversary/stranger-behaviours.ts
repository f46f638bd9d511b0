/** Behaviours of strangers: accounts with no role in the task. */
export const STRANGER_BEHAVIOURS = [
  'operator-griefer', // names honest keys as its operators before they stake, to bar them or pass their work off
] as const
export type StrangerBehaviour = (typeof STRANGER_BEHAVIOURS)[number]
