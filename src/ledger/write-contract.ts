import type { Abi, Chain, ContractFunctionArgs, ContractFunctionName, PrivateKeyAccount, TransactionReceipt, WriteContractParameters as ViemWriteContractParameters } from 'viem'
import { DeaiError } from '../errors/base.js'
import { toContractError } from './contracts/contract-errors.js'
import type { GasMeter } from './gas-meter.js'
import type { Ledger } from './ledger.js'

/**
 * What a contract write takes: viem's own parameters, so the ABI types `functionName` and `args`
 * (the account is the one given beside them).
 */
export type WriteContractParameters<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
  args extends ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>,
> = ViemWriteContractParameters<abi, functionName, args, Chain, ReturnType<Ledger['wallet']>['account'], undefined>

export type WriteOptions = {
  gasMeter?: GasMeter | undefined
  /** Names the transaction in gas reports and errors. @default the function name */
  label?: string | undefined
}

/**
 * Sends a contract transaction from `account`, waits for it to be mined and returns the
 * receipt. A revert becomes a `CONTRACT_REVERTED` DeaiError naming the custom error.
 */
export async function writeContract<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
  args extends ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>,
>(
  ledger: Ledger,
  account: PrivateKeyAccount,
  parameters: WriteContractParameters<abi, functionName, args>,
  options: WriteOptions = {},
): Promise<TransactionReceipt> {
  const what = options.label ?? parameters.functionName
  let hash: `0x${string}`
  try {
    hash = await ledger.wallet(account).writeContract<abi, functionName, args, undefined>(parameters)
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
