import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseEther } from 'viem'
import { readChainJournal } from '../../src/ledger/embedded/chain-journal.js'
import { createEmbeddedLedger } from '../../src/ledger/embedded/create-embedded-ledger.js'
import { deriveDevKeys } from '../../src/ledger/dev-accounts.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

describe('embedded ledger', () => {
  test('derives the well-known dev keys', () => {
    const [first, second] = deriveDevKeys(2)
    expect(first).toBe('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
    expect(second).toBe('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
  })

  test('funds dev accounts and mines transfers', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 3 })
    const [a, b] = ledger.accounts
    expect(await ledger.client.getBalance({ address: a!.address })).toBe(parseEther('10000'))
    const hash = await ledger.wallet(a!).sendTransaction({ to: b!.address, value: parseEther('1') })
    const receipt = await ledger.client.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(await ledger.client.getBalance({ address: b!.address })).toBe(parseEther('10001'))
    await ledger.close()
  })

  test('virtual time: blocks one second apart, advance jumps, runs repeat exactly', async () => {
    const run = async () => {
      const ledger = await createEmbeddedLedger({ accounts: 2 })
      const start = await ledger.clock.now()
      const [a, b] = ledger.accounts
      const h1 = await ledger.wallet(a!).sendTransaction({ to: b!.address, value: 1n })
      await ledger.clock.advance(3600)
      const h2 = await ledger.wallet(b!).sendTransaction({ to: a!.address, value: 2n })
      const r2 = await ledger.client.waitForTransactionReceipt({ hash: h2 })
      const block = await ledger.client.getBlock({ blockNumber: r2.blockNumber })
      return { start, h1, h2, blockHash: block.hash, elapsed: block.timestamp - start }
    }
    const first = await run()
    const second = await run()
    expect(first.elapsed).toBe(3602n) // tx block +1, advance +3600 (mined), tx block +1
    expect(second).toEqual(first)
  })

  test('wall time follows the clock and still honours advance', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 1, time: 'wall' })
    const before = await ledger.clock.now()
    await ledger.clock.advance(1000)
    expect((await ledger.clock.now()) - before).toBeGreaterThanOrEqual(1000n)
  })
})

describe('chain journal', () => {
  test('replaying the journal rebuilds the chain block for block; a tampered journal is refused', async () => {
    const { replayChainJournal } = await import('../../src/ledger/embedded/create-embedded-ledger.js')
    const ledger = await createEmbeddedLedger({ accounts: 3 })
    const [a, b] = ledger.accounts
    await ledger.wallet(a!).sendTransaction({ to: b!.address, value: 7n })
    await ledger.clock.advance(500)
    await ledger.wallet(b!).sendTransaction({ to: a!.address, value: 3n })
    await ledger.clock.mine(2)
    const journal = await ledger.journal()
    expect(journal.entries.map((e) => e.method)).toEqual(['eth_sendRawTransaction', 'evm_increaseTime', 'evm_mine', 'eth_sendRawTransaction', 'evm_mine', 'evm_mine'])
    const replayed = await replayChainJournal(JSON.parse(JSON.stringify(journal)) as typeof journal)
    expect(await replayed.client.getBalance({ address: b!.address })).toBe(await ledger.client.getBalance({ address: b!.address }))
    const tampered = { ...journal, entries: journal.entries.filter((e) => e.method !== 'evm_increaseTime') }
    await expect(replayChainJournal(tampered)).rejects.toSatisfy((e: unknown) => (e as { code?: string }).code === 'LEDGER_REPLAY_MISMATCH')
  })
})

describe('chain journal files', () => {
  test('a journal file reads back as written; a file of another form is named with its wrong fields', async () => {
    const ledger = await createEmbeddedLedger({ accounts: 2 })
    const [a, b] = ledger.accounts
    await ledger.wallet(a!).sendTransaction({ to: b!.address, value: 7n })
    const journal = await ledger.journal()
    const dir = await mkdtemp(join(tmpdir(), 'deai-journal-'))
    try {
      await writeFile(join(dir, 'run.chain.json'), JSON.stringify(journal))
      expect(await readChainJournal(join(dir, 'run.chain.json'))).toEqual(journal)
      await writeFile(join(dir, 'report.json'), JSON.stringify({ rounds: [] }))
      expect((await expectDeaiError(readChainJournal(join(dir, 'report.json')), 'LEDGER_JOURNAL_INVALID')).details[0]).toMatch(/^format: /)
      await writeFile(join(dir, 'edited.chain.json'), JSON.stringify({ ...journal, head: { ...journal.head, number: 'x' } }))
      expect((await expectDeaiError(readChainJournal(join(dir, 'edited.chain.json')), 'LEDGER_JOURNAL_INVALID')).details).toEqual(['head.number: must be a whole number in decimal'])
      await expectDeaiError(readChainJournal(join(dir, 'absent.chain.json')), 'FILE_UNREADABLE')
    } finally {
      await rm(dir, { recursive: true, force: true })
      await ledger.close()
    }
  })
})
