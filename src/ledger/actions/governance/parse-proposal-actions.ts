import { getAddress, isAddress, isHex, parseEther } from 'viem'
import type { Address, Hex } from 'viem'
import { z } from 'zod'
import { DeaiError } from '../../../errors/base.js'
import { ROLE_NAMES } from '../../contracts/roles.js'
import { GOVERNED_ROLES } from './encode-proposal-actions.js'
import type { AccessRoleName, GovernedContract, ProposalAction } from './encode-proposal-actions.js'

const address = z.string().refine(isAddress, 'must be a 0x-prefixed 20-byte address').transform((a): Address => getAddress(a))
const wholeNumber = z.union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number().int().nonnegative()]).transform((v) => BigInt(v))
// Amounts are wei (a whole number) or DEAI written as "2.5 DEAI": a bare number is never DEAI,
// so a missing unit cannot multiply a payment by 10^18.
const amount = z.union([
  z.string().regex(/^\d+(\.\d{1,18})? DEAI$/).transform((v) => parseEther(v.slice(0, -' DEAI'.length))),
  wholeNumber,
], { error: 'must be wei (a whole number) or DEAI such as "2.5 DEAI"' })
const seconds = wholeNumber
const contract = z.enum(Object.keys(GOVERNED_ROLES) as [GovernedContract, ...GovernedContract[]])
const accessRole = z.enum([...new Set(Object.values(GOVERNED_ROLES).flat())] as [AccessRoleName, ...AccessRoleName[]])
const bps = z.number().int().min(0).max(10_000)

const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('set-task-rules'),
    rules: z.strictObject({
      committeeSize: z.number().int().min(1).max(32).optional(),
      quorumBps: bps.optional(),
      approvalBps: bps.optional(),
      slashBps: bps.optional(),
      drawDelayBlocks: z.number().int().min(1).max(256).optional(),
      commitPeriod: seconds.optional(),
      revealPeriod: seconds.optional(),
      minBond: amount.optional(),
      fee: amount.optional(),
      minVerifierStake: amount.optional(),
    }),
  }),
  z.strictObject({ kind: z.literal('set-min-stake'), role: z.enum(ROLE_NAMES), amount }),
  z.strictObject({ kind: z.literal('set-delays'), unbondingDelay: seconds.optional(), operatorDelay: seconds.optional(), rotationDelay: seconds.optional() }),
  z.strictObject({ kind: z.literal('treasury-payment'), to: address, amount }),
  z.strictObject({ kind: z.literal('set-treasury'), treasury: address }),
  z.strictObject({ kind: z.literal('grant-role'), contract, role: accessRole, account: address }),
  z.strictObject({ kind: z.literal('revoke-role'), contract, role: accessRole, account: address }),
  z.strictObject({ kind: z.literal('pause'), contract: z.enum(['stakeManager', 'trainingFactory']) }),
  z.strictObject({ kind: z.literal('unpause'), contract: z.enum(['stakeManager', 'trainingFactory']) }),
  z.strictObject({
    kind: z.literal('call'),
    target: address,
    value: amount.optional(),
    data: z.string().refine((v) => isHex(v), 'must be 0x-prefixed hex').transform((v): Hex => v as Hex),
  }),
])

const actionsSchema = z.array(actionSchema).min(1, 'give at least one action')

/**
 * Validates governance actions read from outside (a file, a flag): a list of objects with a
 * `kind` (set-task-rules, set-min-stake, set-delays, treasury-payment, set-treasury,
 * grant-role, revoke-role, pause, unpause, call). Amounts are wei as whole numbers, or DEAI as
 * "2.5 DEAI"; times are seconds.
 *
 * @throws DeaiError `GOV_ACTION_INVALID` naming the path of the first bad field.
 * @example
 * ```ts
 * import { parseProposalActions } from 'deai/actions'
 * const actions = parseProposalActions([{ kind: 'treasury-payment', to: '0x…', amount: '5000 DEAI' }])
 * ```
 */
export function parseProposalActions(value: unknown, source = 'actions'): ProposalAction[] {
  const result = actionsSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = issue === undefined ? '' : issue.path.join('.')
    throw new DeaiError('GOV_ACTION_INVALID', `${source}: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`, {
      fixes: ['each action is an object with a kind: set-task-rules, set-min-stake, set-delays, treasury-payment, set-treasury, grant-role, revoke-role, pause, unpause or call (see deai gov propose --help)'],
    })
  }
  // zod leaves absent optional fields out, which is what the exact optional types mean.
  return result.data as ProposalAction[]
}
