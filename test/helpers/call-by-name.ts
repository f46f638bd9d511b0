/**
 * Contract calls by a function name known only at run time (fuzzers, tables of errors, lens
 * contracts compiled in the test): viem types a call from a literal name, so these go through
 * the ABI as a plain `Abi` instead.
 */
import { encodeFunctionData } from 'viem'
import type { Abi, Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import type { Ledger } from '../../src/ledger/ledger.js'
import { writeContract } from '../../src/ledger/write-contract.js'

export type NamedContract = { address: Address; abi: Abi | readonly unknown[] }

/** Sends `functionName(args)` through the ledger's writeContract (a revert becomes its DeaiError). */
export function writeByName(ledger: Ledger, account: PrivateKeyAccount, contract: NamedContract, functionName: string, args: readonly unknown[]): Promise<TransactionReceipt> {
  return writeContract(ledger, account, { address: contract.address, abi: contract.abi as Abi, functionName, args })
}

/** Reads `functionName(args)`. */
export function readByName<T = unknown>(ledger: Ledger, contract: NamedContract, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return ledger.client.readContract({ address: contract.address, abi: contract.abi as Abi, functionName, args }) as Promise<T>
}

/** Sends `functionName(args)` without estimating or waiting (a fixed gas limit, an optional value); returns the hash. */
export function sendByName(ledger: Ledger, account: PrivateKeyAccount, contract: NamedContract, functionName: string, args: readonly unknown[], options: { gas?: bigint; value?: bigint } = {}): Promise<Hex> {
  const data = encodeFunctionData({ abi: contract.abi as Abi, functionName, args })
  return ledger.wallet(account).sendTransaction({ to: contract.address, data, ...(options.gas === undefined ? {} : { gas: options.gas }), ...(options.value === undefined ? {} : { value: options.value }) })
}
