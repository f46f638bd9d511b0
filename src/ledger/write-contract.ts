import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, PrivateKeyAccount, TransactionReceipt } from 'viem'
import { DeaiError } from '../errors/base.js'
import { toContractError } from './contracts/contract-errors.js'
import type { GasMeter } from './gas-meter.js'
import type { Ledger } from './ledger.js'

export type WriteContractParameters<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
> = {
  address: Address
  abi: abi
  functionName: functionName
  args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>
  /** Names the transaction in gas reports. @default functionName */
  label?: string
}

export type WriteOptions = { gasMeter?: GasMeter | undefined }

/**
 * Sends a contract transaction from `account`, waits for it to be mined and returns the
 * receipt. A revert becomes a `CONTRACT_REVERTED` DeaiError naming the custom error.
 */
export async function writeContract<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
>(
  ledger: Ledger,
  account: PrivateKeyAccount,
  parameters: WriteContractParameters<abi, functionName>,
  options: WriteOptions = {},
): Promise<TransactionReceipt> {
  const what = parameters.label ?? parameters.functionName
  let hash: `0x${string}`
  try {
    hash = await ledger.wallet(account).writeContract({
      address: parameters.address,
      abi: parameters.abi,
      functionName: parameters.functionName,
      args: parameters.args,
    } as never)
  } catch (error) {
    // The nonce was taken but nothing was sent: let the next call ask the chain again.
    account.nonceManager?.reset({ address: account.address, chainId: ledger.chain.id })
    throw toContractError(error, what)
  }
  const receipt = await ledger.client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') {
    throw new DeaiError('LEDGER_TX_REVERTED', `${what} was mined but reverted (tx ${hash})`)
  }
  options.gasMeter?.record({ label: what, from: account.address, gasUsed: receipt.gasUsed, block: receipt.blockNumber, hash })
  return receipt
}
