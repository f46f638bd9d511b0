import { describe, expect, expectTypeOf, test } from 'vitest'
import { DeaiError, isDeaiError } from '../../src/errors/base.js'
import { DEAI_ERRORS } from '../../src/errors/codes.js'

describe('DeaiError', () => {
  test('carries code, short message, fixes and cause', () => {
    const cause = new Error('inner')
    const error = new DeaiError('CONTENT_NOT_FOUND', 'something is wrong', { fixes: ['do this'], details: ['seen: 3'], cause })
    expect(error.code).toBe('CONTENT_NOT_FOUND')
    expect(error.shortMessage).toBe('something is wrong')
    expect(error.message).toBe('something is wrong\n\nseen: 3\n\nFix: do this')
    expect(error.cause).toBe(cause)
  })

  test('is recognised by code without instanceof', () => {
    const error = new DeaiError('CONTENT_NOT_FOUND', 'a')
    expect(isDeaiError(error)).toBe(true)
    expect(isDeaiError(error, 'CONTENT_NOT_FOUND')).toBe(true)
    expect(isDeaiError(error, 'CONTENT_CORRUPT')).toBe(false)
    expect(isDeaiError(new Error('x'))).toBe(false)
    expect(isDeaiError({ code: 'CONTENT_NOT_FOUND' })).toBe(false)
    expect(isDeaiError(null)).toBe(false)
  })

  test('gives the registry\'s fix when the throw site gives none, and only then', () => {
    expect(new DeaiError('CONTENT_NOT_FOUND', 'a').fixes).toEqual([DEAI_ERRORS.CONTENT_NOT_FOUND.fix])
    expect(new DeaiError('CONTENT_NOT_FOUND', 'a').message).toBe(`a\n\nFix: ${DEAI_ERRORS.CONTENT_NOT_FOUND.fix}`)
    expect(new DeaiError('CONTENT_NOT_FOUND', 'a', { fixes: ['put it first'] }).fixes).toEqual(['put it first'])
  })

  test('takes only registered codes, and the guard narrows to the code asked for', () => {
    // @ts-expect-error: a misspelt code does not compile
    expect(() => new DeaiError('CONTNET_NOT_FOUND', 'a')).not.toThrow()
    const error: unknown = new DeaiError('PEER_ID_TAKEN', 'taken')
    if (isDeaiError(error, 'PEER_ID_TAKEN')) expectTypeOf(error.code).toEqualTypeOf<'PEER_ID_TAKEN'>()
    // @ts-expect-error: nor does a misspelt code in the guard
    expect(isDeaiError(error, 'PEER_ID_TAKN')).toBe(false)
  })
})
