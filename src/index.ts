/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'
