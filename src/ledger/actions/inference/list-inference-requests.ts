import type { Address } from 'viem'
import type { Protocol } from '../../protocol.js'
import { getInferenceRequest } from './get-inference-request.js'
import type { InferenceRequest, InferenceStatus } from './get-inference-request.js'

export type ListInferenceRequestsParameters = {
  /** Only requests to this provider (an owner address). */
  provider?: Address | undefined
  /** Only requests in this status. */
  status?: InferenceStatus | undefined
}

/**
 * Reads the inference requests issued so far, oldest first.
 *
 * @example
 * ```ts
 * import { listInferenceRequests } from 'deai/actions'
 * const waiting = await listInferenceRequests(protocol, { provider: key.address, status: 'pending' })
 * ```
 */
export async function listInferenceRequests(protocol: Protocol, parameters: ListInferenceRequestsParameters = {}): Promise<InferenceRequest[]> {
  const count = await protocol.ledger.client.readContract({ ...protocol.inferenceLog, functionName: 'requestCount' })
  const provider = parameters.provider?.toLowerCase()
  const requests: InferenceRequest[] = []
  // One at a time: the embedded chain serves requests serially.
  for (let id = 1n; id <= count; id++) {
    const request = await getInferenceRequest(protocol, id)
    if (provider !== undefined && request.provider.toLowerCase() !== provider) continue
    if (parameters.status !== undefined && request.status !== parameters.status) continue
    requests.push(request)
  }
  return requests
}
