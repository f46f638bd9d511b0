import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)

describe('the SDK as a package', () => {
  test('a plain Node ESM script imports it as "deai" and runs a chain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deai-sdk-'))
    try {
      await mkdir(join(dir, 'node_modules'))
      await symlink(root, join(dir, 'node_modules', 'deai'), 'dir')
      const script = [
        "import { createEmbeddedLedger, deployProtocol, connectProtocol, listTasks, aggregate, decentralization } from 'deai'",
        'const ledger = await createEmbeddedLedger({ accounts: 2 })',
        'const protocol = await connectProtocol(ledger, await deployProtocol(ledger))',
        'const tasks = await listTasks(protocol)',
        "const mean = aggregate('fedavg', [new Float32Array([1, 3]), new Float32Array([3, 5])])",
        'console.log(JSON.stringify({ tasks: tasks.length, mean: Array.from(mean), nakamoto: decentralization([5, 3, 2]).nakamotoOneHalf }))',
      ].join('\n')
      await writeFile(join(dir, 'script.mjs'), script)
      const { stdout } = await run(process.execPath, ['script.mjs'], { cwd: dir })
      expect(JSON.parse(stdout)).toEqual({ tasks: 0, mean: [2, 4], nakamoto: 2 })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
