import { expect, test } from 'vitest'
import * as sdk from '../../src/index.js'

// The public API is what src/index.ts exports; a change to it should be seen in review.
test('the SDK export list', () => {
  expect(Object.keys(sdk).sort()).toMatchSnapshot()
})
