import { DeaiError } from '../errors/base.js'
import { dataRegistryAbi } from './contracts/generated/DataRegistry.js'
import { deaiGovernorAbi } from './contracts/generated/DeaiGovernor.js'
import { deaiTimelockAbi } from './contracts/generated/DeaiTimelock.js'
import { deaiTokenAbi } from './contracts/generated/DeaiToken.js'
import { inferenceLogAbi } from './contracts/generated/InferenceLog.js'
import { modelRegistryAbi } from './contracts/generated/ModelRegistry.js'
import { stakeManagerAbi } from './contracts/generated/StakeManager.js'
import { taskRegistryAbi } from './contracts/generated/TaskRegistry.js'
import { trainingFactoryAbi } from './contracts/generated/TrainingFactory.js'
import type { Deployment } from './deploy/deployment.js'
import type { GasMeter } from './gas-meter.js'
import type { Ledger } from './ledger.js'

/** The deployed protocol on one ledger: what every action takes first. */
export type Protocol = {
  readonly ledger: Ledger
  readonly deployment: Deployment
  readonly gasMeter: GasMeter | undefined
  readonly token: { readonly address: `0x${string}`; readonly abi: typeof deaiTokenAbi }
  readonly stakeManager: { readonly address: `0x${string}`; readonly abi: typeof stakeManagerAbi }
  readonly taskRegistry: { readonly address: `0x${string}`; readonly abi: typeof taskRegistryAbi }
  readonly trainingFactory: { readonly address: `0x${string}`; readonly abi: typeof trainingFactoryAbi }
  readonly dataRegistry: { readonly address: `0x${string}`; readonly abi: typeof dataRegistryAbi }
  readonly modelRegistry: { readonly address: `0x${string}`; readonly abi: typeof modelRegistryAbi }
  readonly inferenceLog: { readonly address: `0x${string}`; readonly abi: typeof inferenceLogAbi }
  readonly governor: { readonly address: `0x${string}`; readonly abi: typeof deaiGovernorAbi }
  readonly timelock: { readonly address: `0x${string}`; readonly abi: typeof deaiTimelockAbi }
}

export type ConnectProtocolOptions = {
  /** Records the gas of every transaction the actions send. */
  gasMeter?: GasMeter
}

/**
 * Binds a deployment to a ledger, checking that the chain is the one the deployment was made on
 * and that the contracts are there.
 *
 * @example
 * ```ts
 * import { connectProtocol, createRpcLedger, readDeployment } from 'deai'
 * const protocol = await connectProtocol(await createRpcLedger({ url }), await readDeployment())
 * ```
 */
export async function connectProtocol(ledger: Ledger, deployment: Deployment, options: ConnectProtocolOptions = {}): Promise<Protocol> {
  if (ledger.chain.id !== deployment.chainId) {
    throw new DeaiError('DEPLOYMENT_WRONG_CHAIN', `the deployment is for chain ${deployment.chainId}, but the RPC serves chain ${ledger.chain.id}`, {
      fixes: ['point --rpc at the chain the deployment was made on, or pass the right --deployment file'],
    })
  }
  const code = await ledger.client.getCode({ address: deployment.contracts.taskRegistry })
  if (code === undefined || code === '0x') {
    throw new DeaiError('DEPLOYMENT_NOT_ON_CHAIN', `no contract at ${deployment.contracts.taskRegistry} on this chain`, {
      fixes: ['the chain was restarted or is another one: deploy again with `deai deploy --rpc URL`, or restart `deai chain`'],
    })
  }
  return {
    ledger,
    deployment,
    gasMeter: options.gasMeter,
    token: { address: deployment.contracts.token, abi: deaiTokenAbi },
    stakeManager: { address: deployment.contracts.stakeManager, abi: stakeManagerAbi },
    taskRegistry: { address: deployment.contracts.taskRegistry, abi: taskRegistryAbi },
    trainingFactory: { address: deployment.contracts.trainingFactory, abi: trainingFactoryAbi },
    dataRegistry: { address: deployment.contracts.dataRegistry, abi: dataRegistryAbi },
    modelRegistry: { address: deployment.contracts.modelRegistry, abi: modelRegistryAbi },
    inferenceLog: { address: deployment.contracts.inferenceLog, abi: inferenceLogAbi },
    governor: { address: deployment.contracts.governor, abi: deaiGovernorAbi },
    timelock: { address: deployment.contracts.timelock, abi: deaiTimelockAbi },
  }
}
