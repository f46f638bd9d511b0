import { BaseError, ContractFunctionRevertedError } from 'viem'
import { DeaiError, isDeaiError } from '../../errors/base.js'
import { contractErrorFixes } from './generated/contract-error-fixes.js'
import { OPENZEPPELIN_HINTS, when } from './openzeppelin-hints.js'
import type { Hint } from './openzeppelin-hints.js'
import { lowerCaseNames } from './enum-names.js'
import { CONTRACT_ENUM_MEMBERS } from './generated/protocol-constants.js'

// A round that was never opened reads better as such than as 'none'.
const ROUND_STATUS = lowerCaseNames(CONTRACT_ENUM_MEMBERS.ITrainingRounds.RoundStatus).map((name) => (name === 'none' ? 'not opened' : name))

/** The formats a `@custom:fix` may ask for; scripts/contract-error-fixes.ts accepts the same names. */
export const HINT_FORMATS: Readonly<Record<string, (value: unknown) => string>> = {
  time: when,
  taskStatus: (status) => taskStatusName(status),
  roundStatus: (status) => ROUND_STATUS[Number(status)] ?? 'not open',
}

// Templates hold `{i}` or `{i:format}` for argument i; one name may have fixes for several arities.
function natspecHint(byArity: Readonly<Record<number, string>>): Hint {
  return (args) => {
    const template = byArity[args.length] ?? Object.values(byArity)[0] ?? ''
    return template.replace(/\{(\d+)(?::(\w+))?\}/g, (_, index: string, format: string | undefined) => {
      const value = args[Number(index)]
      const render = format === undefined ? undefined : HINT_FORMATS[format]
      return render === undefined ? String(value) : render(value)
    })
  }
}

/**
 * What to do about each custom error, by name (exported for the test that every error has one):
 * for deai's contracts, the `@custom:fix` NatSpec on the error's declaration; for the
 * OpenZeppelin errors they inherit, {@link OPENZEPPELIN_HINTS}.
 */
export const HINTS: Readonly<Record<string, Hint>> = {
  ...OPENZEPPELIN_HINTS,
  ...Object.fromEntries(Object.entries(contractErrorFixes).map(([name, byArity]) => [name, natspecHint(byArity)])),
}

const TASK_STATUS = lowerCaseNames(CONTRACT_ENUM_MEMBERS.TaskRegistry.Status)
export type TaskStatusName = (typeof TASK_STATUS)[number]

export function taskStatusName(status: unknown): TaskStatusName {
  return TASK_STATUS[Number(status)] ?? 'none'
}

function format(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value)
}

/** A contract call reverted with a custom error; `errorName` and `args` say which. */
export class ContractRevertedError extends DeaiError {
  override name = 'ContractRevertedError'
  readonly errorName: string
  readonly args: readonly unknown[]
  constructor(what: string, errorName: string, args: readonly unknown[], cause: unknown) {
    const hint = HINTS[errorName]
    super('CONTRACT_REVERTED', `${what} reverted: ${errorName}(${args.map(format).join(', ')})`, {
      fixes: hint === undefined ? [] : [hint(args)],
      cause,
    })
    this.errorName = errorName
    this.args = args
  }
}

/**
 * Turns a failed contract call into a DeaiError `CONTRACT_REVERTED` that names the custom
 * error, its arguments and what to do; other failures become `LEDGER_CALL_FAILED`.
 */
export function toContractError(error: unknown, what: string): DeaiError {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? 'unknown error'
      return new ContractRevertedError(what, name, reverted.data?.args ?? [], error)
    }
    return new DeaiError('LEDGER_CALL_FAILED', `${what} failed: ${error.shortMessage}`, { cause: error })
  }
  return new DeaiError('LEDGER_CALL_FAILED', `${what} failed: ${String(error)}`, { cause: error })
}

/** The custom error name of a CONTRACT_REVERTED error, for callers that branch on it. */
export function revertName(error: unknown): string | undefined {
  if (!isDeaiError(error, 'CONTRACT_REVERTED')) return undefined
  return 'errorName' in error && typeof error.errorName === 'string' ? error.errorName : undefined
}
