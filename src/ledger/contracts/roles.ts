import { keccak256, stringToBytes } from 'viem'
import type { Hex } from 'viem'

/** Role names of staking pools, and their on-chain ids (keccak256 of the upper-case name). */
export const ROLE_NAMES = [
  'verifier',
  'proposer',
  'data-provider',
  'compute-provider',
  'trainer',
  'validator',
  'aggregator',
  'inference-provider',
  'challenger',
  'agent',
] as const

export type RoleName = (typeof ROLE_NAMES)[number]

/**
 * The bytes32 id of a role, as contracts use it.
 *
 * @example
 * ```ts
 * import { roleId } from 'deai/actions'
 * roleId('verifier') // keccak256("VERIFIER")
 * ```
 */
export function roleId(role: RoleName): Hex {
  return keccak256(stringToBytes(role.toUpperCase().replaceAll('-', '_')))
}

/** Protocol-wide pools (such as the code-verification committee's) live under task 0. */
export const PROTOCOL_POOL = 0n
