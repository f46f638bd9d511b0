import type { Address } from 'viem'

/**
 * StakeManager's operator keys restated for model-based tests: each owner's slot per pool and
 * which owner each key agreed to work for. A pool is any string naming (taskId, role); the
 * functions follow the contract's private helpers of the same names.
 */

/** One owner's operator slot in one pool (StakeManager.OperatorSlot). */
export type OperatorSlot = { current: Address | undefined; pending: Address | undefined; effectiveAt: bigint; accepted: boolean }

/** Every slot, and per pool and key the owner that key last agreed to work for (StakeManager._claimedBy). */
export type OperatorBook = { slots: Map<string, OperatorSlot>; claims: Map<string, Address> }

export function createOperatorBook(): OperatorBook {
  return { slots: new Map(), claims: new Map() }
}

/** The map key of `who` in `pool`, for slots and claims alike. */
export const operatorKey = (pool: string, who: Address): string => `${pool}/${who}`

export function operatorSlot(book: OperatorBook, pool: string, owner: Address): OperatorSlot {
  const k = operatorKey(pool, owner)
  let s = book.slots.get(k)
  if (s === undefined) {
    s = { current: undefined, pending: undefined, effectiveAt: 0n, accepted: false }
    book.slots.set(k, s)
  }
  return s
}

/** Whether an accepted pending change has taken effect at time `t`. */
export const matured = (s: OperatorSlot, t: bigint): boolean => s.pending !== undefined && s.accepted && t >= s.effectiveAt

/** The key that works for `owner` at time `t` (StakeManager._effectiveOperator). */
export function effectiveOperator(s: OperatorSlot, owner: Address, t: bigint): Address {
  const op = matured(s, t) ? s.pending : s.current
  return op ?? owner
}

/** Whether `owner` has `key` as operator now or as an accepted pending change (StakeManager._holds). */
export function holdsOperator(book: OperatorBook, pool: string, owner: Address, key: Address, t: bigint): boolean {
  const s = operatorSlot(book, pool, owner)
  return effectiveOperator(s, owner, t) === key || (s.pending === key && s.accepted)
}

/** The owner other than `except` that holds `key` as its operator in the pool, if any. */
export function operatorTakenBy(book: OperatorBook, pool: string, key: Address, except: Address, t: bigint): Address | undefined {
  const holder = book.claims.get(operatorKey(pool, key))
  return holder !== undefined && holder !== except && holdsOperator(book, pool, holder, key, t) ? holder : undefined
}

/** Frees `key`'s claim if `owner` holds it (StakeManager._release). */
export function releaseOperator(book: OperatorBook, pool: string, owner: Address, key: Address | undefined): void {
  if (key !== undefined && book.claims.get(operatorKey(pool, key)) === owner) book.claims.delete(operatorKey(pool, key))
}

/** Drops the pending change and frees its key's claim (StakeManager._releasePending). */
export function releasePendingOperator(book: OperatorBook, pool: string, owner: Address, s: OperatorSlot): void {
  const pending = s.pending
  if (pending === undefined) return
  s.pending = undefined
  s.effectiveAt = 0n
  s.accepted = false
  if (pending !== s.current) releaseOperator(book, pool, owner, pending)
}

/** An accepted change whose delay is over becomes current (StakeManager._settle). */
export function settleOperator(book: OperatorBook, pool: string, owner: Address, t: bigint): OperatorSlot {
  const s = operatorSlot(book, pool, owner)
  if (matured(s, t)) {
    if (s.current !== s.pending) releaseOperator(book, pool, owner, s.current)
    s.current = s.pending
    s.pending = undefined
    s.effectiveAt = 0n
    s.accepted = false
  }
  return s
}

/**
 * The owner `key` works for in the pool at time `t`, or undefined (StakeManager.ownerOfOperator):
 * the owner that claimed it while the key is its effective operator, else the key itself if it
 * is an owner that works with its own key and never rotated away.
 */
export function ownerOfOperator(book: OperatorBook, pool: string, key: Address, t: bigint, rotated: (owner: Address) => boolean): Address | undefined {
  const owner = book.claims.get(operatorKey(pool, key))
  if (owner !== undefined && effectiveOperator(operatorSlot(book, pool, owner), owner, t) === key) return owner
  if (!rotated(key) && effectiveOperator(operatorSlot(book, pool, key), key, t) === key) return key
  return undefined
}
