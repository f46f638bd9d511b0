import type { Abi } from 'viem'
import { expect } from 'vitest'
import { declaredErrors } from './reverts.js'
import type { RevertLog } from './reverts.js'

export type ErrorChecklist = {
  /** Error name → title of the test (in this file) that makes the contract raise it. */
  covered: Readonly<Record<string, string>>
  /** Error name → why no call into this contract can raise it. */
  unreachable?: Readonly<Record<string, string>>
}

/**
 * Asserts that every error the ABI declares is either covered by a named test, which did raise
 * it during this run, or listed as unreachable with a reason; and that the lists hold no names
 * the ABI lacks. A new error added to a contract fails this until a test covers it.
 */
export function assertErrorChecklist(abi: Abi, log: RevertLog, checklist: ErrorChecklist): void {
  const declared = declaredErrors(abi)
  const unreachable = checklist.unreachable ?? {}
  const listed = new Set([...Object.keys(checklist.covered), ...Object.keys(unreachable)])
  expect(declared.filter((name) => !listed.has(name)), 'declared errors with no test').toEqual([])
  expect([...listed].filter((name) => !declared.includes(name)), 'listed errors the ABI does not declare').toEqual([])
  expect(Object.keys(checklist.covered).filter((name) => name in unreachable), 'errors listed both ways').toEqual([])
  const notRaised = Object.entries(checklist.covered).filter(([name, title]) => {
    const tests = [...(log.seen.get(name) ?? [])]
    return !tests.some((test) => test.endsWith(title))
  })
  expect(notRaised.map(([name, title]) => `${name} (expected in "${title}")`), 'covered errors their test did not raise').toEqual([])
}
