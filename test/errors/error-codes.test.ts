import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { DEAI_ERRORS } from '../../src/errors/codes.js'
import type { DeaiErrorCode } from '../../src/errors/codes.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `file > title` of a test that makes deai throw the code and asserts it, or why none can. */
type RaisedBy = string | { untested: string }

// Typed by the registry: a new code does not compile until it is listed here.
const RAISED_BY: Record<DeaiErrorCode, RaisedBy> = {
  AGGREGATION_INVALID_OPTION: 'test/mechanisms/aggregation/bulyan.test.ts > rejects a bad f',
  AGGREGATION_INVALID_UPDATE: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AGGREGATION_INVALID_WEIGHTS: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AGGREGATION_LENGTH_MISMATCH: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AGGREGATION_NON_FINITE: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AGGREGATION_NO_UPDATES: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AGGREGATION_TOO_FEW_UPDATES: 'test/mechanisms/aggregation/bulyan.test.ts > needs n ≥ 4f + 3',
  AGGREGATION_UNKNOWN_RULE: 'test/mechanisms/aggregation/aggregate.test.ts > rejects an unknown rule, no updates, bad shapes and bad weights',
  AUDIT_BAD_REPORT: 'test/cli/errors.test.ts > an audit needs the run\'s chain, and a run report',
  AUDIT_NO_CHAIN: 'test/cli/errors.test.ts > an audit needs the run\'s chain, and a run report',
  CLI_BAD_ARGUMENT: 'test/cli/cli.test.ts > usage mistakes exit 2, failures exit 1 with the error code',
  CLI_USAGE: 'test/cli/cli.test.ts > metrics over a distribution from --values or a file, as a table or JSON',
  CONTENT_ABORTED: 'test/content/content-store-suite.ts > an aborted read is CONTENT_ABORTED',
  CONTENT_CORRUPT: 'test/content/content-store.test.ts > a corrupted block is CONTENT_CORRUPT, never wrong bytes',
  CONTENT_FILE_FAILED: 'test/content/files.test.ts > a missing or unreadable source is CONTENT_FILE_FAILED',
  CONTENT_INVALID_CID: 'test/cli/cli.test.ts > usage mistakes exit 2, failures exit 1 with the error code',
  CONTENT_INVALID_INPUT: 'test/content/cid.test.ts > refuses bad digests, unknown codecs and foreign CIDs',
  CONTENT_INVALID_JSON: 'test/content/content-store-suite.ts > refuses undefined, NaN and Infinity instead of losing them',
  CONTENT_NOT_FOUND: 'test/content/content-store-suite.ts > an unknown CID is CONTENT_NOT_FOUND, for every getter and codec',
  CONTENT_STORE_CLOSED: 'test/content/content-store-suite.ts > a closed store is CONTENT_STORE_CLOSED; closing twice is fine',
  CONTENT_STORE_FAILED: 'test/content/content-store.test.ts > fs: a path that is a file is CONTENT_STORE_FAILED',
  CONTENT_TOO_LARGE: 'test/content/content-store-suite.ts > refuses a document over the 2 MiB block limit',
  CONTENT_UNSUPPORTED_HASH: 'test/content/content-store-suite.ts > a CID hashed with something other than sha2-256 is CONTENT_UNSUPPORTED_HASH',
  CONTENT_WRONG_KIND: 'test/content/cid.test.ts > refuses bad digests, unknown codecs and foreign CIDs',
  CONTRACT_REVERTED: 'test/cli/errors.test.ts > reaches the user by name, with its arguments and the fix from its NatSpec',
  DATASET_MALFORMED: 'test/ml/idx.test.ts > rejects an unexpected number of dimensions',
  DATASET_MISSING: 'test/ml/fashion-mnist.test.ts > reports missing files as DATASET_MISSING',
  DATASET_UNREADABLE: 'test/ml/dataset-files.test.ts > directories where the files should be are DATASET_UNREADABLE, not DATASET_MISSING',
  DEPLOYMENT_INVALID: 'test/governance/formats.test.ts > records the governor, the timelock and the dev admin (or null), all required',
  DEPLOYMENT_NOT_FOUND: 'test/ledger/errors.test.ts > a missing deployment file is DEPLOYMENT_NOT_FOUND',
  DEPLOYMENT_NOT_ON_CHAIN: 'test/ledger/errors.test.ts > a deployment is refused on another chain, and on a chain without its contracts',
  DEPLOYMENT_WRONG_CHAIN: 'test/ledger/errors.test.ts > a deployment is refused on another chain, and on a chain without its contracts',
  DEPLOY_FAILED: 'test/ledger/errors.test.ts > deploying fails plainly when the deployer has no ether for gas',
  DEPLOY_NO_ACCOUNT: 'test/ledger/errors.test.ts > deploying needs an account',
  FILE_NOT_PARSEABLE: 'test/cli/errors.test.ts > a data file that is missing or does not parse is named, with its fix',
  FILE_UNREADABLE: 'test/cli/errors.test.ts > a data file that is missing or does not parse is named, with its fix',
  GOV_ACTION_INVALID: 'test/cli/gov.test.ts > mistakes in actions and arguments are named before anything is sent',
  GOV_BELOW_PROPOSAL_THRESHOLD: 'test/governance/proposals.test.ts > proposing needs the threshold of delegated votes and well-formed calls',
  GOV_NO_VOTING_POWER: 'test/cli/gov.test.ts > show, delegate, propose, vote, queue and execute a parameter change, with the errors that name their fix',
  GOV_PROPOSAL_INVALID: 'test/governance/proposals.test.ts > proposing needs the threshold of delegated votes and well-formed calls',
  GOV_PROPOSAL_NOT_EXECUTABLE: 'test/governance/proposals.test.ts > a parameter change goes through propose, vote, queue and execute, each step refused until its time',
  GOV_PROPOSAL_NOT_FOUND: 'test/cli/gov.test.ts > mistakes in actions and arguments are named before anything is sent',
  GOV_PROPOSAL_NOT_QUEUEABLE: 'test/governance/proposals.test.ts > a parameter change goes through propose, vote, queue and execute, each step refused until its time',
  GOV_VOTING_NOT_OPEN: 'test/governance/proposals.test.ts > a parameter change goes through propose, vote, queue and execute, each step refused until its time',
  INFERENCE_MODEL_NOT_PUBLISHED: { untested: 'guards a provider against a request for an unpublished model, which InferenceLog.request refuses (ModelNotPublished, tested in test/contracts/inference-log.test.ts)' },
  INFERENCE_REQUEST_NOT_FOUND: 'test/contracts/inference-log.test.ts > postResult needs a known pending request, a result digest and the named provider',
  KEYSTORE_INVALID: 'test/keys/keystore.test.ts > encrypts to Web3 Secret Storage v3 with scrypt, and decrypts with the password only',
  KEYSTORE_PASSWORD_MISMATCH: 'test/cli/errors.test.ts > a new key file wants the same password twice',
  KEYSTORE_PASSWORD_MISSING: 'test/keys/keystore.test.ts > encrypts to Web3 Secret Storage v3 with scrypt, and decrypts with the password only',
  KEYSTORE_UNREADABLE: 'test/keys/keystore-files.test.ts > reading a key file that is not there is KEYSTORE_UNREADABLE',
  KEYSTORE_UNWRITABLE: 'test/keys/keystore-files.test.ts > writing a key file where a file stands in for the directory is KEYSTORE_UNWRITABLE',
  KEYSTORE_WRONG_PASSWORD: 'test/keys/keystore.test.ts > encrypts to Web3 Secret Storage v3 with scrypt, and decrypts with the password only',
  KEY_DEV_ON_REAL_CHAIN: 'test/cli/errors.test.ts > a dev account is refused on a chain that is not a dev chain',
  KEY_FILE_UNREADABLE: 'test/cli/errors.test.ts > a signing command refuses a missing, unreadable or malformed key',
  KEY_INVALID: 'test/cli/errors.test.ts > a signing command refuses a missing, unreadable or malformed key',
  KEY_MISSING: 'test/cli/errors.test.ts > a signing command refuses a missing, unreadable or malformed key',
  LEDGER_BAD_ACCOUNT_COUNT: 'test/ledger/errors.test.ts > dev keys: a count that is not a whole number from 1 to 10,000 is refused',
  LEDGER_BAD_HARDFORK: 'test/ledger/errors.test.ts > an unknown hardfork name is refused',
  LEDGER_BAD_RPC_URL: 'test/ledger/errors.test.ts > an RPC URL that is not http(s) is refused before any request',
  LEDGER_CALL_FAILED: 'test/ledger/errors.test.ts > a failure that is not a contract revert is LEDGER_CALL_FAILED',
  LEDGER_EVENT_MISSING: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  LEDGER_JOURNAL_INVALID: 'test/ledger/embedded.test.ts > a journal file reads back as written; a file of another form is named with its wrong fields',
  LEDGER_KEY_DERIVATION: { untested: 'guards an HD key derivation that yields no private key, which it does not for the dev paths' },
  LEDGER_NOT_REPLAYABLE: 'test/ledger/errors.test.ts > a wall-clock chain has no journal to replay',
  LEDGER_REPLAY_MISMATCH: 'test/ledger/embedded.test.ts > replaying the journal rebuilds the chain block for block; a tampered journal is refused',
  LEDGER_RPC_UNREACHABLE: 'test/cli/cli.test.ts > usage mistakes exit 2, failures exit 1 with the error code',
  LEDGER_SERVER_LISTEN: 'test/ledger/errors.test.ts > the JSON-RPC server refuses a port another server holds',
  LEDGER_TX_REVERTED: { untested: 'needs a chain that mines a reverting transaction; the embedded chain refuses it at send, and the call is estimated first' },
  LINEAGE_CID_MISMATCH: 'test/ledger/training-errors.test.ts > a round that has not opened cannot be read, and a lineage the store misfiles is not published',
  LINEAGE_INCOMPLETE: { untested: 'needs a chain that lost the RoundOpened event of a round it settled' },
  LINEAGE_INVALID: 'test/ledger/lineage.test.ts > parseLineage checksums addresses and rejects documents that are not lineages',
  LINEAGE_NO_CONTRIBUTION: 'test/ledger/lineage.test.ts > contributionProof names only accepted updates',
  LINEAGE_NO_FINAL_MODEL: 'test/contracts/model-registry.test.ts > a training that expired before any model has no final model to publish',
  METRICS_INVALID_OPTION: 'test/mechanisms/metrics/metrics.test.ts > rejects a bad k',
  METRICS_INVALID_VALUE: 'test/mechanisms/metrics/metrics.test.ts > toShares rejects mixed or invalid amounts',
  ML_BACKEND_UNAVAILABLE: { untested: 'needs a broken @tensorflow/tfjs-backend-wasm install' },
  ML_BACKEND_UNSUPPORTED: 'test/ml/wasm-kernels.test.ts > the filter gradient of a strided convolution is refused with a typed error',
  ML_INTERNAL: { untested: 'guards a model whose built layers disagree with its declared weight layout, which the built-in architectures never do' },
  ML_INVALID_DATA: 'test/ml/train.test.ts > rejects bad arguments with typed errors',
  ML_INVALID_PARTITION: 'test/ml/partition.test.ts > rejects impossible splits',
  ML_INVALID_SUBSET: 'test/ml/image-set.test.ts > takeExamples keeps the first n as views',
  ML_INVALID_TRAINING: 'test/ml/train.test.ts > rejects bad arguments with typed errors',
  ML_NOT_INITIALIZED: 'test/ml/backend-not-started.test.ts > synchronous ML code before initMl is ML_NOT_INITIALIZED',
  ML_PARTITION_INFEASIBLE: 'test/ml/partition.test.ts > honours minPerClient by redrawing, and reports when it cannot',
  ML_UNKNOWN_MODEL: 'test/ml/models.test.ts > rejects unknown kinds',
  ML_WEIGHTS_MISMATCH: 'test/ml/models.test.ts > setWeights rejects a vector of the wrong length',
  MODEL_RECORD_NOT_FOUND: 'test/contracts/model-registry.test.ts > only the proposer publishes, with a lineage digest, and only for a task that has a training',
  NODE_BAD_PARTITION: 'test/node/data-provider.test.ts > nodes sharing a seed get disjoint parts of a split',
  NODE_BAD_PROPOSAL: 'test/node/multi-process.test.ts > a wrong RPC URL, a wrong keystore password or a bad proposal stop the node with a clear error and exit 1',
  NODE_BAD_TASK_SPEC: 'test/node/task-training.test.ts > a spec that is not deai-task/1 is NODE_BAD_TASK_SPEC',
  NODE_NO_DATA: 'test/node/data-provider.test.ts > a data provider given neither a part of the dataset nor shards says so on its first step',
  NODE_NO_GRANTED_SHARD: { untested: "reached by an SDK node driver set to data: 'granted' whose training opens before any grant; the CLI never builds that driver, and the equivalence test always grants first" },
  NODE_NO_VALIDATION_DATA: { untested: "reached only by an SDK validator driver set to data: 'granted' (a validator holds its own data); the CLI never builds it" },
  NODE_STATUS_PORT_IN_USE: 'test/node/status-server.test.ts > the status endpoint refuses a port another server holds',
  NODE_TASK_ENDED: { untested: "needs a proposer node resumed on a task the committee rejected or that was abandoned; the runner's and the node tests' honest committees never do that" },
  NODE_UNKNOWN_AGGREGATION: 'test/node/task-training.test.ts > an aggregation id the node does not implement is NODE_UNKNOWN_AGGREGATION',
  NODE_UNKNOWN_MODEL: 'test/node/task-training.test.ts > a model bundle that is none of the built-in models is NODE_UNKNOWN_MODEL',
  PARAMS_INVALID: 'test/governance/formats.test.ts > are read from a params file like the others, and each is bounded',
  PEER_DIAL_FAILED: 'test/peers/libp2p-errors.test.ts > dialling a peer that has stopped is PEER_DIAL_FAILED',
  PEER_ID_TAKEN: 'test/errors/base.test.ts > takes only registered codes, and the guard narrows to the code asked for',
  PEER_INVALID_ADDRESS: 'test/peers/libp2p-peer.test.ts > refuses a malformed multiaddr',
  PEER_INVALID_ID: 'test/peers/memory-peer-hub.test.ts > refuses a taken or malformed peer id',
  PEER_INVALID_MESSAGE: 'test/peers/libp2p-envelope.test.ts > refuses truncated, zero or backwards sequence numbers',
  PEER_INVALID_TOPIC: 'test/peers/peer-network-suite.ts > refuses bad topics and payloads',
  PEER_KEY_INVALID: 'test/peers/peer-key.test.ts > a file that is not a libp2p key is refused, not replaced',
  PEER_KEY_UNWRITABLE: 'test/peers/peer-key.test.ts > a key that cannot be written is PEER_KEY_UNWRITABLE',
  PEER_LISTEN_FAILED: 'test/peers/libp2p-errors.test.ts > a peer cannot listen on a port another peer holds',
  PEER_MESSAGE_TOO_LARGE: 'test/peers/peer-network-suite.ts > caps message size at the boundary',
  PEER_NETWORK_CLOSED: 'test/peers/memory-peer-hub.test.ts > close() closes every peer and refuses new ones',
  RANDOM_INVALID_ARGUMENT: 'test/ml/random.test.ts > nextInt covers its range evenly',
  RANDOM_INVALID_SEED: 'test/ml/random.test.ts > rejects seeds that are not safe integers',
  RUN_UNKNOWN_COMMITTEE_MEMBER: { untested: 'guards the runner against a verifier pool holding strangers, which its fresh chain never has' },
  RUN_TASK_NOT_APPROVED: 'test/scenario/run-scenario-cleanup.test.ts > a scenario with fewer verifiers than a committee stops at the draw with RUN_TASK_NOT_APPROVED, and closes everything',
  SCENARIO_INVALID: 'test/scenario/load-scenario.test.ts > a file that is not YAML, and a missing file, say so',
  SCENARIO_NOT_FOUND: 'test/scenario/load-scenario.test.ts > a file that is not YAML, and a missing file, say so',
  TASK_ALREADY_REVEALED: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_COMMIT_CLOSED: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_NOT_MEMBER: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_NOT_PROPOSER: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_NOT_VERIFIER: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_NOT_VOTING: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TASK_REVEAL_NOT_OPEN: 'test/tasks/task-vote-errors.test.ts > each step a key may not take is refused with its own code',
  TRAINING_ROUND_NOT_OPEN: 'test/ledger/training-errors.test.ts > a round that has not opened cannot be read, and a lineage the store misfiles is not published',
  YUMA_FIXED_RANGE: 'test/mechanisms/consensus/yuma-fixed-point.test.ts > values beyond the exact range are refused',
  YUMA_INPUT_INVALID: 'test/mechanisms/consensus/yuma-dense.test.ts > reject ragged rows, values outside u16 and lengths that are not whole rows',
  YUMA_INPUT_OUT_OF_RANGE: 'test/mechanisms/consensus/yuma-sparse-matrix.test.ts > refuses a row of u16 values whose sum leaves the chain\'s I32F32 range',
  YUMA_PARAMS_INVALID: 'test/mechanisms/consensus/yuma-epoch.test.ts > rejects malformed input and parameters with stable codes',
  YUMA_TRACE_INCOMPLETE: { untested: 'guards the traced epoch, which always emits the entries the claim reads' },
  YUMA_VECTORS_INVALID: 'test/mechanisms/consensus/yuma-replay-registration.test.ts > a malformed registration case is a YUMA_VECTORS_INVALID error naming the path',
}

async function filesUnder(dir: string, extension: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), extension) : Promise.resolve(e.name.endsWith(extension) ? [join(dir, e.name)] : []))))
  return nested.flat()
}

const TEST_START = /^\s*(?:test|it|describe)(?:\.\w+)?\(/

/** The lines of the test titled `title` in `source`, up to the next test or describe. */
function testBody(source: string, title: string): string | undefined {
  const lines = source.split('\n')
  const quoted = [`'${title.replaceAll('\'', '\\\'')}'`, `"${title}"`, `\`${title}\``]
  const starts = lines.flatMap((line, i) => (/^\s*(?:test|it)(?:\.\w+)?\(/.test(line) && quoted.some((q) => line.includes(`(${q}`)) ? [i] : []))
  if (starts.length !== 1) return undefined
  const start = starts[0]!
  const end = lines.findIndex((line, i) => i > start && TEST_START.test(line))
  return lines.slice(start, end === -1 ? undefined : end).join('\n')
}

describe('the error code checklist', () => {
  test('every code is raised and asserted by the test named for it, or says why no test can', async () => {
    const problems: string[] = []
    for (const [code, raisedBy] of Object.entries(RAISED_BY)) {
      if (typeof raisedBy !== 'string') {
        if (raisedBy.untested.length < 20) problems.push(`${code}: give the reason no test raises it`)
        continue
      }
      const [file, title] = raisedBy.split(' > ', 2)
      const source = await readFile(join(ROOT, file!), 'utf8').catch(() => undefined)
      if (source === undefined) {
        problems.push(`${code}: no file ${file}`)
        continue
      }
      const body = testBody(source, title ?? '')
      if (body === undefined) problems.push(`${code}: ${file} has no single test titled "${title}"`)
      else if (!new RegExp(`\\b${code}\\b`).test(body)) problems.push(`${code}: "${title}" does not assert it`)
    }
    expect(problems).toEqual([])
  })

  test('the checklist lists exactly the registry\'s codes', () => {
    expect(Object.keys(RAISED_BY).sort()).toEqual(Object.keys(DEAI_ERRORS).sort())
  })

  test('every code in the registry is thrown somewhere in src', async () => {
    const thrown = new Set<string>()
    for (const file of await filesUnder(join(ROOT, 'src'), '.ts')) {
      if (relative(ROOT, file).includes('generated')) continue
      for (const match of (await readFile(file, 'utf8')).matchAll(/(?:new DeaiError|super)\(\s*'([A-Z][A-Z0-9_]+)'/g)) thrown.add(match[1]!)
    }
    expect(Object.keys(DEAI_ERRORS).filter((code) => !thrown.has(code)), 'codes nothing throws').toEqual([])
  })
})
