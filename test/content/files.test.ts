import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createContentStore } from '../../src/content/create-content-store.js'
import { getToFile, putFile } from '../../src/content/files.js'
import { CIDS } from './content-store-suite.js'
import { patternBytes } from './fixtures.js'
import type { ContentStore } from '../../src/content/content-store.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

const MIB = 1_048_576
let directory: string
let store: ContentStore

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'deai-files-'))
  store = await createContentStore({ kind: 'memory' })
})

afterAll(async () => {
  await store.close()
  await rm(directory, { recursive: true, force: true })
})

describe('putFile / getToFile', () => {
  test('a file gets the same CID as its bytes, and comes back identical', async () => {
    const source = join(directory, 'weights.bin')
    await writeFile(source, patternBytes(2.5 * MIB))
    const cid = await putFile(store, source)
    expect(cid).toBe(CIDS.twoAndAHalfMiB)
    const target = join(directory, 'copy.bin')
    expect(await getToFile(store, cid, target)).toBe(2.5 * MIB)
    expect(Buffer.compare(await readFile(target), patternBytes(2.5 * MIB))).toBe(0)
  })

  test('an empty file works', async () => {
    const source = join(directory, 'empty')
    await writeFile(source, new Uint8Array())
    expect(await putFile(store, source)).toBe(CIDS.empty)
  })

  test('a missing or unreadable source is CONTENT_FILE_FAILED', async () => {
    await expectDeaiError(putFile(store, join(directory, 'missing')), 'CONTENT_FILE_FAILED')
    const folder = join(directory, 'a-folder')
    await mkdir(folder)
    await expectDeaiError(putFile(store, folder), 'CONTENT_FILE_FAILED')
  })

  test('a failed get leaves no file behind and keeps the old one', async () => {
    const folder = join(directory, 'out')
    await mkdir(folder)
    const target = join(folder, 'target.bin')
    await writeFile(target, 'old')
    const cid = await store.putBytes(patternBytes(2.5 * MIB))
    await expectDeaiError(getToFile(store, cid, target, { maxBytes: MIB }), 'CONTENT_TOO_LARGE')
    await expectDeaiError(getToFile(store, CIDS.hello, target), 'CONTENT_NOT_FOUND')
    expect(await readdir(folder)).toEqual(['target.bin'])
    expect(await readFile(target, 'utf8')).toBe('old')
  })

  test('an unwritable target is CONTENT_FILE_FAILED', async () => {
    const cid = await store.putBytes(patternBytes(10))
    await expectDeaiError(getToFile(store, cid, join(directory, 'no', 'such', 'dir', 'x')), 'CONTENT_FILE_FAILED')
  })
})
