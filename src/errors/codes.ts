/**
 * Every error code deai's library code throws, declared once: its category (the part of deai
 * that raises it), a title that says what went wrong in general, and the fix a user gets when
 * the throw site gives none. A throw site adds the specific values (which CID, which round).
 *
 * @packageDocumentation
 */

/** What the registry says about one error code. */
export type DeaiErrorDescriptor = {
  /** The part of deai that raises it; per-module code unions are drawn from it. */
  readonly category: DeaiErrorCategory
  /** What went wrong, in general terms. */
  readonly title: string
  /** What to do about it, used when the throw site gives no fix of its own. */
  readonly fix: string
}

export type DeaiErrorCategory =
  | 'aggregation'
  | 'audit'
  | 'cli'
  | 'content'
  | 'contract'
  | 'dataset'
  | 'deployment'
  | 'governance'
  | 'inference'
  | 'keys'
  | 'ledger'
  | 'market'
  | 'metrics'
  | 'ml'
  | 'node'
  | 'peers'
  | 'random'
  | 'scenario'
  | 'task'
  | 'training'
  | 'yuma'

export const DEAI_ERRORS = {
  AGGREGATION_INVALID_OPTION: {
    category: 'aggregation',
    title: 'An option of an aggregation rule is out of its range.',
    fix: 'Check the rule\'s options (f, beta, maxNorm) against the number of updates.',
  },
  AGGREGATION_INVALID_UPDATE: {
    category: 'aggregation',
    title: 'An update to aggregate is not a Float32Array.',
    fix: 'Pass each update as one flat Float32Array (all layers concatenated).',
  },
  AGGREGATION_INVALID_WEIGHTS: {
    category: 'aggregation',
    title: 'The weights of a weighted average are invalid.',
    fix: 'Give one finite, non-negative weight per update, at least one of them positive.',
  },
  AGGREGATION_LENGTH_MISMATCH: {
    category: 'aggregation',
    title: 'The updates to aggregate differ in length.',
    fix: 'Flatten every update of one model the same way, so all updates have the same length.',
  },
  AGGREGATION_NON_FINITE: {
    category: 'aggregation',
    title: 'An update holds NaN or an infinite value.',
    fix: 'Reject or repair updates with NaN or infinite values before aggregating them.',
  },
  AGGREGATION_NO_UPDATES: {
    category: 'aggregation',
    title: 'There are no updates to aggregate.',
    fix: 'Pass at least one update (a Float32Array) to the aggregation rule.',
  },
  AGGREGATION_TOO_FEW_UPDATES: {
    category: 'aggregation',
    title: 'The rule needs more updates than it was given for the assumed number of Byzantine ones.',
    fix: 'Lower f, collect more updates, or use another rule.',
  },
  AGGREGATION_UNKNOWN_RULE: {
    category: 'aggregation',
    title: 'The aggregation or selection rule is not one deai implements.',
    fix: 'Use one of the rules in AGGREGATION_RULES.',
  },
  AUDIT_BAD_REPORT: {
    category: 'audit',
    title: 'The file to audit is not a deai run report.',
    fix: 'Pass the .json file `deai run` wrote.',
  },
  AUDIT_NO_CHAIN: {
    category: 'audit',
    title: 'The audit has no chain to read.',
    fix: 'Pass --chain FILE (written by `deai run` beside its report) or --rpc URL.',
  },
  CLI_BAD_ARGUMENT: {
    category: 'cli',
    title: 'A command-line argument has the wrong form.',
    fix: 'Run the command with --help to see what each argument takes.',
  },
  CLI_USAGE: {
    category: 'cli',
    title: 'The command-line arguments do not go together.',
    fix: 'Run the command with --help to see which arguments it needs.',
  },
  CONTENT_ABORTED: {
    category: 'content',
    title: 'The caller\'s signal aborted a content store operation.',
    fix: 'Give the operation more time, or do not abort it.',
  },
  CONTENT_CORRUPT: {
    category: 'content',
    title: 'A block\'s bytes do not match its hash.',
    fix: 'The block source let unverified bytes through: do not trust it.',
  },
  CONTENT_FILE_FAILED: {
    category: 'content',
    title: 'A local file could not be read or written.',
    fix: 'Check that the path exists (for reading) or that its directory is writable, and that the disk is not full.',
  },
  CONTENT_INVALID_CID: {
    category: 'content',
    title: 'A string or value is not a valid CID.',
    fix: 'Pass a CIDv1 such as the one `deai content put` prints (bafy...).',
  },
  CONTENT_INVALID_INPUT: {
    category: 'content',
    title: 'An argument to the content store has the wrong type or range.',
    fix: 'Check the argument against the content store\'s documentation.',
  },
  CONTENT_INVALID_JSON: {
    category: 'content',
    title: 'A value cannot be stored as DAG-JSON, or a block is not DAG-JSON.',
    fix: 'Use only plain objects, arrays, strings, finite numbers, booleans, null, bigint, Uint8Array and CIDs.',
  },
  CONTENT_NOT_FOUND: {
    category: 'content',
    title: 'The content is not in the store.',
    fix: 'Check the CID, and put the content into this store (or fetch it from a peer that has it) first.',
  },
  CONTENT_STORE_CLOSED: {
    category: 'content',
    title: 'The content store was used after it was closed.',
    fix: 'Create a new store with createContentStore, and close it only when done with it.',
  },
  CONTENT_STORE_FAILED: {
    category: 'content',
    title: 'The blockstore could not open, read or write.',
    fix: 'Check that the store directory exists, is writable and the disk is not full.',
  },
  CONTENT_TOO_LARGE: {
    category: 'content',
    title: 'Content or a block is over its size limit.',
    fix: 'Split the content, or raise the store\'s maxBytes if it is your own.',
  },
  CONTENT_UNSUPPORTED_HASH: {
    category: 'content',
    title: 'A block is not hashed with sha2-256, so it cannot be verified.',
    fix: 'Only sha2-256 content can be stored or fetched from peers.',
  },
  CONTENT_WRONG_KIND: {
    category: 'content',
    title: 'The content is not of the kind asked for (bytes, JSON, tensor) or its codec is not one deai stores.',
    fix: 'Read it with the getter that matches how it was put (getBytes, getJson, getTensor).',
  },
  CONTRACT_REVERTED: {
    category: 'contract',
    title: 'A contract call reverted with a custom error.',
    fix: 'Read the error\'s name and arguments: they say which rule of the contract the call broke.',
  },
  DATASET_MALFORMED: {
    category: 'dataset',
    title: 'A dataset file is not a valid IDX file.',
    fix: 'Reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist) or replace the file with an intact copy.',
  },
  DATASET_MISSING: {
    category: 'dataset',
    title: 'A Fashion-MNIST file was not found.',
    fix: 'Install the dataset: apt-get install dataset-fashion-mnist',
  },
  DATASET_UNREADABLE: {
    category: 'dataset',
    title: 'A dataset file could not be read.',
    fix: 'Check that the file is readable by this user.',
  },
  DEPLOYMENT_INVALID: {
    category: 'deployment',
    title: 'The deployment file is not one this deai reads.',
    fix: 'Write it again with `deai deploy --rpc URL` (or `deai chain`, which writes one).',
  },
  DEPLOYMENT_NOT_FOUND: {
    category: 'deployment',
    title: 'There is no deployment file.',
    fix: 'Start a local chain with `deai chain` (it writes this file), or deploy with `deai deploy --rpc URL`.',
  },
  DEPLOYMENT_NOT_ON_CHAIN: {
    category: 'deployment',
    title: 'The deployment\'s contracts are not on this chain.',
    fix: 'The chain was restarted or is another one: deploy again with `deai deploy --rpc URL`, or restart `deai chain`.',
  },
  DEPLOYMENT_WRONG_CHAIN: {
    category: 'deployment',
    title: 'The deployment was made on another chain than the RPC serves.',
    fix: 'Point --rpc at the chain the deployment was made on, or pass the right --deployment file.',
  },
  DEPLOY_FAILED: {
    category: 'deployment',
    title: 'Deploying or wiring a protocol contract failed.',
    fix: 'Check that the deployer account has ether for gas on this chain.',
  },
  DEPLOY_NO_ACCOUNT: {
    category: 'deployment',
    title: 'There is no account to deploy with.',
    fix: 'Give a private key (--key-file or DEAI_PRIVATE_KEY) for an account with ether on this chain.',
  },
  FILE_NOT_PARSEABLE: {
    category: 'cli',
    title: 'A JSON or YAML data file does not parse.',
    fix: 'Check the file\'s syntax.',
  },
  FILE_UNREADABLE: {
    category: 'cli',
    title: 'A data file (report, journal, distribution, proposal) could not be read.',
    fix: 'Check the path.',
  },
  GOV_ACTION_INVALID: {
    category: 'governance',
    title: 'A governance proposal action is not valid.',
    fix: 'See deai gov propose --help for the kinds of action and their fields.',
  },
  GOV_BELOW_PROPOSAL_THRESHOLD: {
    category: 'governance',
    title: 'The proposer has fewer delegated votes than proposing needs.',
    fix: 'Delegate your DEAI to yourself first (deai gov delegate), then propose in a later block.',
  },
  GOV_NO_VOTING_POWER: {
    category: 'governance',
    title: 'The voter had no votes at the proposal\'s snapshot.',
    fix: 'Delegate first (deai gov delegate): your votes count on proposals made after that.',
  },
  GOV_PROPOSAL_INVALID: {
    category: 'governance',
    title: 'A proposal\'s calls are malformed.',
    fix: 'Build the calls with encodeProposalActions.',
  },
  GOV_PROPOSAL_NOT_EXECUTABLE: {
    category: 'governance',
    title: 'The proposal cannot be executed in its current state.',
    fix: 'Check its state with deai gov show ID: it executes once queued and past the timelock delay.',
  },
  GOV_PROPOSAL_NOT_FOUND: {
    category: 'governance',
    title: 'There is no proposal with this id.',
    fix: 'Check the id (deai gov show lists the latest).',
  },
  GOV_PROPOSAL_NOT_QUEUEABLE: {
    category: 'governance',
    title: 'The proposal cannot be queued in its current state.',
    fix: 'Check its state with deai gov show ID: it is queued once voting closes, if it passed.',
  },
  GOV_VOTING_NOT_OPEN: {
    category: 'governance',
    title: 'Voting on the proposal is not open.',
    fix: 'Vote while the proposal is active (deai gov show ID).',
  },
  INFERENCE_MODEL_NOT_PUBLISHED: {
    category: 'inference',
    title: 'The request\'s task has no published model to answer with.',
    fix: 'Serve requests for tasks whose proposer has published the final model (publishModel).',
  },
  INFERENCE_REQUEST_NOT_FOUND: {
    category: 'inference',
    title: 'There is no inference request with this id.',
    fix: 'Request ids start at 1 and come from requestInference.',
  },
  KEYSTORE_INVALID: {
    category: 'keys',
    title: 'A keystore file is not a valid encrypted key.',
    fix: 'Create one with `deai keys new` or `deai keys import`.',
  },
  KEYSTORE_PASSWORD_MISMATCH: {
    category: 'keys',
    title: 'The password and its confirmation differ.',
    fix: 'Run the command again and type the same password twice.',
  },
  KEYSTORE_PASSWORD_MISSING: {
    category: 'keys',
    title: 'A keystore password is needed and none was given.',
    fix: 'Set DEAI_KEYSTORE_PASSWORD, or run the command in a terminal.',
  },
  KEYSTORE_UNREADABLE: {
    category: 'keys',
    title: 'A keystore file could not be read.',
    fix: 'Check the path (see `deai keys list`).',
  },
  KEYSTORE_UNWRITABLE: {
    category: 'keys',
    title: 'A keystore file could not be written.',
    fix: 'Check that the directory is writable.',
  },
  KEYSTORE_WRONG_PASSWORD: {
    category: 'keys',
    title: 'The password does not open the keystore.',
    fix: 'Type the password again, or check DEAI_KEYSTORE_PASSWORD.',
  },
  KEY_DEV_ON_REAL_CHAIN: {
    category: 'keys',
    title: 'A dev account was asked for on a chain that is not a dev chain.',
    fix: 'Use --key-file or DEAI_PRIVATE_KEY with your own key.',
  },
  KEY_FILE_UNREADABLE: {
    category: 'keys',
    title: 'The key file could not be read.',
    fix: 'Check the path of --key-file.',
  },
  KEY_INVALID: {
    category: 'keys',
    title: 'The key given is not a private key.',
    fix: 'Write the 32-byte key as 64 hex digits (with or without 0x), or JSON {"privateKey": "0x..."}.',
  },
  KEY_MISSING: {
    category: 'keys',
    title: 'The command signs transactions but no key was given.',
    fix: 'Pass --keystore FILE (deai keys new) or --key-file FILE, set DEAI_PRIVATE_KEY, or on a dev chain use --dev-account N (see `deai chain`).',
  },
  LEDGER_BAD_ACCOUNT_COUNT: {
    category: 'ledger',
    title: 'The number of dev accounts asked for cannot be derived.',
    fix: 'Ask for a whole number of accounts between 1 and 10000.',
  },
  LEDGER_BAD_HARDFORK: {
    category: 'ledger',
    title: 'The hardfork name is unknown to the embedded EVM.',
    fix: 'Use a hardfork name such as "cancun", "prague" or "osaka".',
  },
  LEDGER_BAD_RPC_URL: {
    category: 'ledger',
    title: 'The RPC URL is not an http(s) JSON-RPC URL.',
    fix: 'Pass a URL such as http://127.0.0.1:8545 (the address `deai chain` prints).',
  },
  LEDGER_CALL_FAILED: {
    category: 'ledger',
    title: 'A contract call failed without a custom error.',
    fix: 'Check that the RPC endpoint is reachable and that the deployment matches the chain.',
  },
  LEDGER_EVENT_MISSING: {
    category: 'ledger',
    title: 'An event the protocol always emits was not found.',
    fix: 'Use an RPC endpoint that serves logs from the deployment block on.',
  },
  LEDGER_JOURNAL_INVALID: {
    category: 'ledger',
    title: 'A chain journal file does not have the form `deai run` writes.',
    fix: 'Pass the <name>.chain.json file `deai run` wrote beside its report.',
  },
  LEDGER_KEY_DERIVATION: {
    category: 'ledger',
    title: 'A dev account key could not be derived from the dev mnemonic.',
    fix: 'Ask for a lower account index; this is a bug if the index is below 10000.',
  },
  LEDGER_NOT_REPLAYABLE: {
    category: 'ledger',
    title: 'The chain keeps no journal to replay.',
    fix: 'Create the embedded ledger with virtual time (the default).',
  },
  LEDGER_REPLAY_MISMATCH: {
    category: 'ledger',
    title: 'Replaying a chain journal reached another head than the journal records.',
    fix: 'The journal was altered, or it was written by another version of the EVM.',
  },
  LEDGER_RPC_UNREACHABLE: {
    category: 'ledger',
    title: 'The JSON-RPC endpoint does not answer.',
    fix: 'Check the URL and that the node is running (for a local chain: `deai chain` in another shell).',
  },
  LEDGER_SERVER_LISTEN: {
    category: 'ledger',
    title: 'The JSON-RPC server cannot listen on its address.',
    fix: 'Pick another port with --port, or stop the process that holds this one.',
  },
  LEDGER_TX_REVERTED: {
    category: 'ledger',
    title: 'A transaction was mined but reverted.',
    fix: 'Simulate the call first to read its custom error; the state changed between simulation and mining.',
  },
  LINEAGE_CID_MISMATCH: {
    category: 'market',
    title: 'The lineage CID the store gave does not match the lineage\'s own encoding.',
    fix: 'Use a deai content store, which stores JSON as sha2-256 DAG-JSON blocks.',
  },
  LINEAGE_INCOMPLETE: {
    category: 'market',
    title: 'The chain lacks an event the lineage is built from.',
    fix: 'Use an RPC endpoint that serves logs from the deployment block on.',
  },
  LINEAGE_INVALID: {
    category: 'market',
    title: 'A lineage document is malformed.',
    fix: 'Rebuild it from the chain with buildLineage(protocol, training).',
  },
  LINEAGE_NO_CONTRIBUTION: {
    category: 'market',
    title: 'The lineage has no accepted update at this position.',
    fix: 'Only accepted updates are leaves; list them with lineageContributions(lineage).',
  },
  LINEAGE_NO_FINAL_MODEL: {
    category: 'market',
    title: 'The training has no model that stands yet.',
    fix: 'Wait until an aggregator posts a model and its dispute, if any, is resolved in its favour.',
  },
  METRICS_INVALID_OPTION: {
    category: 'metrics',
    title: 'An option of a decentralization metric is out of range.',
    fix: 'Pass a whole number, for example 1 or 10.',
  },
  METRICS_INVALID_VALUE: {
    category: 'metrics',
    title: 'The amounts to measure are not a list of non-negative numbers.',
    fix: 'Pass one non-negative amount per entity, as numbers or as bigints.',
  },
  ML_BACKEND_UNAVAILABLE: {
    category: 'ml',
    title: 'The TensorFlow.js wasm backend is missing or incomplete.',
    fix: 'Reinstall the pinned version: npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  },
  ML_BACKEND_UNSUPPORTED: {
    category: 'ml',
    title: 'The wasm backend cannot run this operation.',
    fix: 'Use stride-1, channels-last convolutions (as deai\'s built-in models do).',
  },
  ML_INTERNAL: {
    category: 'ml',
    title: 'A model does not match its declared weight layout.',
    fix: 'This is a bug in deai: report it with the model kind.',
  },
  ML_INVALID_DATA: {
    category: 'ml',
    title: 'The examples or a batch option are invalid.',
    fix: 'Pass images and labels of the same count, and a batch size of at least 1.',
  },
  ML_INVALID_PARTITION: {
    category: 'ml',
    title: 'The examples cannot be partitioned as asked.',
    fix: 'Use at most as many clients as examples, with whole-number options.',
  },
  ML_INVALID_SUBSET: {
    category: 'ml',
    title: 'The subset asked for is not in the dataset.',
    fix: 'Ask for a whole number of examples no larger than the set.',
  },
  ML_INVALID_TRAINING: {
    category: 'ml',
    title: 'A training option is invalid.',
    fix: 'Check epochs, batchSize and learningRate: positive, and whole numbers where counts.',
  },
  ML_NOT_INITIALIZED: {
    category: 'ml',
    title: 'TensorFlow.js is not started yet.',
    fix: 'await initMl() (or any async deai ML function) before this call.',
  },
  ML_PARTITION_INFEASIBLE: {
    category: 'ml',
    title: 'No partition gives every client its minimum number of examples.',
    fix: 'Use fewer clients, more examples, or a lower minPerClient.',
  },
  ML_UNKNOWN_MODEL: {
    category: 'ml',
    title: 'The model kind is not one deai builds.',
    fix: 'Use one of the kinds in MODEL_KINDS (mlp, cnn).',
  },
  ML_WEIGHTS_MISMATCH: {
    category: 'ml',
    title: 'A weight vector does not fit the model.',
    fix: 'Use weights produced for the same model kind (parameterCount(kind) tells the length).',
  },
  MODEL_RECORD_NOT_FOUND: {
    category: 'market',
    title: 'The task has no published model record.',
    fix: 'The proposer publishes one with publishModel once the training has finished.',
  },
  NODE_BAD_PARTITION: {
    category: 'node',
    title: 'The node\'s data partition does not exist.',
    fix: 'Write --partition I/N with 0 <= I < N, e.g. --partition 0/3 for the first of three trainers.',
  },
  NODE_BAD_PROPOSAL: {
    category: 'node',
    title: 'The proposer node\'s proposal file is not valid.',
    fix: 'See deai node --help for the fields of a proposal file.',
  },
  NODE_BAD_TASK_SPEC: {
    category: 'node',
    title: 'The task\'s spec is not a valid deai-task/1 spec.',
    fix: 'Propose tasks with specs written by buildTaskSpec; this node skips the task.',
  },
  NODE_NO_DATA: {
    category: 'node',
    title: 'A data provider node has no data to provide.',
    fix: 'Give the node --partition I/N (and --data-dir).',
  },
  NODE_NO_GRANTED_SHARD: {
    category: 'node',
    title: 'No data provider has granted this trainer a shard yet.',
    fix: 'Wait for a data provider, or give the trainer --partition I/N of the training data.',
  },
  NODE_NO_VALIDATION_DATA: {
    category: 'node',
    title: 'A validator node has no validation examples.',
    fix: 'Give the validator --partition I/N of the test data.',
  },
  NODE_STATUS_PORT_IN_USE: {
    category: 'node',
    title: 'The node cannot serve its status endpoint on the port.',
    fix: 'Pick another --status-port, or 0 for any free port.',
  },
  NODE_TASK_ENDED: {
    category: 'node',
    title: 'The task has ended; the proposer node has nothing more to do.',
    fix: 'Propose a new task, or stop the node.',
  },
  NODE_UNKNOWN_AGGREGATION: {
    category: 'node',
    title: 'The training names an aggregation rule this node does not implement.',
    fix: 'Run a deai version that implements the rule the training names.',
  },
  NODE_UNKNOWN_MODEL: {
    category: 'node',
    title: 'The task\'s model is not one of the built-in models.',
    fix: 'This node trains the built-in architectures only.',
  },
  PARAMS_INVALID: {
    category: 'deployment',
    title: 'A protocol parameter override is invalid.',
    fix: 'See DEFAULT_PROTOCOL_PARAMS for the fields; amounts in wei and times in seconds, as strings or integers.',
  },
  PEER_DIAL_FAILED: {
    category: 'peers',
    title: 'The peer could not connect to another peer.',
    fix: 'Check that the peer is running and listening there, and that the /p2p/ id is its current one.',
  },
  PEER_ID_TAKEN: {
    category: 'peers',
    title: 'A peer id is already in use on the hub.',
    fix: 'Give each peer its own id, or close the old peer first.',
  },
  PEER_INVALID_ADDRESS: {
    category: 'peers',
    title: 'A peer address is not a multiaddr.',
    fix: 'Write it like /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... (the address another node prints at start).',
  },
  PEER_INVALID_ID: {
    category: 'peers',
    title: 'A peer id is empty, over-long or not a string.',
    fix: 'Pass a short id such as "trainer-3", or leave it out to get one.',
  },
  PEER_INVALID_MESSAGE: {
    category: 'peers',
    title: 'A message payload or a message option is invalid.',
    fix: 'Publish a Uint8Array (or JSON with publishJson) within the network\'s limits.',
  },
  PEER_INVALID_TOPIC: {
    category: 'peers',
    title: 'A topic is empty, over-long or not a string.',
    fix: 'Use a short name such as "deai/task/1/round/3/updates".',
  },
  PEER_KEY_INVALID: {
    category: 'peers',
    title: 'The peer identity key file is not a libp2p key.',
    fix: 'Delete it to get a new peer id.',
  },
  PEER_KEY_UNWRITABLE: {
    category: 'peers',
    title: 'The peer identity key could not be written.',
    fix: 'Check that the node directory is writable.',
  },
  PEER_LISTEN_FAILED: {
    category: 'peers',
    title: 'The libp2p peer could not start listening.',
    fix: 'Check that the port is free (or use port 0) and the address is one of this machine\'s.',
  },
  PEER_MESSAGE_TOO_LARGE: {
    category: 'peers',
    title: 'A message is over the network\'s size limit.',
    fix: 'Put large content in the content store and publish its CID instead.',
  },
  PEER_NETWORK_CLOSED: {
    category: 'peers',
    title: 'The peer or its hub was used after it was closed.',
    fix: 'Start a new peer, and close it only when done with it.',
  },
  RANDOM_INVALID_ARGUMENT: {
    category: 'random',
    title: 'An argument of the seeded random source is out of range.',
    fix: 'Pass a positive whole-number bound no larger than 4294967296.',
  },
  RANDOM_INVALID_SEED: {
    category: 'random',
    title: 'A seed is not a safe integer.',
    fix: 'Pass an integer seed between -(2^53 - 1) and 2^53 - 1, e.g. 1.',
  },
  RUN_UNKNOWN_COMMITTEE_MEMBER: {
    category: 'scenario',
    title: 'The committee drew an address that is not one of the scenario\'s verifiers.',
    fix: 'Run the scenario on a fresh chain: only its own verifiers may be staked in the verifier pool.',
  },
  RUN_TASK_NOT_APPROVED: {
    category: 'scenario',
    title: 'The verification committee did not approve the scenario\'s task.',
    fix: 'Give the scenario enough honest verifiers, or a task spec that passes the verifier rules.',
  },
  SCENARIO_INVALID: {
    category: 'scenario',
    title: 'The scenario file is not valid.',
    fix: 'See examples/quickstart.yaml and the "Scenario format" section of the README for every field and what it allows.',
  },
  SCENARIO_NOT_FOUND: {
    category: 'scenario',
    title: 'The scenario file could not be read.',
    fix: 'Check the path; examples live in examples/.',
  },
  TASK_ALREADY_REVEALED: {
    category: 'task',
    title: 'This committee member has already revealed its vote.',
    fix: 'Nothing more to do: the vote is counted when the task is finalized.',
  },
  TASK_COMMIT_CLOSED: {
    category: 'task',
    title: 'The commit phase of the task vote has ended.',
    fix: 'A member that did not commit in time cannot vote on this task.',
  },
  TASK_NOT_MEMBER: {
    category: 'task',
    title: 'The key does not work for a member of the task\'s committee.',
    fix: 'Vote with the operator key of a drawn committee member (deai task show ID lists them).',
  },
  TASK_NOT_PROPOSER: {
    category: 'task',
    title: 'Only the task\'s proposer can do this.',
    fix: 'Use the proposer\'s key.',
  },
  TASK_NOT_VERIFIER: {
    category: 'task',
    title: 'The key works for no staked verifier.',
    fix: 'Stake as a verifier (deai stake --role verifier), or use the operator key your owner key named.',
  },
  TASK_NOT_VOTING: {
    category: 'task',
    title: 'The task is not in its committee vote.',
    fix: 'Check the task\'s status with deai task show ID.',
  },
  TASK_REVEAL_NOT_OPEN: {
    category: 'task',
    title: 'The reveal phase of the task vote has not opened.',
    fix: 'Run the same command again once the commit phase ends, or add --wait.',
  },
  TRAINING_ROUND_NOT_OPEN: {
    category: 'training',
    title: 'The training round has not opened.',
    fix: 'Wait for the previous round to settle and its model to be posted.',
  },
  YUMA_FIXED_RANGE: {
    category: 'yuma',
    title: 'A fixed-point value left the exactly representable range.',
    fix: 'Keep inputs within the chain limits: at most 65,535 uids, u16 weights, stakes below 2^63 rao.',
  },
  YUMA_INPUT_INVALID: {
    category: 'yuma',
    title: 'An input of the Yuma epoch is malformed.',
    fix: 'Give one row per validator and one entry per uid, with u16 weights and whole-number stakes.',
  },
  YUMA_INPUT_OUT_OF_RANGE: {
    category: 'yuma',
    title: 'An input of the Yuma epoch is beyond the chain\'s fixed-point range.',
    fix: 'Keep each weight row below 2^31 in total (at most 32,768 full u16 entries).',
  },
  YUMA_PARAMS_INVALID: {
    category: 'yuma',
    title: 'A Yuma parameter is out of its range.',
    fix: 'Leave the parameter out to use the default.',
  },
  YUMA_TRACE_INCOMPLETE: {
    category: 'yuma',
    title: 'The epoch trace lacks an entry.',
    fix: 'Run the epoch with { trace: true }; this is a bug if it already was.',
  },
  YUMA_VECTORS_INVALID: {
    category: 'yuma',
    title: 'A Yuma test-vector file is malformed.',
    fix: 'Compare the case with the format of yuma-vectors.json (spec §12).',
  },
} as const satisfies Record<string, DeaiErrorDescriptor>

/** Every error code deai throws; a code not in {@link DEAI_ERRORS} does not compile. */
export type DeaiErrorCode = keyof typeof DEAI_ERRORS

/** The codes of one category, e.g. `DeaiErrorCodeIn<'content'>`. */
export type DeaiErrorCodeIn<Category extends DeaiErrorCategory> = {
  [C in DeaiErrorCode]: (typeof DEAI_ERRORS)[C]['category'] extends Category ? C : never
}[DeaiErrorCode]

/**
 * A union of codes checked against the registry, for the codes one function throws:
 * `DeaiErrorCodes<'GOV_PROPOSAL_NOT_FOUND' | 'CONTRACT_REVERTED'>`; a misspelt code does not compile.
 */
export type DeaiErrorCodes<C extends DeaiErrorCode> = C
