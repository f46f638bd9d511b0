import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, test } from 'vitest'
import { initMl } from '../../src/ml/backend.js'

describe('initMl', () => {
  test('selects the wasm backend, idempotently', async () => {
    await Promise.all([initMl(), initMl()])
    await initMl()
    expect(tf.getBackend()).toBe('wasm')
  })

  // `npm test` builds dist first; this checks that the built package finds the wasm binaries too.
  test.skipIf(!existsSync('dist/ml/backend.js'))('works from the built dist in a plain Node process', async () => {
    const script = "const m = await import('./dist/ml/backend.js'); await m.initMl(); const tf = await import('@tensorflow/tfjs'); console.log(tf.getBackend())"
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])
    expect(stdout.trim()).toBe('wasm')
  })
})
