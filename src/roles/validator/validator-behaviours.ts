/** Validator behaviours. */
export const VALIDATOR_BEHAVIOURS = [
  'honest',
  'lazy', // scores at random without evaluating
  'colluding', // scores the colluding trainers' updates at the top and everyone else's at the bottom
  'sybil-swarm', // one owner's stake split over many minimum-stake validators that commit first and score in its favour
] as const
export type ValidatorBehaviour = (typeof VALIDATOR_BEHAVIOURS)[number]
