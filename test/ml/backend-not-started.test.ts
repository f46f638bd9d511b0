import { test } from 'vitest'
import { tfSync } from '../../src/ml/backend.js'
import { expectDeaiErrorSync } from '../helpers/expect-deai-error.js'

// Its own file, so that no other test has started TensorFlow.js in this process.
test('synchronous ML code before initMl is ML_NOT_INITIALIZED', () => {
  expectDeaiErrorSync(() => tfSync(), 'ML_NOT_INITIALIZED')
})
