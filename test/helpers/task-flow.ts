import { encodeAbiParameters, keccak256, parseEther, parseEventLogs, toHex } from 'viem'
import type { Address, Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { seedCommitment, voteCommitment } from '../../src/ledger/internal/task-secrets.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import type { ProtocolFixture } from './protocol-fixture.js'

/** A deterministic 32-byte value from a label (seed secrets, salts). */
export function bytes32Of(label: string): Hex {
  return keccak256(toHex(label))
}

export type ProposeInit = {
  secret: Hex
  specCid?: string
  /** @default 100 DEAI */
  budget?: bigint
  /** @default the registry's minimum bond */
  bond?: bigint
  /** @default 30 days from now */
  expiresAt?: bigint
}

/** Proposes a task with a known seed secret (approving budget + bond first); returns its id. */
export async function proposeWithSecret(fx: ProtocolFixture, proposer: PrivateKeyAccount, init: ProposeInit): Promise<bigint> {
  const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'params' })
  const budget = init.budget ?? parseEther('100')
  const bond = init.bond ?? rules.minBond
  const expiresAt = init.expiresAt ?? (await fx.ledger.clock.now()) + 30n * 24n * 3600n
  await writeContract(fx.ledger, proposer, { ...fx.token, functionName: 'approve', args: [fx.taskRegistry.address, budget + bond] })
  const receipt = await writeContract(fx.ledger, proposer, {
    ...fx.taskRegistry,
    functionName: 'propose',
    args: [init.specCid ?? 'bafkreispec', budget, bond, expiresAt, seedCommitment(init.secret)],
  })
  const [event] = parseEventLogs({ abi: fx.taskRegistry.abi, eventName: 'TaskProposed', logs: receipt.logs })
  if (event === undefined) throw new Error('propose emitted no TaskProposed')
  return event.args.taskId
}

/** A task as the registry stores it. */
export function taskOf(fx: ProtocolFixture, taskId: bigint) {
  return fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getTask', args: [taskId] })
}

/**
 * The blocks a proposed task's committee may be drawn in: after `seedBlock`, up to and including
 * `lastBlock` (seed block + the task's drawWindowBlocks); after that it can be abandoned.
 */
export async function drawWindowOf(fx: ProtocolFixture, taskId: bigint): Promise<{ seedBlock: bigint; lastBlock: bigint; snapshotEpoch: bigint }> {
  const task = await taskOf(fx, taskId)
  const rules = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'paramsAt', args: [task.paramsId] })
  return { seedBlock: task.seedBlock, lastBlock: task.seedBlock + BigInt(rules.drawWindowBlocks), snapshotEpoch: task.snapshotEpoch }
}

/** Mines until the task's seed block is behind the chain head (the draw window is open). */
export async function mineToSeed(fx: ProtocolFixture, taskId: bigint): Promise<void> {
  const task = await taskOf(fx, taskId)
  const head = await fx.ledger.client.getBlockNumber({ cacheTime: 0 })
  if (head <= task.seedBlock) await fx.ledger.clock.mine(Number(task.seedBlock - head + 1n))
}

/** Reveals the seed secret (after the seed block) and returns the receipt and the committee. */
export async function drawWithSecret(fx: ProtocolFixture, caller: PrivateKeyAccount, taskId: bigint, secret: Hex): Promise<{ receipt: TransactionReceipt; committee: readonly Address[] }> {
  await mineToSeed(fx, taskId)
  const receipt = await writeContract(fx.ledger, caller, { ...fx.taskRegistry, functionName: 'drawCommittee', args: [taskId, secret] })
  const committee = await fx.ledger.client.readContract({ ...fx.taskRegistry, functionName: 'getCommittee', args: [taskId] })
  return { receipt, committee }
}

/** One member's vote: what it commits to and later reveals. */
export type Ballot = { approve: boolean; reasonsCid: string; salt: Hex }

/** A ballot with a salt derived from the member and task (tests need no secrecy). */
export function ballot(taskId: bigint, member: Address, approve: boolean): Ballot {
  return { approve, reasonsCid: `bafkreireasons${approve ? 'yes' : 'no'}`, salt: bytes32Of(`salt ${taskId} ${member}`) }
}

/** The commitment the registry expects from `member` for `vote`. */
export function commitmentOf(taskId: bigint, member: Address, vote: Ballot): Hex {
  return voteCommitment(taskId, member, vote.approve, vote.reasonsCid, vote.salt)
}

export function commitVote(fx: ProtocolFixture, key: PrivateKeyAccount, taskId: bigint, commitment: Hex): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, key, { ...fx.taskRegistry, functionName: 'commitVote', args: [taskId, commitment] })
}

export function revealVote(fx: ProtocolFixture, key: PrivateKeyAccount, taskId: bigint, vote: Ballot): Promise<TransactionReceipt> {
  return writeContract(fx.ledger, key, { ...fx.taskRegistry, functionName: 'revealVote', args: [taskId, vote.approve, vote.reasonsCid, vote.salt] })
}

/** Lets the commit phase of a drawn task end (the reveal phase opens). */
export async function endCommitPhase(fx: ProtocolFixture, taskId: bigint): Promise<void> {
  await advancePast(fx, (await taskOf(fx, taskId)).commitDeadline)
}

/** Lets the reveal phase of a drawn task end (it can be finalized). */
export async function endRevealPhase(fx: ProtocolFixture, taskId: bigint): Promise<void> {
  await advancePast(fx, (await taskOf(fx, taskId)).revealDeadline)
}

/** Advances chain time so that the next block's timestamp is after `deadline`. */
export async function advancePast(fx: ProtocolFixture, deadline: bigint): Promise<void> {
  const now = await fx.ledger.clock.now()
  if (now <= deadline) await fx.ledger.clock.advance(deadline - now + 1n)
}

/** keccak256(abi.encode(secret, blockHash, taskId)): the committee seed the registry derives. */
export function committeeSeed(secret: Hex, blockHash: Hex, taskId: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }], [secret, blockHash, taskId]))
}

/** What one committee member does in a vote. */
export type VotePlan = 'approve' | 'reject' | 'commit-only' | 'absent'

/**
 * Runs a drawn task's vote to the end of its reveal phase: each member's key commits (unless
 * absent), then reveals (if it approves or rejects). Does not finalize.
 *
 * @param plan - per member: the key that sends, the member (owner) it votes for
 *   (default: the key itself) and what it does.
 */
export async function castVotes(
  fx: ProtocolFixture,
  taskId: bigint,
  plan: readonly { key: PrivateKeyAccount; member?: Address; vote: VotePlan }[],
): Promise<void> {
  const ballots = plan.map((p) => {
    const member = p.member ?? p.key.address
    return { ...p, member, ballot: ballot(taskId, member, p.vote === 'approve' || p.vote === 'commit-only') }
  })
  for (const b of ballots) {
    if (b.vote !== 'absent') await commitVote(fx, b.key, taskId, commitmentOf(taskId, b.member, b.ballot))
  }
  await endCommitPhase(fx, taskId)
  for (const b of ballots) {
    if (b.vote === 'approve' || b.vote === 'reject') await revealVote(fx, b.key, taskId, b.ballot)
  }
  await endRevealPhase(fx, taskId)
}
