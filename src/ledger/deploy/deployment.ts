import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { getAddress, isAddress } from 'viem'
import type { Address } from 'viem'
import { z } from 'zod'
import { DeaiError } from '../../errors/base.js'

const address = z.string().refine(isAddress, 'must be a 0x-prefixed 20-byte address').transform((a) => getAddress(a))

/** The format this code writes and reads. Version 1 had no governor: the deployer was the admin. */
export const DEPLOYMENT_VERSION = 2

const deploymentSchema = z.object({
  version: z.literal(DEPLOYMENT_VERSION),
  chainId: z.number().int().positive(),
  deployer: address,
  treasury: address,
  devAdmin: address.nullable(),
  blockNumber: z.string().regex(/^\d+$/),
  contracts: z.object({
    token: address,
    stakeManager: address,
    taskRegistry: address,
    trainingFactory: address,
    dataRegistry: address,
    modelRegistry: address,
    inferenceLog: address,
    governor: address,
    timelock: address,
  }),
})

/** Where the protocol lives on one chain: written by `deai deploy` / `deai chain`, read by every other command. */
export type Deployment = {
  version: typeof DEPLOYMENT_VERSION
  chainId: number
  /** Deployed the contracts and received the DEAI supply; holds no role once deployment is over. */
  deployer: Address
  /** Receives fees, forfeited bonds and slashed verifier stake: the timelock, unless governance changed it. */
  treasury: Address
  /**
   * A dev chain's admin key (`deai chain --dev-admin`), which also holds DEFAULT_ADMIN_ROLE and
   * PAUSER_ROLE beside the timelock; `null` wherever the timelock alone administers the protocol.
   */
  devAdmin: Address | null
  /** Block of the first deployment transaction, as a decimal string (where to start reading logs). */
  blockNumber: string
  contracts: {
    token: Address
    stakeManager: Address
    taskRegistry: Address
    /** Creates one TrainingRounds clone per task (its `implementation()` is the shared code). */
    trainingFactory: Address
    /** Data stage: dataset shards per task and the trainers granted each. */
    dataRegistry: Address
    /** Marketplace stage (simplest form): one record per task of its final model and lineage. */
    modelRegistry: Address
    /** Inference stage (simple form): requests, results and escrowed fees against published models. */
    inferenceLog: Address
    /** DEAI holders' Governor: proposals, votes, and queueing into the timelock. */
    governor: Address
    /** Executes what the governor passed, after its delay; holds every admin role and the treasury. */
    timelock: Address
  }
}

/** The default deployment file, relative to the working directory. */
export const DEFAULT_DEPLOYMENT_FILE = '.deai/deployment.json'

/**
 * Validates a deployment read from outside (a file, a peer).
 *
 * @throws DeaiError `DEPLOYMENT_INVALID` naming the bad field.
 */
export function parseDeployment(value: unknown, source = 'deployment'): Deployment {
  const version = typeof value === 'object' && value !== null && 'version' in value ? value.version : undefined
  if (typeof version === 'number' && version !== DEPLOYMENT_VERSION) {
    throw new DeaiError('DEPLOYMENT_INVALID', `${source}: deployment format ${version}; this deai reads format ${DEPLOYMENT_VERSION}`, {
      details: version < DEPLOYMENT_VERSION
        ? ['format 1 was written before governance: its contracts are administered by the deployer\'s key, and it names no governor or timelock']
        : ['it was written by a newer deai'],
      fixes: version < DEPLOYMENT_VERSION
        ? ['deploy again with `deai deploy --rpc URL` (or restart `deai chain`), which writes format 2']
        : ['upgrade deai to read it'],
    })
  }
  const result = deploymentSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = issue === undefined ? '' : issue.path.join('.')
    throw new DeaiError('DEPLOYMENT_INVALID', `${source}: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`, {
      fixes: ['write it again with `deai deploy --rpc URL` (or `deai chain`, which writes one)'],
    })
  }
  return result.data
}

/** Reads and validates a deployment file. */
export async function readDeployment(path: string = DEFAULT_DEPLOYMENT_FILE): Promise<Deployment> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new DeaiError('DEPLOYMENT_NOT_FOUND', `no deployment file at ${path}`, {
      fixes: [
        'start a local chain with `deai chain` (it writes this file), or deploy with `deai deploy --rpc URL`',
        'or point to an existing file with --deployment FILE',
      ],
      cause,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new DeaiError('DEPLOYMENT_INVALID', `${path} is not JSON`, { cause })
  }
  return parseDeployment(json, path)
}

/** Writes a deployment file (creating its folder). */
export async function writeDeployment(deployment: Deployment, path: string = DEFAULT_DEPLOYMENT_FILE): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, JSON.stringify(deployment, null, 2) + '\n')
}
