import { z } from 'zod'
import { DeaiError } from '../../errors/base.js'
import { readDataFile } from '../../shared/read-data-file.js'
import type { ChainJournal } from './create-embedded-ledger.js'

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'must be 0x-prefixed hex')
const decimal = z.string().regex(/^\d+$/, 'must be a whole number in decimal')

const chainJournalSchema = z.strictObject({
  format: z.literal('deai-chain-journal/1'),
  chainId: z.number().int().positive(),
  genesisTime: decimal,
  balances: z.array(z.strictObject({ address: hex.length(42), balance: decimal })),
  entries: z.array(z.strictObject({ method: z.string().min(1), params: z.array(z.unknown()) })),
  head: z.strictObject({ number: decimal, hash: hex.length(66) }),
})

/**
 * Checks that `value` is a chain journal (what `deai run` writes beside its report as
 * `<name>.chain.json`), so a wrong file is named before any replay starts.
 *
 * @throws DeaiError `LEDGER_JOURNAL_INVALID` naming the first fields that are wrong.
 */
export function parseChainJournal(value: unknown, source = 'chain journal'): ChainJournal {
  const parsed = chainJournalSchema.safeParse(value)
  if (!parsed.success) {
    throw new DeaiError('LEDGER_JOURNAL_INVALID', `${source} is not a deai chain journal`, {
      details: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    })
  }
  return parsed.data as ChainJournal
}

/**
 * Reads and checks a chain journal file; `replayChainJournal` rebuilds the chain from it.
 *
 * @example
 * ```ts
 * import { readChainJournal, replayChainJournal } from 'deai'
 * const ledger = await replayChainJournal(await readChainJournal('reports/quickstart.chain.json'))
 * ```
 */
export async function readChainJournal(path: string): Promise<ChainJournal> {
  return parseChainJournal(await readDataFile(process.cwd(), path, 'chain journal'), path)
}
