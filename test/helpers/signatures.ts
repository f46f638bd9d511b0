import { parseSignature } from 'viem'
import type { Address, Hex, PrivateKeyAccount } from 'viem'
import { deaiTokenAbi } from '../../src/ledger/contracts/generated/DeaiToken.js'
import type { Ledger } from '../../src/ledger/ledger.js'

/** A signature split the way permit and delegateBySig take it. */
export type SplitSignature = { v: number; r: Hex; s: Hex }

type Token = { address: Address; abi: typeof deaiTokenAbi }

function split(signature: Hex): SplitSignature {
  const { r, s, yParity } = parseSignature(signature)
  return { v: 27 + (yParity ?? 0), r, s }
}

function domain(ledger: Ledger, token: Token) {
  return { name: 'deai', version: '1', chainId: ledger.chain.id, verifyingContract: token.address } as const
}

/**
 * Signs an EIP-2612 permit of DEAI. The nonce defaults to the owner's current one.
 */
export async function signPermit(
  ledger: Ledger,
  token: Token,
  permit: { owner: PrivateKeyAccount; spender: Address; value: bigint; deadline: bigint; nonce?: bigint },
): Promise<SplitSignature> {
  const nonce = permit.nonce ?? (await ledger.client.readContract({ ...token, functionName: 'nonces', args: [permit.owner.address] }))
  return split(await permit.owner.signTypedData({
    domain: domain(ledger, token),
    types: {
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit',
    message: { owner: permit.owner.address, spender: permit.spender, value: permit.value, nonce, deadline: permit.deadline },
  }))
}

/** Signs an ERC-5805 delegation of DEAI votes. */
export async function signDelegation(
  ledger: Ledger,
  token: Token,
  delegation: { signer: PrivateKeyAccount; delegatee: Address; nonce: bigint; expiry: bigint },
): Promise<SplitSignature> {
  return split(await delegation.signer.signTypedData({
    domain: domain(ledger, token),
    types: { Delegation: [{ name: 'delegatee', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'expiry', type: 'uint256' }] },
    primaryType: 'Delegation',
    message: { delegatee: delegation.delegatee, nonce: delegation.nonce, expiry: delegation.expiry },
  }))
}
