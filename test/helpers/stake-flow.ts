import { encodeFunctionData, getAddress, keccak256, toHex } from 'viem'
import type { Abi, Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { writeContract } from '../../src/ledger/write-contract.js'
import type { ProtocolFixture } from './protocol-fixture.js'

/** Approves the StakeManager for `amount` and stakes it into pool (taskId, role) as `owner`. */
export async function stakeAs(fx: ProtocolFixture, owner: PrivateKeyAccount, taskId: bigint, role: Hex, amount: bigint): Promise<TransactionReceipt> {
  await writeContract(fx.ledger, owner, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, amount] })
  return writeContract(fx.ledger, owner, { ...fx.stakeManager, functionName: 'stake', args: [taskId, role, amount] })
}

/** The chain head's block number, never cached. */
export function headBlock(fx: ProtocolFixture): Promise<bigint> {
  return fx.ledger.client.getBlockNumber({ cacheTime: 0 })
}

/** The timestamp of the block a receipt was mined in. */
export async function minedAt(fx: ProtocolFixture, receipt: TransactionReceipt): Promise<bigint> {
  return (await fx.ledger.client.getBlock({ blockNumber: receipt.blockNumber })).timestamp
}

/** Mines empty blocks until the chain head is `block` (the next transaction lands in `block + 1`). */
export async function mineUntilHead(fx: ProtocolFixture, block: bigint): Promise<void> {
  const head = await headBlock(fx)
  if (head > block) throw new RangeError(`the head is already block ${head}, past ${block}`)
  if (head < block) await fx.ledger.clock.mine(Number(block - head))
}

/**
 * Mines until the head is the first block of the next sortition epoch, so that everything staked
 * so far is in that epoch's snapshot; returns the new current epoch.
 */
export async function mineToNextEpoch(fx: ProtocolFixture): Promise<bigint> {
  const epochBlocks = await fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'epochBlocks' })
  const head = await headBlock(fx)
  await mineUntilHead(fx, (head / epochBlocks + 1n) * epochBlocks)
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'currentEpoch' })
}

/** One transaction to send inside a shared block: the hash it was sent as. */
export type PendingSend = () => Promise<Hex>

/**
 * Sends a contract call without waiting for it (with a fixed gas limit, so nothing is estimated
 * against a block that is still open); for use inside `inOneBlock`.
 */
export function pendingWrite(fx: ProtocolFixture, account: PrivateKeyAccount, call: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[] }): PendingSend {
  return () => fx.ledger.wallet(account).sendTransaction({ to: call.address, data: encodeFunctionData({ abi: call.abi as Abi, functionName: call.functionName, args: call.args }), gas: 1_000_000n })
}

/**
 * Mines every transaction in `sends` into one block, in order, and returns their receipts
 * (a transaction may revert: check `status`). Automining is restored afterwards.
 */
export async function inOneBlock(fx: ProtocolFixture, sends: readonly PendingSend[]): Promise<TransactionReceipt[]> {
  await fx.ledger.request({ method: 'evm_setAutomine', params: [false] })
  const hashes: Hex[] = []
  try {
    for (const send of sends) hashes.push(await send())
    await fx.ledger.request({ method: 'evm_mine', params: [] })
  } finally {
    await fx.ledger.request({ method: 'evm_setAutomine', params: [true] })
  }
  const receipts: TransactionReceipt[] = []
  for (const hash of hashes) receipts.push(await fx.ledger.client.waitForTransactionReceipt({ hash }))
  return receipts
}

/** A deterministic address with no key, from a label (owners of gifted stake, targets). */
export function addressOf(label: string): Address {
  return getAddress(`0x${keccak256(toHex(label)).slice(26)}`)
}
