/**
 * The one error type that deai's library code throws.
 *
 * Every error carries a stable `code` (its identity, declared in {@link DEAI_ERRORS}: test for
 * it with {@link isDeaiError}), a one-line `shortMessage` that says what is wrong, and `fixes`:
 * lines that tell the user how to put it right (the registry's default fix when the throw site
 * gives none). `cause` keeps the underlying error.
 *
 * @packageDocumentation
 */
import { DEAI_ERRORS } from './codes.js'
import type { DeaiErrorCode } from './codes.js'

export type DeaiErrorOptions = {
  /** Lines that tell the user how to fix the problem. @default the registry's fix for the code */
  fixes?: readonly string[]
  /** Extra facts shown under the message (values that were seen, limits, paths). */
  details?: readonly string[]
  /** The error that led to this one. */
  cause?: unknown
}

const brand = Symbol.for('deai.error')

export class DeaiError<C extends DeaiErrorCode = DeaiErrorCode> extends Error {
  override name = 'DeaiError'
  /** Stable identity, e.g. `CONTENT_INVALID_CID`. */
  readonly code: C
  /** What is wrong, in one line. */
  readonly shortMessage: string
  readonly fixes: readonly string[]
  readonly details: readonly string[]
  readonly [brand] = true

  constructor(code: C, shortMessage: string, options: DeaiErrorOptions = {}) {
    const fixes = options.fixes ?? [defaultFix(code)]
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

// A code from a duplicate package copy may be one this copy does not know; it then has no default.
function defaultFix(code: DeaiErrorCode): string {
  const descriptor: { fix: string } | undefined = DEAI_ERRORS[code]
  return descriptor?.fix ?? ''
}

/**
 * Recognises a deai error, optionally of one code, and narrows its `code`. Works across
 * duplicate package copies, where `instanceof` would not.
 *
 * @example
 * ```ts
 * import { isDeaiError } from 'deai'
 * try { await store.get(cid) } catch (e) { if (isDeaiError(e, 'CONTENT_NOT_FOUND')) ... }
 * ```
 */
export function isDeaiError<C extends DeaiErrorCode = DeaiErrorCode>(error: unknown, code?: C): error is DeaiError<C> {
  if (typeof error !== 'object' || error === null) return false
  if (!(brand in error)) return false
  return code === undefined || (error as DeaiError).code === code
}
