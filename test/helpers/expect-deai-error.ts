/** The one assertion that a call fails with a given DeaiError code. */
import { expect } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import type { DeaiError } from '../../src/errors/base.js'
import type { DeaiErrorCode } from '../../src/errors/codes.js'

function describeFailure(error: unknown, threw: boolean): string {
  if (!threw) return 'success'
  if (isDeaiError(error)) return `DeaiError ${error.code}: ${error.shortMessage}`
  return `not a DeaiError: ${String(error)}`
}

function check<C extends DeaiErrorCode>(error: unknown, threw: boolean, code: C): DeaiError<C> {
  if (!isDeaiError(error, code)) expect.fail(`expected DeaiError ${code}, got ${describeFailure(error, threw)}`)
  return error
}

/**
 * Asserts that `run` rejects (a promise, or a function that throws or returns a rejecting
 * promise) with a DeaiError of `code`.
 *
 * @returns the error, for further assertions on its details.
 */
export async function expectDeaiError<C extends DeaiErrorCode>(run: Promise<unknown> | (() => unknown), code: C): Promise<DeaiError<C>> {
  try {
    await (typeof run === 'function' ? run() : run)
  } catch (error) {
    return check(error, true, code)
  }
  return check(undefined, false, code)
}

/**
 * Asserts that `run` throws a DeaiError of `code` synchronously.
 *
 * @returns the error, for further assertions on its details.
 */
export function expectDeaiErrorSync<C extends DeaiErrorCode>(run: () => unknown, code: C): DeaiError<C> {
  try {
    run()
  } catch (error) {
    return check(error, true, code)
  }
  return check(undefined, false, code)
}
