import { encodeAbiParameters, getAddress, hexToBigInt, keccak256, toHex, zeroAddress } from 'viem'
import type { Address, Hex } from 'viem'

/**
 * A reference for SortitionTree written from its definition, not from its tree: each key keeps
 * the list of its changes, and a value "at the start of epoch e" is the last one set before e.
 */
export type SortitionModel = {
  /** Mirrors `set`: a leaf on the first non-zero value; setting the current value changes nothing. */
  set(key: Address, value: bigint, epoch: bigint): void
  valueOf(key: Address): bigint
  /** The value at the start of `epoch`, or `'gone'` where the contract must revert (the key changed after `epoch`). */
  valueAt(key: Address, epoch: bigint): bigint | 'gone'
  total(): bigint
  /** The total at the start of `epoch`, or `'gone'` if any key changed after `epoch`. */
  totalAt(epoch: bigint): bigint | 'gone'
  /** Keys in leaf order (the order of their first non-zero value). */
  readonly keys: readonly Address[]
  /** Every leaf's value at the start of `epoch`, in leaf order (for `referenceDraw`). */
  leavesAt(epoch: bigint): SortitionLeaf[]
}

/** One leaf: its key and the value a draw weighs it by. */
export type SortitionLeaf = { key: Address; value: bigint }

/** Attempts a draw may spend beyond one per requested key (SortitionTree.EXTRA_ATTEMPTS). */
export const SORTITION_EXTRA_ATTEMPTS = 32

/** Creates an empty reference tree. */
export function createSortitionModel(): SortitionModel {
  const keys: Address[] = []
  // Per key, its changes in order: [epoch, value after].
  const changes = new Map<Address, [bigint, bigint][]>()
  let lastChange = 0n

  const valueBefore = (key: Address, epoch: bigint): bigint => {
    let value = 0n
    for (const [at, after] of changes.get(key) ?? []) if (at < epoch) value = after
    return value
  }
  const live = (key: Address): bigint => changes.get(key)?.at(-1)?.[1] ?? 0n

  return {
    keys,
    set(key, value, epoch) {
      const history = changes.get(key)
      if (history === undefined) {
        if (value === 0n) return
        keys.push(key)
        changes.set(key, [[epoch, value]])
      } else {
        if (history.at(-1)?.[1] === value) return
        history.push([epoch, value])
      }
      lastChange = epoch > lastChange ? epoch : lastChange
    },
    valueOf: live,
    valueAt(key, epoch) {
      const last = changes.get(key)?.at(-1)?.[0] ?? 0n
      return last > epoch ? 'gone' : valueBefore(key, epoch)
    },
    total: () => keys.reduce((sum, key) => sum + live(key), 0n),
    totalAt(epoch) {
      return lastChange > epoch ? 'gone' : keys.reduce((sum, key) => sum + valueBefore(key, epoch), 0n)
    },
    leavesAt: (epoch) => keys.map((key) => ({ key, value: valueBefore(key, epoch) })),
  }
}

/** What `referenceDraw` is asked for, as `SortitionTree.draw` is. */
export type ReferenceDrawInit = {
  seed: Hex
  count: number
  /** @default zeroAddress (exclude nobody) */
  exclude?: Address
  /** @default 0n */
  minimum?: bigint
  /** Attempts allowed beyond `count`; other than the contract's only to find where its bound bites. @default SORTITION_EXTRA_ATTEMPTS */
  extraAttempts?: number
}

/**
 * The draw SortitionTree.draw makes, computed over a flat list: attempt j hashes
 * `abi.encode(seed, j)`, takes it modulo what remains, and picks the leaf whose slice of the
 * remaining values (in leaf order, picked leaves weighing 0) holds it. That is the leaf the
 * tree's walk reaches, so the contract must return exactly these keys.
 *
 * @param leaves - every leaf in order with its snapshot value (`SortitionModel.leavesAt`).
 * @returns the keys chosen, in draw order.
 * @example
 * ```ts
 * const expected = referenceDraw(model.leavesAt(2n), { seed: keccak256(toHex('a seed')), count: 5 })
 * ```
 */
export function referenceDraw(leaves: readonly SortitionLeaf[], init: ReferenceDrawInit): Address[] {
  const exclude = init.exclude ?? zeroAddress
  const minimum = init.minimum ?? 0n
  const remainingValues = leaves.map((leaf) => leaf.value)
  let remaining = remainingValues.reduce((a, b) => a + b, 0n)
  const chosen: Address[] = []
  const attempts = init.count + (init.extraAttempts ?? SORTITION_EXTRA_ATTEMPTS)
  for (let attempt = 0; attempt < attempts && chosen.length < init.count && remaining > 0n; attempt++) {
    const word = keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [init.seed, BigInt(attempt)]))
    let target = hexToBigInt(word) % remaining
    let index = 0
    while (target >= remainingValues[index]!) target -= remainingValues[index++]!
    const value = remainingValues[index]!
    remainingValues[index] = 0n
    remaining -= value
    const key = leaves[index]!.key
    if (key.toLowerCase() !== exclude.toLowerCase() && value >= minimum) chosen.push(key)
  }
  return chosen
}

/** The i-th test key: a fixed, checksummed address (never address(0)). */
export function sortitionKey(i: number): Address {
  return getAddress(keccak256(toHex(`sortition key ${i}`)).slice(0, 42))
}
