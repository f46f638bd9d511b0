/**
 * The one error type that deai's library code throws.
 *
 * Every error carries a stable `code` (its identity: test for it with {@link isDeaiError}),
 * a one-line `shortMessage` that says what is wrong, and `fixes`: lines that tell the user
 * how to put it right. `cause` keeps the underlying error.
 *
 * @packageDocumentation
 */

export type DeaiErrorOptions = {
  /** Lines that tell the user how to fix the problem. */
  fixes?: readonly string[]
  /** Extra facts shown under the message (values that were seen, limits, paths). */
  details?: readonly string[]
  /** The error that led to this one. */
  cause?: unknown
}

const brand = Symbol.for('deai.error')

export class DeaiError extends Error {
  override name = 'DeaiError'
  /** Stable identity, e.g. `CONTENT_INVALID_CID`. */
  readonly code: string
  /** What is wrong, in one line. */
  readonly shortMessage: string
  readonly fixes: readonly string[]
  readonly details: readonly string[]
  readonly [brand] = true

  constructor(code: string, shortMessage: string, options: DeaiErrorOptions = {}) {
    const fixes = options.fixes ?? []
    const details = options.details ?? []
    const lines = [shortMessage]
    if (details.length > 0) lines.push('', ...details)
    if (fixes.length > 0) lines.push('', ...fixes.map((fix) => `Fix: ${fix}`))
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.fixes = fixes
    this.details = details
  }
}

/**
 * Recognises a deai error, optionally of one code. Works across duplicate package copies,
 * where `instanceof` would not.
 *
 * @example
 * ```ts
 * import { isDeaiError } from 'deai'
 * try { await store.get(cid) } catch (e) { if (isDeaiError(e, 'CONTENT_NOT_FOUND')) ... }
 * ```
 */
export function isDeaiError(error: unknown, code?: string): error is DeaiError {
  if (typeof error !== 'object' || error === null) return false
  if (!(brand in error)) return false
  return code === undefined || (error as DeaiError).code === code
}
