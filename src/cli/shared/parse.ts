import { isAddress, parseEther } from 'viem'
import type { Address } from 'viem'
import { VOTE_SUPPORT } from '../../ledger/contracts/proposal-state.js'
import type { VoteSupport } from '../../ledger/contracts/proposal-state.js'
import { ROLE_NAMES } from '../../ledger/contracts/roles.js'
import type { RoleName } from '../../ledger/contracts/roles.js'
import { DeaiError } from '../../errors/base.js'

/** Argument parsers for flags and positionals; a bad value is a DeaiError the CLI prints with exit code 1. */
function bad(message: string): DeaiError {
  return new DeaiError('CLI_BAD_ARGUMENT', message)
}

/** "1500" or "0.25" DEAI → wei. */
export function parseAmount(value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value)) {
    throw bad(`"${value}" is not an amount of DEAI; write a decimal number such as 100 or 2.5`)
  }
  return parseEther(value)
}

/** "30s", "15m", "2h", "7d" or plain seconds → seconds. */
export function parseDuration(value: string): bigint {
  const match = /^(\d+)([smhd]?)$/.exec(value)
  if (match === null) throw bad(`"${value}" is not a duration; write e.g. 90, 30s, 15m, 2h or 7d`)
  const unit = { '': 1n, s: 1n, m: 60n, h: 3600n, d: 86400n }[match[2] as '' | 's' | 'm' | 'h' | 'd']
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the pattern's first group always takes part in a match
  return BigInt(match[1]!) * unit
}

export function parseRole(value: string): RoleName {
  if (!(ROLE_NAMES as readonly string[]).includes(value)) {
    throw bad(`unknown role "${value}"; one of: ${ROLE_NAMES.join(', ')}`)
  }
  return value as RoleName
}

export function parseTaskId(value: string): bigint {
  if (!/^\d+$/.test(value)) throw bad(`"${value}" is not a task id (a whole number)`)
  return BigInt(value)
}

export function parseProposalId(value: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) throw bad(`"${value}" is not a proposal id (proposals are numbered 1, 2, 3...)`)
  return BigInt(value)
}

export function parseVoteSupport(value: string): VoteSupport {
  if (!Object.hasOwn(VOTE_SUPPORT, value)) throw bad(`"${value}" is not a vote; one of: ${Object.keys(VOTE_SUPPORT).join(', ')}`)
  return value as VoteSupport
}

export function parseAddress(value: string): Address {
  if (!isAddress(value)) throw bad(`"${value}" is not an address (0x followed by 40 hex digits)`)
  return value
}

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`"${value}" is not a port (0-65535)`)
  return port
}

export function parseCount(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw bad(`"${value}" is not a positive whole number`)
  return n
}
