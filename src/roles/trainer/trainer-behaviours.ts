/** Trainer behaviours: honest work, and the attacks the protocol must withstand. */
export const TRAINER_BEHAVIOURS = [
  'honest',
  'label-flip', // trains on labels mapped l → 9 − l
  'sign-flip', // sends global − scale·(local − global): a scaled, sign-flipped update
  'gaussian-noise', // sends the global model plus N(0, sigma²) noise
  'backdoor', // trains on a share of examples stamped with a pixel trigger and relabelled to a target class
  'free-rider', // re-submits the global model without training
  'copier', // submits another trainer's update as its own (under commit–reveal only an earlier round's is visible in time)
  'front-runner', // copies another trainer's commitment and reveal from the mempool and tries to land first
  'slash-escaper', // submits a poisoned update, then unstakes and tries to withdraw before settlement
] as const
export type TrainerBehaviour = (typeof TRAINER_BEHAVIOURS)[number]
