import { mnemonicToSeedSync } from '@scure/bip39'
import { toHex } from 'viem'
import { HDKey } from 'viem/accounts'
import type { Hex } from 'viem'
import { DeaiError } from '../errors/base.js'

/** The mnemonic that anvil and `hardhat node` use, so dev keys match what tools already know. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

/**
 * Derives dev private keys from a mnemonic along m/44'/60'/0'/0/i, as anvil and hardhat do.
 *
 * @param count - how many keys.
 * @param mnemonic - BIP-39 phrase. @default DEV_MNEMONIC
 * @returns the private keys, index 0 first.
 * @example
 * ```ts
 * import { deriveDevKeys } from 'deai'
 * const [deployer] = deriveDevKeys(1) // 0xac0974be...ff80
 * ```
 */
export function deriveDevKeys(count: number, mnemonic: string = DEV_MNEMONIC): Hex[] {
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new DeaiError('LEDGER_BAD_ACCOUNT_COUNT', `cannot derive ${count} dev accounts`, {
      fixes: ['ask for a whole number of accounts between 1 and 10000'],
    })
  }
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic))
  const keys: Hex[] = []
  for (let i = 0; i < count; i++) {
    const key = root.derive(`m/44'/60'/0'/0/${i}`).privateKey
    if (key === null) throw new DeaiError('LEDGER_KEY_DERIVATION', `no private key at index ${i}`)
    keys.push(toHex(key))
  }
  return keys
}
