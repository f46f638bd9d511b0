import type { Address } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import type { ProtocolFixture } from './protocol-fixture.js'

/** DEAI balance of an address. */
export function balanceOf(fx: ProtocolFixture, owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.token, functionName: 'balanceOf', args: [owner] })
}

/** Active plus unbonding stake of an owner in the protocol-wide verifier pool. */
export async function verifierStake(fx: ProtocolFixture, owner: Address): Promise<bigint> {
  const p = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'positionOf', args: [0n, roleId('verifier'), owner] })
  return p.active + p.unbonding
}

/** Rewards credited to an owner and not yet claimed. */
export function rewardsOf(fx: ProtocolFixture, owner: Address): Promise<bigint> {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'rewardsOf', args: [owner] })
}

