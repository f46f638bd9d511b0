import { describe, expect, test } from 'vitest'
import { DeaiError, isDeaiError } from '../../src/errors/base.js'

describe('DeaiError', () => {
  test('carries code, short message, fixes and cause', () => {
    const cause = new Error('inner')
    const error = new DeaiError('EXAMPLE_CODE', 'something is wrong', { fixes: ['do this'], details: ['seen: 3'], cause })
    expect(error.code).toBe('EXAMPLE_CODE')
    expect(error.shortMessage).toBe('something is wrong')
    expect(error.message).toBe('something is wrong\n\nseen: 3\n\nFix: do this')
    expect(error.cause).toBe(cause)
  })

  test('is recognised by code without instanceof', () => {
    const error = new DeaiError('A', 'a')
    expect(isDeaiError(error)).toBe(true)
    expect(isDeaiError(error, 'A')).toBe(true)
    expect(isDeaiError(error, 'B')).toBe(false)
    expect(isDeaiError(new Error('x'))).toBe(false)
    expect(isDeaiError({ code: 'A' })).toBe(false)
    expect(isDeaiError(null)).toBe(false)
  })
})
