import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { errorsPage } from '../../scripts/errors-page.js'

test('docs/errors.md lists every error code and contract error as they are now (npm run docs:errors)', async () => {
  const committed = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  expect(committed).toBe(await errorsPage())
})
