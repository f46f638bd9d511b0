import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { readKeystoreFile, writeKeystoreFile } from '../../src/keys/keystore.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('keystore files that cannot be read or written', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-keystore-io-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('reading a key file that is not there is KEYSTORE_UNREADABLE', async () => {
    await expectDeaiError(readKeystoreFile(join(dir, 'UTC--missing'), 'password'), 'KEYSTORE_UNREADABLE')
  })

  test('writing a key file where a file stands in for the directory is KEYSTORE_UNWRITABLE', async () => {
    const notADirectory = join(dir, 'plain-file')
    await writeFile(notADirectory, 'not a directory')
    await expectDeaiError(writeKeystoreFile(join(notADirectory, 'keys'), 'password', { strength: 'light' }), 'KEYSTORE_UNWRITABLE')
  })
})
