import type { Hex, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { toOnChainDigest } from '../../contracts/on-chain-digest.js'
import { updateSalt } from '../../internal/training-secrets.js'
import type { UpdateReveal } from '../../internal/training-secrets.js'
import type { Training } from '../../training.js'
import { writeContract } from '../../write-contract.js'

export type RevealUpdateParameters = UpdateReveal & {
  /** The salt committed to. @default the account's own update salt for the round */
  salt?: Hex | undefined
}

/**
 * Reveals the update committed with `commitUpdate`, after the training phase.
 *
 * @example
 * ```ts
 * import { revealUpdate } from 'deai/actions'
 * await revealUpdate(training, account, { round: 1n, updateCid, examples: 3000 })
 * ```
 */
export async function revealUpdate(training: Training, account: PrivateKeyAccount, parameters: RevealUpdateParameters): Promise<TransactionReceipt> {
  const { digest, codec } = toOnChainDigest(parameters.updateCid)
  const salt = parameters.salt ?? await updateSalt(training, account, parameters.round)
  return writeContract(training.protocol.ledger, account, {
    address: training.address,
    abi: training.abi,
    functionName: 'revealUpdate',
    args: [parameters.round, digest, codec, parameters.examples, salt],
  }, { gasMeter: training.protocol.gasMeter })
}
