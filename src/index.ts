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
