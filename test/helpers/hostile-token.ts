import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import solc from 'solc'
import type { Abi, Address, Hex, PrivateKeyAccount } from 'viem'
import { z } from 'zod'
import type { Ledger } from '../../src/ledger/ledger.js'

const SOURCE = fileURLToPath(new URL('../contracts/mocks/HostileToken.sol', import.meta.url))

const outputSchema = z.object({
  errors: z.array(z.object({ severity: z.string(), formattedMessage: z.string() })).optional(),
  contracts: z.record(z.string(), z.record(z.string(), z.object({
    abi: z.array(z.unknown()),
    evm: z.object({ bytecode: z.object({ object: z.string() }) }),
  }))).optional(),
})

/** The compiled mock: `abi` and creation `bytecode`. */
export type CompiledContract = { abi: Abi; bytecode: Hex }

let compiled: Promise<CompiledContract> | undefined

/** Compiles test/contracts/mocks/HostileToken.sol with solc-js (once per process). */
export function compileHostileToken(): Promise<CompiledContract> {
  compiled ??= (async () => {
    const input = {
      language: 'Solidity',
      sources: { 'HostileToken.sol': { content: await readFile(SOURCE, 'utf8') } },
      settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
    }
    const output = outputSchema.parse(JSON.parse(String(solc.compile(JSON.stringify(input)))))
    const problems = (output.errors ?? []).filter((e) => e.severity === 'error')
    if (problems.length > 0) throw new Error(problems.map((e) => e.formattedMessage).join('\n'))
    const contract = output.contracts?.['HostileToken.sol']?.['HostileToken']
    if (contract === undefined) throw new Error('HostileToken missing from the compiler output')
    // solc's ABI output is an ABI by construction.
    return { abi: contract.abi as Abi, bytecode: `0x${contract.evm.bytecode.object}` }
  })()
  return compiled
}

/** Deploys a contract and waits for it; returns its address. */
export async function deployContract(ledger: Ledger, account: PrivateKeyAccount, contract: CompiledContract | { abi: Abi; bytecode: Hex }, args: readonly unknown[] = []): Promise<Address> {
  const hash = await ledger.wallet(account).deployContract({ abi: contract.abi, bytecode: contract.bytecode, args } as never)
  const receipt = await ledger.client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || receipt.contractAddress == null) throw new Error(`deploying failed (tx ${hash})`)
  return receipt.contractAddress
}
