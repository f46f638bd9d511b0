/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'

export { createContentStore } from './content/create-content-store.js'
export type { ContentStoreInit, ContentStoreLimits, FsContentStoreInit, MemoryContentStoreInit } from './content/create-content-store.js'
export type { CidLike, ContentErrorCode, ContentGetOptions, ContentStore } from './content/content-store.js'
export { normalizeCid } from './content/cid.js'
export { cidToDigest, digestToCid } from './content/cid-digest.js'
export type { CidDigest, ContentCodec } from './content/cid-digest.js'
export { getToFile, putFile } from './content/files.js'

export { createMemoryPeerHub } from './peers/memory-peer-hub.js'
export type { MemoryPeerHub, MemoryPeerHubInit, MemoryPeerInit } from './peers/memory-peer-hub.js'
export type { PeerErrorCode, PeerMessage, PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from './peers/peer-network.js'
export { publishJson, readJsonMessage } from './peers/json-messages.js'

export { AGGREGATION_RULES, aggregate, aggregateWithSelection, selectUpdates } from './mechanisms/aggregation/aggregate.js'
export type { AggregateOptions, AggregationResult, AggregationRule, SelectionRule } from './mechanisms/aggregation/aggregate.js'
export { clipByNorm, l2Norm } from './mechanisms/aggregation/clip.js'
export { decentralization } from './mechanisms/metrics/decentralization.js'
export type { DecentralizationMetrics } from './mechanisms/metrics/decentralization.js'
export type { Distribution } from './mechanisms/metrics/distribution.js'
export { normalizedEntropy } from './mechanisms/metrics/entropy.js'
export { gini } from './mechanisms/metrics/gini.js'
export { herfindahlHirschmanIndex } from './mechanisms/metrics/hhi.js'
export { nakamotoCoefficient } from './mechanisms/metrics/nakamoto.js'
export { topKShare } from './mechanisms/metrics/top-k-share.js'
