import type { Training } from '../../training.js'
import { getSubmissions } from './get-submissions.js'
import type { RevealedSubmission } from './get-submissions.js'

/** The revealed updates of the latest opening of `round`, in commitment order. */
export async function getRevealedUpdates(training: Training, round: bigint): Promise<RevealedSubmission[]> {
  return (await getSubmissions(training, round)).filter((s): s is RevealedSubmission => s.revealed)
}
