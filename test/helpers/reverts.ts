import { BaseError, decodeErrorResult, encodeDeployData, isHex } from 'viem'
import type { Abi, Hex, PrivateKeyAccount } from 'viem'
import { expect } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { ContractRevertedError, revertName, toContractError } from '../../src/ledger/contracts/contract-errors.js'
import type { Ledger } from '../../src/ledger/ledger.js'

/** Records which custom errors each test made a contract raise, for the coverage checklists. */
export type RevertLog = {
  /**
   * Awaits `call`, asserts that it reverted with the custom error `errorName` (read with
   * `revertName`) and records the current test as covering it.
   *
   * @param call - a `writeContract`, `readContract` or `simulateDeploy` promise.
   * @returns the error's decoded arguments.
   */
  expectRevert(call: Promise<unknown>, errorName: string): Promise<readonly unknown[]>
  /** Error name → full names of the tests that saw it. */
  readonly seen: ReadonlyMap<string, ReadonlySet<string>>
}

export function createRevertLog(): RevertLog {
  const seen = new Map<string, Set<string>>()
  return {
    seen,
    async expectRevert(call, errorName) {
      let failure: unknown
      try {
        await call
      } catch (error) {
        failure = isDeaiError(error) ? error : toContractError(error, 'call')
      }
      expect(failure, `expected a revert with ${errorName}, but the call succeeded`).toBeDefined()
      expect(revertName(failure), String(failure)).toBe(errorName)
      const test = expect.getState().currentTestName ?? '(outside a test)'
      const tests = seen.get(errorName) ?? new Set<string>()
      tests.add(test)
      seen.set(errorName, tests)
      return failure instanceof ContractRevertedError ? failure.args : []
    },
  }
}

/** The custom error `call` reverted with (read with `revertName`), or undefined if it did not revert with one. */
export async function reverted(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call
    return undefined
  } catch (error) {
    return revertName(error)
  }
}

/** The names of the custom errors an ABI declares. */
export function declaredErrors(abi: Abi): string[] {
  return [...new Set(abi.flatMap((item) => (item.type === 'error' ? [item.name] : [])))].sort()
}

function revertData(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined
  let data: Hex | undefined
  error.walk((e) => {
    const candidate = typeof e === 'object' && e !== null && 'data' in e ? e.data : undefined
    if (typeof candidate === 'string' && isHex(candidate) && candidate.length >= 10) data = candidate
    else if (typeof candidate === 'object' && candidate !== null && 'data' in candidate && typeof candidate.data === 'string' && isHex(candidate.data)) data = candidate.data
    return data !== undefined
  })
  return data
}

/**
 * Runs a contract deployment as a call (nothing is mined) and, if the constructor reverts,
 * rejects with the same `CONTRACT_REVERTED` error that `writeContract` gives, decoded with `abi`.
 */
export async function simulateDeploy(
  ledger: Ledger,
  account: PrivateKeyAccount,
  deployment: { abi: Abi; bytecode: Hex; args: readonly unknown[] },
): Promise<void> {
  try {
    await ledger.client.call({ account, data: encodeDeployData({ abi: deployment.abi, bytecode: deployment.bytecode, args: deployment.args }) })
  } catch (error) {
    const data = revertData(error)
    if (data === undefined) throw toContractError(error, 'deploy')
    const decoded = decodeErrorResult({ abi: deployment.abi, data })
    throw new ContractRevertedError('deploy', decoded.errorName, decoded.args ?? [], error)
  }
}
