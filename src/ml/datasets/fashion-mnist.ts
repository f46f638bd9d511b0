/**
 * Loads Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017: 70,000 28x28 greyscale images of clothing
 * in 10 classes) from the IDX files of Debian's `dataset-fashion-mnist` package.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { DeaiError } from '../../errors/base.js'
import type { ImageSet } from './image-set.js'
import { parseIdx } from './idx.js'
import type { DeaiErrorCodeIn } from '../../errors/codes.js'

const gunzipAsync = promisify(gunzip)

/** Where Debian's `dataset-fashion-mnist` installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist'

/** The environment variable that overrides {@link FASHION_MNIST_DEFAULT_DIR}. */
export const FASHION_MNIST_DIR_ENV = 'DEAI_FASHION_MNIST_DIR'

/** Class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const

/** The 60,000-image training split or the 10,000-image test split. */
export type FashionMnistSplit = 'train' | 'test'

export type LoadFashionMnistParameters = {
  /** Which split to load. */
  split: FashionMnistSplit
  /**
   * Directory holding the four IDX files (gzipped, or uncompressed without the `.gz`).
   * @default process.env.DEAI_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist
   */
  dir?: string
}

/** Error codes thrown by {@link loadFashionMnist}. */
export type LoadFashionMnistErrorCode = DeaiErrorCodeIn<'dataset'>

const FILES: Record<FashionMnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
}

const ROWS = 28
const COLS = 28
const CLASSES = 10

const cache = new Map<string, Promise<ImageSet>>()

/**
 * Resolves the dataset directory: the argument, else `DEAI_FASHION_MNIST_DIR`, else the Debian path.
 *
 * @param dir an explicit directory, if any
 * @returns an absolute directory path
 */
export function fashionMnistDir(dir?: string): string {
  const fromEnv = process.env[FASHION_MNIST_DIR_ENV]
  return resolve(dir ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : FASHION_MNIST_DEFAULT_DIR))
}

/**
 * Loads one split of Fashion-MNIST as compact byte arrays. The parsed split is cached in the
 * process (per directory), so later calls are free and return the same arrays.
 *
 * @param parameters which split, and optionally where the files are
 * @returns the images (uint8, 28x28, row-major) and labels (0-9)
 * @throws DeaiError `DATASET_MISSING` when a file is absent, `DATASET_MALFORMED` when a file
 *   is not valid gzip or IDX or the images and labels disagree, `DATASET_UNREADABLE` on other
 *   I/O errors
 * @example
 * ```ts
 * import { loadFashionMnist, takeExamples } from 'deai/ml'
 * const train = await loadFashionMnist({ split: 'train' })
 * const small = takeExamples(train, 500)
 * ```
 */
export function loadFashionMnist(parameters: LoadFashionMnistParameters): Promise<ImageSet> {
  const dir = fashionMnistDir(parameters.dir)
  const key = `${dir}\u0000${parameters.split}`
  let pending = cache.get(key)
  if (pending === undefined) {
    pending = loadSplit(dir, parameters.split)
    cache.set(key, pending)
    // A failed load is not cached: the user may install the files and try again.
    pending.catch(() => cache.delete(key))
  }
  return pending
}

async function loadSplit(dir: string, split: FashionMnistSplit): Promise<ImageSet> {
  const names = FILES[split]
  const [imageBytes, labelBytes] = await Promise.all([readIdxFile(dir, names.images), readIdxFile(dir, names.labels)])
  const images = parseIdx(imageBytes.bytes, imageBytes.path, 3)
  const labels = parseIdx(labelBytes.bytes, labelBytes.path, 1)
  const [count = 0, rows, cols] = images.dims
  if (rows !== ROWS || cols !== COLS) {
    throw new DeaiError('DATASET_MALFORMED', `${imageBytes.path} holds ${rows}x${cols} images, not ${ROWS}x${COLS}.`, {
      fixes: ['Point DEAI_FASHION_MNIST_DIR at the Fashion-MNIST files, not another IDX dataset.'],
    })
  }
  if (labels.dims[0] !== count) {
    throw new DeaiError('DATASET_MALFORMED', `${labelBytes.path} has ${labels.dims[0]} labels for ${count} images.`, {
      fixes: ['Use image and label files from the same dataset release.'],
    })
  }
  const bad = labels.data.findIndex((label) => label >= CLASSES)
  if (bad !== -1) {
    throw new DeaiError('DATASET_MALFORMED', `${labelBytes.path} has label ${labels.data[bad]} at index ${bad}; labels must be 0-9.`, {
      fixes: ['Reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist).'],
    })
  }
  return { count, rows: ROWS, cols: COLS, classes: CLASSES, images: images.data, labels: labels.data }
}

function missing(dir: string, name: string, cause: unknown): DeaiError {
  return new DeaiError('DATASET_MISSING', `Fashion-MNIST file ${name}.gz was not found in ${dir}.`, {
    cause,
    details: [`Looked for ${join(dir, `${name}.gz`)} and ${join(dir, name)}.`],
    fixes: [
      'Install the dataset: apt-get install dataset-fashion-mnist',
      `Or set ${FASHION_MNIST_DIR_ENV} to a directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.`,
    ],
  })
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code
  return undefined
}

/** Reads `name.gz` (or, failing that, uncompressed `name`) and gunzips it when it is gzip data. */
async function readIdxFile(dir: string, name: string): Promise<{ path: string; bytes: Uint8Array }> {
  let path = join(dir, `${name}.gz`)
  let raw: Uint8Array
  try {
    raw = await readFile(path)
  } catch (gzError) {
    if (!isNotFound(gzError)) throw unreadable(path, gzError)
    path = join(dir, name)
    try {
      raw = await readFile(path)
    } catch (plainError) {
      if (isNotFound(plainError)) throw missing(dir, name, gzError)
      throw unreadable(path, plainError)
    }
  }
  const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b
  if (!isGzip) return { path, bytes: raw }
  try {
    return { path, bytes: await gunzipAsync(raw) }
  } catch (cause) {
    throw new DeaiError('DATASET_MALFORMED', `${path} is not valid gzip data.`, {
      cause,
      fixes: ['Reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist) or replace the file with an intact copy.'],
    })
  }
}

function isNotFound(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function unreadable(path: string, cause: unknown): DeaiError {
  return new DeaiError('DATASET_UNREADABLE', `Cannot read ${path}.`, {
    cause,
    details: [`System error: ${errorCode(cause) ?? String(cause)}`],
    fixes: ['Check that the file is readable by this user.'],
  })
}
