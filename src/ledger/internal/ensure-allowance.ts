import type { Address, PrivateKeyAccount } from 'viem'
import type { Protocol } from '../protocol.js'
import { writeContract } from '../write-contract.js'

/** Approves `spender` for `amount` DEAI unless the allowance already covers it. */
export async function ensureAllowance(protocol: Protocol, account: PrivateKeyAccount, spender: Address, amount: bigint): Promise<void> {
  const allowance = await protocol.ledger.client.readContract({
    ...protocol.token,
    functionName: 'allowance',
    args: [account.address, spender],
  })
  if (allowance >= amount) return
  await writeContract(protocol.ledger, account, { ...protocol.token, functionName: 'approve', args: [spender, amount] }, { gasMeter: protocol.gasMeter })
}
