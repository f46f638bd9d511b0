import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readDeployment } from '../../src/ledger/deploy/deployment.js'
import { deriveDevKeys } from '../../src/ledger/dev-accounts.js'
import { connectProtocol } from '../../src/ledger/protocol.js'
import { createRpcLedger } from '../../src/ledger/rpc/create-rpc-ledger.js'
import { main } from '../../src/cli/main.js'
import { playTask, stakeVerifiers } from '../helpers/task-lifecycle.js'

const bin = resolve(import.meta.dirname, '../../bin/deai.js')

/** `deai chain` in its own OS process, on a free port, in a temporary directory. */
async function startChain(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'chain', '--port', '0', '--json', '--accounts', '9'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`deai chain exited with ${code}`)))
    lines.once('line', (line) => resolvePromise((JSON.parse(line) as { rpcUrl: string }).rpcUrl))
  })
  return { child, url }
}

describe('task lifecycle over JSON-RPC against `deai chain` in another process', () => {
  let dir: string
  let chain: { child: ChildProcess; url: string }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deai-rpc-'))
    chain = await startChain(dir)
  })
  afterAll(async () => {
    chain?.child.kill('SIGTERM')
    await rm(dir, { recursive: true, force: true })
  })

  test('a plain eth_blockNumber answers', async () => {
    const response = await fetch(chain.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' }),
    })
    const body = (await response.json()) as { result: string }
    expect(body.result).toMatch(/^0x[0-9a-f]+$/)
  })

  test('approve and reject paths', async () => {
    const ledger = await createRpcLedger({ url: chain.url, privateKeys: deriveDevKeys(9), pollingInterval: 20 })
    const protocol = await connectProtocol(ledger, await readDeployment(join(dir, '.deai/deployment.json')))
    const [, proposer, ...verifiers] = ledger.accounts
    await stakeVerifiers(protocol, verifiers)
    await playTask(protocol, proposer!, verifiers, true)
    await playTask(protocol, proposer!, verifiers, false)
  })

  test('deai task list --rpc answers from the other process', async () => {
    let out = ''
    const code = await main(['task', 'list', '--rpc', chain.url, '--json'], { cwd: dir, stdout: (t) => void (out += t), stderr: () => {} })
    expect(code).toBe(0)
    const tasks = JSON.parse(out) as { status: string }[]
    expect(tasks.map((t) => t.status)).toEqual(['open', 'rejected'])
  })
})
