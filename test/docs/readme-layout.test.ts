import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Directories under `dir` down to `depth` levels, as paths relative to the root. */
async function directories(dir: string, depth: number): Promise<string[]> {
  if (depth === 0) return []
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true })
  const dirs = entries.filter((e) => e.isDirectory() && e.name !== 'generated').map((e) => `${dir}/${e.name}`)
  return [...dirs, ...(await Promise.all(dirs.map((d) => directories(d, depth - 1)))).flat()]
}

/** The names the sketch gives: `a/{b,c}/` yields a/, b/ and c/; files keep their extension. */
function sketchNames(sketch: string): { dirs: Set<string>; files: Set<string> } {
  const expanded = sketch.replace(/\{([^}]*)\}\//g, (_, list: string) => list.split(',').map((n) => `${n}/`).join(' '))
  const tokens = expanded.split(/[\s(),;]+/).filter((t) => t !== '')
  const dirs = new Set(tokens.filter((t) => /^[\w.-]+\/([\w.-]+\/)*$/.test(t)).flatMap((t) => t.split('/').filter((n) => n !== '')))
  const files = new Set(tokens.filter((t) => /^[\w-]+\.(ts|md)$/.test(t)))
  return { dirs, files }
}

test('the README\'s layout sketch names every source folder, and nothing that is not there', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const sketch = /```\n(contracts\/[\s\S]*?)```/.exec(readme)?.[1] ?? ''
  expect(sketch, 'the layout sketch (a code block starting with contracts/)').not.toBe('')
  const { dirs, files } = sketchNames(sketch)
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1)
  const tree = [...(await directories('src', 3)), ...(await directories('contracts', 1)), ...(await directories('test', 1))]
  const sourceFolders = [...(await directories('src', 2)), ...(await directories('contracts', 1))]
  expect(sourceFolders.filter((d) => !dirs.has(name(d))), 'folders the sketch leaves out').toEqual([])
  const everyName = new Set([...tree.map(name), 'src', 'contracts', 'scripts', 'test', 'bench', 'examples', 'docs', 'artifacts', 'generated'])
  expect([...dirs].filter((d) => !everyName.has(d)), 'folders the sketch names that do not exist').toEqual([])
  const scripts = (await readdir(join(ROOT, 'scripts'))).filter((f) => f.endsWith('.ts'))
  expect(scripts.filter((f) => !files.has(f)), 'scripts the sketch leaves out').toEqual([])
  const existing = new Set([...scripts, ...(await readdir(join(ROOT, 'docs'))), ...(await readdir(join(ROOT, 'src', 'roles'))), ...(await readdir(join(ROOT, 'src', 'roles', 'drivers'))), 'index.ts'])
  expect([...files].filter((f) => !existing.has(f)), 'files the sketch names that do not exist').toEqual([])
})
