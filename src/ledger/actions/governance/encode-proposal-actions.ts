import { encodeFunctionData, keccak256, stringToBytes, zeroHash } from 'viem'
import type { Address, Hex } from 'viem'
import { DeaiError } from '../../../errors/base.js'
import { roleId } from '../../contracts/roles.js'
import type { RoleName } from '../../contracts/roles.js'
import type { TaskRules } from '../../deploy/protocol-params.js'
import type { Protocol } from '../../protocol.js'
import type { DeaiErrorCodes } from '../../../errors/codes.js'

/** What a proposal executes, in the governor's shape: call i sends `values[i]` wei to `targets[i]` with `calldatas[i]`. */
export type ProposalCalls = {
  targets: Address[]
  values: bigint[]
  calldatas: Hex[]
}

/** The access roles of each contract the timelock administers. */
export const GOVERNED_ROLES = {
  stakeManager: ['DEFAULT_ADMIN_ROLE', 'PAUSER_ROLE', 'SLASHER_ROLE', 'REWARDER_ROLE', 'REGISTRAR_ROLE'],
  taskRegistry: ['DEFAULT_ADMIN_ROLE', 'STAGE_ROLE'],
  trainingFactory: ['DEFAULT_ADMIN_ROLE', 'PAUSER_ROLE'],
  timelock: ['DEFAULT_ADMIN_ROLE', 'PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE'],
} as const

export type GovernedContract = keyof typeof GOVERNED_ROLES
export type AccessRoleName = (typeof GOVERNED_ROLES)[GovernedContract][number]

/** A common change the timelock can make, as `encodeProposalActions` turns it into a call. */
export type ProposalAction =
  /** TaskRegistry.setParams: the rules at encoding time with these fields changed. They apply to tasks proposed afterwards. */
  | { kind: 'set-task-rules'; rules: Partial<TaskRules> }
  /** StakeManager.setMinStake for one role (wei). */
  | { kind: 'set-min-stake'; role: RoleName; amount: bigint }
  /** StakeManager.setDelays (seconds); a delay left out keeps its value at encoding time. */
  | { kind: 'set-delays'; unbondingDelay?: bigint; operatorDelay?: bigint; rotationDelay?: bigint }
  /** DEAI.transfer from the treasury (the timelock) to `to` (wei). */
  | { kind: 'treasury-payment'; to: Address; amount: bigint }
  /** TaskRegistry.setTreasury: where fees, forfeited bonds and slashed verifier stake go from then on. */
  | { kind: 'set-treasury'; treasury: Address }
  /** AccessControl.grantRole / revokeRole on one of the governed contracts. */
  | { kind: 'grant-role' | 'revoke-role'; contract: GovernedContract; role: AccessRoleName; account: Address }
  /** Pausable: StakeManager (new stake and operator changes; never exits) or TrainingFactory (new trainings). */
  | { kind: 'pause' | 'unpause'; contract: 'stakeManager' | 'trainingFactory' }
  /** Any other call, already encoded. */
  | { kind: 'call'; target: Address; value?: bigint; data: Hex }

/** Codes of the DeaiErrors encodeProposalActions throws (besides the ledger's own). */
export type EncodeProposalActionsErrorCode = DeaiErrorCodes<'GOV_ACTION_INVALID'>

/** The bytes32 id of an AccessControl role (`DEFAULT_ADMIN_ROLE` is zero, the others the hash of their name). */
export function accessRoleId(role: AccessRoleName): Hex {
  return role === 'DEFAULT_ADMIN_ROLE' ? zeroHash : keccak256(stringToBytes(role))
}

/**
 * Encodes common governance actions as the calls of one proposal. Actions that change part of
 * a setting (task rules, delays) read the rest from the chain now, so encode right before
 * proposing.
 *
 * @throws DeaiError `GOV_ACTION_INVALID` for an empty list or a role the contract does not have.
 * @example
 * ```ts
 * import { createProposal, encodeProposalActions } from 'deai/actions'
 * const calls = await encodeProposalActions(protocol, [
 *   { kind: 'set-min-stake', role: 'verifier', amount: parseEther('200') },
 *   { kind: 'treasury-payment', to: auditor, amount: parseEther('5000') },
 * ])
 * await createProposal(protocol, proposer, { ...calls, description: 'Raise the verifier minimum; pay the audit' })
 * ```
 */
export async function encodeProposalActions(protocol: Protocol, actions: readonly ProposalAction[]): Promise<ProposalCalls> {
  if (actions.length === 0) {
    throw new DeaiError('GOV_ACTION_INVALID', 'a proposal needs at least one action', { fixes: ['give one or more actions'] })
  }
  const calls: ProposalCalls = { targets: [], values: [], calldatas: [] }
  const push = (target: Address, data: Hex, value = 0n) => {
    calls.targets.push(target)
    calls.values.push(value)
    calls.calldatas.push(data)
  }
  const read = protocol.ledger.client.readContract
  for (const [index, action] of actions.entries()) {
    switch (action.kind) {
      case 'set-task-rules': {
        const current = await read({ ...protocol.taskRegistry, functionName: 'params' })
        const rules = { ...current, ...action.rules }
        push(protocol.taskRegistry.address, encodeFunctionData({ abi: protocol.taskRegistry.abi, functionName: 'setParams', args: [{
          committeeSize: rules.committeeSize,
          quorumBps: rules.quorumBps,
          approvalBps: rules.approvalBps,
          slashBps: rules.slashBps,
          drawDelayBlocks: rules.drawDelayBlocks,
          drawWindowBlocks: rules.drawWindowBlocks,
          commitPeriod: rules.commitPeriod,
          revealPeriod: rules.revealPeriod,
          minBond: rules.minBond,
          fee: rules.fee,
          minVerifierStake: rules.minVerifierStake,
        }] }))
        break
      }
      case 'set-min-stake':
        push(protocol.stakeManager.address, encodeFunctionData({ abi: protocol.stakeManager.abi, functionName: 'setMinStake', args: [roleId(action.role), action.amount] }))
        break
      case 'set-delays': {
        const unbonding = action.unbondingDelay ?? BigInt(await read({ ...protocol.stakeManager, functionName: 'unbondingDelay' }))
        const operator = action.operatorDelay ?? BigInt(await read({ ...protocol.stakeManager, functionName: 'operatorDelay' }))
        const rotation = action.rotationDelay ?? BigInt(await read({ ...protocol.stakeManager, functionName: 'rotationDelay' }))
        push(protocol.stakeManager.address, encodeFunctionData({ abi: protocol.stakeManager.abi, functionName: 'setDelays', args: [unbonding, operator, rotation] }))
        break
      }
      case 'treasury-payment':
        push(protocol.token.address, encodeFunctionData({ abi: protocol.token.abi, functionName: 'transfer', args: [action.to, action.amount] }))
        break
      case 'set-treasury':
        push(protocol.taskRegistry.address, encodeFunctionData({ abi: protocol.taskRegistry.abi, functionName: 'setTreasury', args: [action.treasury] }))
        break
      case 'grant-role':
      case 'revoke-role': {
        const roles: readonly string[] = GOVERNED_ROLES[action.contract]
        if (!roles.includes(action.role)) {
          throw new DeaiError('GOV_ACTION_INVALID', `action ${index}: ${action.contract} has no ${action.role}`, {
            fixes: [`${action.contract} has ${roles.join(', ')}`],
          })
        }
        // Every AccessControl contract has the same grantRole and revokeRole.
        const functionName = action.kind === 'grant-role' ? 'grantRole' : 'revokeRole'
        push(protocol[action.contract].address, encodeFunctionData({ abi: protocol.stakeManager.abi, functionName, args: [accessRoleId(action.role), action.account] }))
        break
      }
      case 'pause':
      case 'unpause':
        push(protocol[action.contract].address, encodeFunctionData({ abi: protocol.stakeManager.abi, functionName: action.kind, args: [] }))
        break
      case 'call':
        push(action.target, action.data, action.value ?? 0n)
        break
    }
  }
  return calls
}
