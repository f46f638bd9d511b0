/** Proposer behaviours. */
export const PROPOSER_BEHAVIOURS = [
  'honest',
  'grinder', // stakes sybil verifiers and changes stake between the seed block and the draw to capture its committee
] as const
export type ProposerBehaviour = (typeof PROPOSER_BEHAVIOURS)[number]
