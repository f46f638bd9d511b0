import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { loadFashionMnist } from '../../src/ml/datasets/fashion-mnist.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('Fashion-MNIST files that are there but cannot be read', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-fashion-io-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('directories where the files should be are DATASET_UNREADABLE, not DATASET_MISSING', async () => {
    await mkdir(join(dir, 't10k-images-idx3-ubyte.gz'))
    await mkdir(join(dir, 't10k-labels-idx1-ubyte.gz'))
    await expectDeaiError(loadFashionMnist({ split: 'test', dir }), 'DATASET_UNREADABLE')
  })
})
