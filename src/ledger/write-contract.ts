import type { Abi, Chain, ContractFunctionArgs, ContractFunctionName, PrivateKeyAccount, TransactionReceipt, WriteContractParameters as ViemWriteContractParameters } from 'viem'
import { DeaiError } from '../errors/base.js'
import { toContractError } from './contracts/contract-errors.js'
import type { GasMeter } from './gas-meter.js'
import { TRANSACTION_GAS_CAP } from './gas-limits.js'
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

/** Gas sent beyond the estimate: a fifth more, and this. */
const GAS_MARGIN = 25_000n

/** Each chain's block gas limit, read once. */
const blockGasLimits = new WeakMap<Ledger['client'], bigint>()

async function blockGasLimit(ledger: Ledger): Promise<bigint> {
  let limit = blockGasLimits.get(ledger.client)
  if (limit === undefined) {
    limit = (await ledger.client.getBlock()).gasLimit
    blockGasLimits.set(ledger.client, limit)
  }
  return limit
}

/**
 * The gas to send a write with. The estimate holds for the state it ran on, and other
 * transactions may land before this one (a stake moves the verifiers' sortition tree, which
 * changes what the next stake costs), so the write gets a margin: never above the block's gas
 * limit, nor above EIP-7825's cap per transaction unless the estimate already is (a chain
 * without that cap). A revert here is the one `writeContract` would have hit.
 */
async function gasWithMargin(ledger: Ledger, account: PrivateKeyAccount, parameters: object): Promise<bigint> {
  const estimate = await ledger.client.estimateContractGas({ ...parameters, account } as Parameters<Ledger['client']['estimateContractGas']>[0])
  let cap = await blockGasLimit(ledger)
  if (estimate <= TRANSACTION_GAS_CAP && TRANSACTION_GAS_CAP < cap) cap = TRANSACTION_GAS_CAP
  const gas = (estimate * 6n) / 5n + GAS_MARGIN
  return gas < cap ? gas : cap > estimate ? cap : estimate
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
    const gas = parameters.gas ?? (await gasWithMargin(ledger, account, parameters))
    hash = await ledger.wallet(account).writeContract<abi, functionName, args, undefined>({ ...parameters, gas })
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
