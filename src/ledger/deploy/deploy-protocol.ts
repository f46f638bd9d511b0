import { getAddress, getContractAddress, zeroAddress } from 'viem'
import type { Abi, Address, Chain, DeployContractParameters, Hex, PrivateKeyAccount } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { dataRegistryAbi, dataRegistryBytecode } from '../contracts/generated/DataRegistry.js'
import { deaiGovernorAbi, deaiGovernorBytecode } from '../contracts/generated/DeaiGovernor.js'
import { deaiTimelockAbi, deaiTimelockBytecode } from '../contracts/generated/DeaiTimelock.js'
import { deaiTokenAbi, deaiTokenBytecode } from '../contracts/generated/DeaiToken.js'
import { inferenceLogAbi, inferenceLogBytecode } from '../contracts/generated/InferenceLog.js'
import { modelRegistryAbi, modelRegistryBytecode } from '../contracts/generated/ModelRegistry.js'
import { stakeManagerAbi, stakeManagerBytecode } from '../contracts/generated/StakeManager.js'
import { taskRegistryAbi, taskRegistryBytecode } from '../contracts/generated/TaskRegistry.js'
import { trainingFactoryAbi, trainingFactoryBytecode } from '../contracts/generated/TrainingFactory.js'
import { trainingRoundsAbi, trainingRoundsBytecode } from '../contracts/generated/TrainingRounds.js'
import { trainingSettlementAbi, trainingSettlementBytecode } from '../contracts/generated/TrainingSettlement.js'
import { roleId } from '../contracts/roles.js'
import type { GasMeter } from '../gas-meter.js'
import type { Ledger } from '../ledger.js'
import { writeContract } from '../write-contract.js'
import { assertProtocolParams, mergeProtocolParams } from './protocol-params.js'
import type { ProtocolParams, ProtocolParamsOverrides } from './protocol-params.js'
import { DEPLOYMENT_VERSION } from './deployment.js'
import type { Deployment } from './deployment.js'

/** StakeManager's tracking flags (its CHECKPOINTS and SORTITION constants). */
const STAKE_CHECKPOINTS = 1
const STAKE_SORTITION = 2

export type DeployProtocolInit = {
  /**
   * Pays for deployment and receives the DEAI supply. It wires the protocol's roles, hands every
   * admin role to the timelock and renounces its own before `deployProtocol` returns.
   * @default ledger.accounts[0]
   */
  deployer?: PrivateKeyAccount
  /**
   * Dev chains and tests only: the deployer keeps DEFAULT_ADMIN_ROLE and PAUSER_ROLE on
   * StakeManager, TaskRegistry and TrainingFactory beside the timelock, so one key can change
   * parameters, pause and grant roles at once. Recorded as `devAdmin` in the deployment.
   * @default false
   */
  devAdmin?: boolean
  /** Overrides of the defaults. */
  params?: ProtocolParamsOverrides
  /** Sends each of these addresses `fundAmount` DEAI (dev networks). */
  fund?: readonly Address[]
  /** @default 1,000,000 DEAI */
  fundAmount?: bigint
  gasMeter?: GasMeter
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void
}

async function deploy<const abi extends Abi>(
  ledger: Ledger,
  account: PrivateKeyAccount,
  name: string,
  parameters: DeployContractParameters<abi, Chain, ReturnType<Ledger['wallet']>['account'], undefined>,
  gasMeter?: GasMeter,
): Promise<{ address: Address; block: bigint }> {
  let hash: Hex
  try {
    hash = await ledger.wallet(account).deployContract<abi, undefined>(parameters)
  } catch (cause) {
    throw new DeaiError('DEPLOY_FAILED', `deploying ${name} failed`, {
      fixes: ['check that the deployer account has ether for gas on this chain'],
      cause,
    })
  }
  const receipt = await ledger.client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || receipt.contractAddress == null) {
    throw new DeaiError('DEPLOY_FAILED', `deploying ${name} reverted (tx ${hash})`)
  }
  gasMeter?.record({ label: `deploy ${name}`, from: account.address, gasUsed: receipt.gasUsed, block: receipt.blockNumber, hash })
  return { address: getAddress(receipt.contractAddress), block: receipt.blockNumber }
}

/**
 * Deploys DEAI, the governance (DeaiTimelock and DeaiGovernor), StakeManager, TaskRegistry, the
 * training contracts (TrainingSettlement, the TrainingRounds implementation and
 * TrainingFactory) and the later stages (DataRegistry, ModelRegistry, InferenceLog), wires
 * their roles and (on dev networks) funds accounts with DEAI.
 *
 * Once it returns, the timelock holds every admin role and is the treasury, the roles that move
 * funds are held by the protocol's own contracts only, and the deployer holds no role: any
 * later change goes through a proposal, a vote and the timelock's delay. The deployer still
 * holds the DEAI supply it did not fund others with, and so the votes.
 *
 * @returns the deployment record that other commands read.
 * @throws DeaiError `PARAMS_INVALID` when a proposal could execute before stakers can unbond,
 *   `DEPLOY_FAILED` when a deployment reverts or the roles do not end up as intended.
 * @example
 * ```ts
 * import { createEmbeddedLedger, deployProtocol } from 'deai'
 * const ledger = await createEmbeddedLedger()
 * const deployment = await deployProtocol(ledger, { fund: ledger.accounts.map((a) => a.address) })
 * ```
 */
export async function deployProtocol(ledger: Ledger, init: DeployProtocolInit = {}): Promise<Deployment> {
  const deployer = init.deployer ?? ledger.accounts[0]
  if (deployer === undefined) {
    throw new DeaiError('DEPLOY_NO_ACCOUNT', 'no account to deploy with', {
      fixes: ['give a private key (--key-file or DEAI_PRIVATE_KEY) for an account with ether on this chain'],
    })
  }
  const params: ProtocolParams = mergeProtocolParams(init.params)
  assertProtocolParams(params)
  const devAdmin = init.devAdmin === true
  const log = init.log ?? (() => {})
  const gasMeter = init.gasMeter
  const write = { gasMeter }

  const token = await deploy(ledger, deployer, 'DeaiToken', { abi: deaiTokenAbi, bytecode: deaiTokenBytecode, args: [deployer.address, params.supply] }, gasMeter)
  log(`DeaiToken       ${token.address}`)
  // The timelock names the governor as its only proposer, and the governor names the timelock:
  // the governor's address is fixed by the deployer's next nonce, so the timelock is made with
  // its final roles and no admin but itself, and the deployer never holds a role there.
  const g = params.governance
  const nonce = await ledger.client.getTransactionCount({ address: deployer.address, blockTag: 'pending' })
  const expectedGovernor = getContractAddress({ from: deployer.address, nonce: BigInt(nonce + 1) })
  const timelock = await deploy(ledger, deployer, 'DeaiTimelock', { abi: deaiTimelockAbi, bytecode: deaiTimelockBytecode, args: [
    g.timelockDelay,
    [expectedGovernor],
    [zeroAddress], // anyone may execute a passed, queued proposal once its delay is over
    zeroAddress,
  ] }, gasMeter)
  log(`DeaiTimelock    ${timelock.address}`)
  const governor = await deploy(ledger, deployer, 'DeaiGovernor', { abi: deaiGovernorAbi, bytecode: deaiGovernorBytecode, args: [
    token.address,
    timelock.address,
    Number(g.votingDelay),
    Number(g.votingPeriod),
    g.proposalThreshold,
    BigInt(g.quorumBps),
  ] }, gasMeter)
  if (governor.address !== getAddress(expectedGovernor)) {
    throw new DeaiError('DEPLOY_FAILED', `DeaiGovernor was deployed at ${governor.address}, not at ${expectedGovernor} where the timelock expects it`, {
      fixes: ['send nothing else from the deployer key while deploying, and deploy again'],
    })
  }
  log(`DeaiGovernor    ${governor.address}`)
  const treasury = timelock.address
  const stakeManager = await deploy(ledger, deployer, 'StakeManager', { abi: stakeManagerAbi, bytecode: stakeManagerBytecode, args: [
    token.address,
    deployer.address,
    params.unbondingDelay,
    params.operatorDelay,
    params.rotationDelay,
    params.epochBlocks,
  ] }, gasMeter)
  log(`StakeManager    ${stakeManager.address}`)
  const t = params.tasks
  const taskRegistry = await deploy(ledger, deployer, 'TaskRegistry', { abi: taskRegistryAbi, bytecode: taskRegistryBytecode, args: [
    token.address,
    stakeManager.address,
    treasury,
    deployer.address,
    {
      committeeSize: t.committeeSize,
      quorumBps: t.quorumBps,
      approvalBps: t.approvalBps,
      slashBps: t.slashBps,
      drawDelayBlocks: t.drawDelayBlocks,
      drawWindowBlocks: t.drawWindowBlocks,
      commitPeriod: t.commitPeriod,
      revealPeriod: t.revealPeriod,
      minBond: t.minBond,
      fee: t.fee,
      minVerifierStake: t.minVerifierStake,
    },
  ] }, gasMeter)
  log(`TaskRegistry    ${taskRegistry.address}`)
  const settlement = await deploy(ledger, deployer, 'TrainingSettlement', { abi: trainingSettlementAbi, bytecode: trainingSettlementBytecode, args: [
    stakeManager.address,
    taskRegistry.address,
  ] }, gasMeter)
  const trainingRounds = await deploy(ledger, deployer, 'TrainingRounds', { abi: trainingRoundsAbi, bytecode: trainingRoundsBytecode, args: [
    stakeManager.address,
    taskRegistry.address,
    settlement.address,
  ] }, gasMeter)
  const trainingFactory = await deploy(ledger, deployer, 'TrainingFactory', { abi: trainingFactoryAbi, bytecode: trainingFactoryBytecode, args: [
    taskRegistry.address,
    stakeManager.address,
    trainingRounds.address,
    deployer.address,
  ] }, gasMeter)
  log(`TrainingFactory ${trainingFactory.address}`)
  // The later stages need no role anywhere: they read the registry, the stakes and the trainings,
  // and move only the fees their own callers escrow.
  const dataRegistry = await deploy(ledger, deployer, 'DataRegistry', { abi: dataRegistryAbi, bytecode: dataRegistryBytecode, args: [
    taskRegistry.address,
    stakeManager.address,
    params.minDataProviderStake,
  ] }, gasMeter)
  log(`DataRegistry    ${dataRegistry.address}`)
  const modelRegistry = await deploy(ledger, deployer, 'ModelRegistry', { abi: modelRegistryAbi, bytecode: modelRegistryBytecode, args: [trainingFactory.address] }, gasMeter)
  log(`ModelRegistry   ${modelRegistry.address}`)
  const inferenceLog = await deploy(ledger, deployer, 'InferenceLog', { abi: inferenceLogAbi, bytecode: inferenceLogBytecode, args: [
    modelRegistry.address,
    stakeManager.address,
    params.inferenceResultWindow,
  ] }, gasMeter)
  log(`InferenceLog    ${inferenceLog.address}`)

  const sm = { address: stakeManager.address, abi: stakeManagerAbi } as const
  const slasher = await ledger.client.readContract({ ...sm, functionName: 'SLASHER_ROLE' })
  const rewarder = await ledger.client.readContract({ ...sm, functionName: 'REWARDER_ROLE' })
  await writeContract(ledger, deployer, { ...sm, functionName: 'grantRole', args: [slasher, taskRegistry.address] }, write)
  await writeContract(ledger, deployer, { ...sm, functionName: 'grantRole', args: [rewarder, taskRegistry.address] }, write)
  await writeContract(ledger, deployer, { ...sm, functionName: 'setMinStake', args: [roleId('verifier'), params.minVerifierStake] }, write)
  // Verifiers are drawn for committees (a sortition tree) and, like validators, weighed at a past
  // block (checkpoints); other roles pay for neither on each stake change.
  await writeContract(ledger, deployer, { ...sm, functionName: 'enableTracking', args: [roleId('verifier'), STAKE_CHECKPOINTS | STAKE_SORTITION] }, write)
  await writeContract(ledger, deployer, { ...sm, functionName: 'enableTracking', args: [roleId('validator'), STAKE_CHECKPOINTS] }, write)
  // The factory moves each task's training budget into its clone and authorises the clone for that task only.
  const registrar = await ledger.client.readContract({ ...sm, functionName: 'REGISTRAR_ROLE' })
  await writeContract(ledger, deployer, { ...sm, functionName: 'grantRole', args: [registrar, trainingFactory.address] }, write)
  const tr = { address: taskRegistry.address, abi: taskRegistryAbi } as const
  const stage = await ledger.client.readContract({ ...tr, functionName: 'STAGE_ROLE' })
  await writeContract(ledger, deployer, { ...tr, functionName: 'grantRole', args: [stage, trainingFactory.address] }, write)

  // Hand the admin roles to the timelock and give up the deployer's. AccessControl's functions
  // are the same in every contract, so StakeManager's ABI serves for all three.
  const tf = { address: trainingFactory.address, abi: trainingFactoryAbi } as const
  const admin = await ledger.client.readContract({ ...sm, functionName: 'DEFAULT_ADMIN_ROLE' })
  const pauser = await ledger.client.readContract({ ...sm, functionName: 'PAUSER_ROLE' })
  const handedOver: readonly { address: Address; role: Hex; name: string }[] = [
    { address: sm.address, role: pauser, name: 'StakeManager PAUSER_ROLE' },
    { address: sm.address, role: admin, name: 'StakeManager DEFAULT_ADMIN_ROLE' },
    { address: tr.address, role: admin, name: 'TaskRegistry DEFAULT_ADMIN_ROLE' },
    { address: tf.address, role: await ledger.client.readContract({ ...tf, functionName: 'PAUSER_ROLE' }), name: 'TrainingFactory PAUSER_ROLE' },
    { address: tf.address, role: admin, name: 'TrainingFactory DEFAULT_ADMIN_ROLE' },
  ]
  for (const { address, role } of handedOver) {
    await writeContract(ledger, deployer, { address, abi: stakeManagerAbi, functionName: 'grantRole', args: [role, timelock.address] }, write)
  }
  if (!devAdmin) {
    for (const { address, role } of handedOver) {
      await writeContract(ledger, deployer, { address, abi: stakeManagerAbi, functionName: 'renounceRole', args: [role, deployer.address] }, write)
    }
  }
  for (const { address, role, name } of handedOver) {
    const holds = (who: Address) => ledger.client.readContract({ address, abi: stakeManagerAbi, functionName: 'hasRole', args: [role, who] })
    const [timelockHolds, deployerHolds] = [await holds(timelock.address), await holds(deployer.address)]
    if (!timelockHolds || deployerHolds !== devAdmin) {
      throw new DeaiError('DEPLOY_FAILED', `${name} did not end up as intended (the timelock holds it: ${timelockHolds}; the deployer: ${deployerHolds})`)
    }
  }
  log(devAdmin ? `admin           the timelock, and the DEV ADMIN KEY ${deployer.address}` : 'admin           the timelock alone; the deployer holds no role')

  const amount = init.fundAmount ?? 1_000_000n * 10n ** 18n
  for (const to of init.fund ?? []) {
    if (to.toLowerCase() === deployer.address.toLowerCase()) continue
    await writeContract(ledger, deployer, { address: token.address, abi: deaiTokenAbi, functionName: 'transfer', args: [to, amount] }, { ...write, label: 'fund' })
  }
  if ((init.fund ?? []).length > 0) log(`funded ${init.fund?.length} accounts with ${amount / 10n ** 18n} DEAI each`)

  return {
    version: DEPLOYMENT_VERSION,
    chainId: ledger.chain.id,
    deployer: deployer.address,
    treasury,
    devAdmin: devAdmin ? deployer.address : null,
    blockNumber: token.block.toString(),
    contracts: {
      token: token.address,
      stakeManager: stakeManager.address,
      taskRegistry: taskRegistry.address,
      trainingFactory: trainingFactory.address,
      dataRegistry: dataRegistry.address,
      modelRegistry: modelRegistry.address,
      inferenceLog: inferenceLog.address,
      governor: governor.address,
      timelock: timelock.address,
    },
  }
}
