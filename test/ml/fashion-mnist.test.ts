import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FASHION_MNIST_DIR_ENV, fashionMnistDir, loadFashionMnist } from '../../src/ml/datasets/fashion-mnist.js'
import { idx } from './fixtures.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const pixels = (n: number): number[] => Array.from({ length: n * 784 }, (_, i) => i % 256)

describe('loadFashionMnist on the installed dataset', () => {
  test('parses both splits into compact arrays', async () => {
    const train = await loadFashionMnist({ split: 'train' })
    const test = await loadFashionMnist({ split: 'test' })
    expect([train.count, train.rows, train.cols, train.classes]).toEqual([60_000, 28, 28, 10])
    expect(test.count).toBe(10_000)
    expect(train.images).toBeInstanceOf(Uint8Array)
    expect(train.images.length).toBe(60_000 * 784)
    expect(train.labels).toBeInstanceOf(Uint8Array)
    // Both Fashion-MNIST splits are exactly balanced: 6,000 and 1,000 images per class.
    const perClass = new Array<number>(10).fill(0)
    for (const label of test.labels) perClass[label]! += 1
    expect(perClass).toEqual(new Array<number>(10).fill(1000))
    // The first training image is an ankle boot (label 9) and has ink in it.
    expect(train.labels[0]).toBe(9)
    expect(train.images.subarray(0, 784).some((p) => p > 200)).toBe(true)
  })

  test('caches the parsed split in the process', async () => {
    const a = await loadFashionMnist({ split: 'test' })
    const b = await loadFashionMnist({ split: 'test' })
    expect(b).toBe(a)
  })
})

describe('loadFashionMnist on other directories', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-fmnist-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function writeSplit(sub: string, files: Record<string, Uint8Array>): Promise<string> {
    const path = join(dir, sub)
    await rm(path, { recursive: true, force: true })
    await mkdir(path)
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(path, name), bytes)
    return path
  }

  test('reports missing files as DATASET_MISSING', async () => {
    await expectDeaiError(loadFashionMnist({ split: 'test', dir: join(dir, 'nowhere') }), 'DATASET_MISSING')
    const onlyImages = await writeSplit('only-images', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([1, 28, 28], pixels(1))) })
    await expectDeaiError(loadFashionMnist({ split: 'test', dir: onlyImages }), 'DATASET_MISSING')
  })

  test('reads gzipped and uncompressed files, and follows the environment variable', async () => {
    const path = await writeSplit('tiny', {
      't10k-images-idx3-ubyte.gz': gzipSync(idx([3, 28, 28], pixels(3))),
      't10k-labels-idx1-ubyte': idx([3], [4, 0, 9]),
    })
    const set = await loadFashionMnist({ split: 'test', dir: path })
    expect(set.count).toBe(3)
    expect(Array.from(set.labels)).toEqual([4, 0, 9])
    expect(set.images[785]).toBe(785 % 256)

    const saved = process.env[FASHION_MNIST_DIR_ENV]
    process.env[FASHION_MNIST_DIR_ENV] = path
    try {
      expect(fashionMnistDir()).toBe(path)
      expect(await loadFashionMnist({ split: 'test' })).toBe(set)
      expect(fashionMnistDir('/elsewhere')).toBe('/elsewhere')
    } finally {
      if (saved === undefined) delete process.env[FASHION_MNIST_DIR_ENV]
      else process.env[FASHION_MNIST_DIR_ENV] = saved
    }
  })

  test.each([
    ['corrupt gzip', { 't10k-images-idx3-ubyte.gz': new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([1], [0])) }],
    ['truncated images', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([2, 28, 28], pixels(2)).subarray(0, 800)), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([2], [0, 1])) }],
    ['wrong image size', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([1, 14, 56], pixels(1))), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([1], [0])) }],
    ['label count mismatch', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([2, 28, 28], pixels(2))), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([3], [0, 1, 2])) }],
    ['label out of range', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([1, 28, 28], pixels(1))), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([1], [10])) }],
    ['labels stored as images', { 't10k-images-idx3-ubyte.gz': gzipSync(idx([1, 28, 28], pixels(1))), 't10k-labels-idx1-ubyte.gz': gzipSync(idx([1, 28, 28], pixels(1))) }],
  ])('reports %s as DATASET_MALFORMED', async (name, files) => {
    const path = await writeSplit(name.replace(/ /g, '-'), files)
    await expectDeaiError(loadFashionMnist({ split: 'test', dir: path }), 'DATASET_MALFORMED')
  })

  test('does not cache failures', async () => {
    const path = await writeSplit('later', {})
    await expectDeaiError(loadFashionMnist({ split: 'test', dir: path }), 'DATASET_MISSING')
    await writeFile(join(path, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([1, 28, 28], pixels(1))))
    await writeFile(join(path, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([1], [3])))
    expect((await loadFashionMnist({ split: 'test', dir: path })).count).toBe(1)
  })
})
