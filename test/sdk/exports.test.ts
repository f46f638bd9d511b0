import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import * as main from '../../src/index.js'
import * as actions from '../../src/ledger/actions/index.js'
import * as mechanisms from '../../src/mechanisms/index.js'
import * as ml from '../../src/ml/index.js'
import * as roles from '../../src/roles/index.js'

// The public API is what the entry points export; a change to any of them should be seen in review.
const ENTRY_POINTS = { deai: main, 'deai/actions': actions, 'deai/mechanisms': mechanisms, 'deai/ml': ml, 'deai/roles': roles }

describe('the SDK entry points', () => {
  for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
    test(`${name} exports`, () => {
      expect(Object.keys(entry).sort()).toMatchSnapshot()
    })
  }

  test('each name has one home', () => {
    const homes = new Map<string, string[]>()
    for (const [name, entry] of Object.entries(ENTRY_POINTS)) for (const key of Object.keys(entry)) homes.set(key, [...(homes.get(key) ?? []), name])
    expect([...homes].filter(([, at]) => at.length > 1)).toEqual([])
  })

  test('every doc example imports each name from the entry point that exports it', async () => {
    const root = new URL('../..', import.meta.url).pathname
    const files = (await readdir(join(root, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => join('src', f))
    const wrong: string[] = []
    for (const file of [...files, 'README.md']) {
      for (const [, names = '', entry = ''] of (await readFile(join(root, file), 'utf8')).matchAll(/import \{([^}]*)\} from '(deai[^']*)'/g)) {
        const exported = Object.keys(ENTRY_POINTS[entry as keyof typeof ENTRY_POINTS] ?? {})
        for (const name of names.split(',').map((n) => n.trim()).filter((n) => n !== '')) if (!exported.includes(name)) wrong.push(`${file}: ${name} from '${entry}'`)
      }
    }
    expect(wrong).toEqual([])
  })

  test('package.json maps every entry point to its built module and types', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { types: string; default: string }> }
    const sources: Record<string, string> = { '.': 'index', './actions': 'ledger/actions/index', './mechanisms': 'mechanisms/index', './ml': 'ml/index', './roles': 'roles/index' }
    expect(Object.keys(pkg.exports).filter((k) => k !== './package.json').sort()).toEqual(Object.keys(sources).sort())
    for (const [subpath, source] of Object.entries(sources)) {
      expect(pkg.exports[subpath], subpath).toEqual({ types: `./dist/${source}.d.ts`, default: `./dist/${source}.js` })
    }
  })
})
