/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK's main entry point: factories and
 * flows (chains, the protocol, content, peers, keys, scenarios and their audit, nodes) and errors.
 * The layers under it have their own entry points: `deai/actions` (one function per protocol
 * call), `deai/roles` (what each participant does, and the drivers that run it), `deai/mechanisms`
 * (aggregation, consensus, decentralization metrics) and `deai/ml` (models, data, training).
 * The `deai` CLI is built on these alone.
 *
 * @packageDocumentation
 */

// Errors: every code declared once, with its fix; isDeaiError narrows to a code.
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'
export { DEAI_ERRORS } from './errors/codes.js'
export type { DeaiErrorCategory, DeaiErrorCode, DeaiErrorCodeIn, DeaiErrorCodes, DeaiErrorDescriptor } from './errors/codes.js'

// Chains: the embedded EVM (with its replayable journal), JSON-RPC, dev keys, gas.
export type { Ledger, LedgerClock } from './ledger/ledger.js'
export { createEmbeddedLedger } from './ledger/embedded/create-embedded-ledger.js'
export type { EmbeddedLedger, EmbeddedLedgerInit } from './ledger/embedded/create-embedded-ledger.js'
export { createRpcLedger } from './ledger/rpc/create-rpc-ledger.js'
export type { RpcLedgerInit } from './ledger/rpc/create-rpc-ledger.js'
export { serveJsonRpc } from './ledger/server/serve-json-rpc.js'
export type { JsonRpcServer, JsonRpcServerInit } from './ledger/server/serve-json-rpc.js'
export { deriveDevKeys, DEV_MNEMONIC } from './ledger/dev-accounts.js'
export { createGasMeter } from './ledger/gas-meter.js'
export type { GasMeter, GasRecord } from './ledger/gas-meter.js'
export { replayChainJournal } from './ledger/embedded/create-embedded-ledger.js'
export type { ChainJournal, JournalEntry } from './ledger/embedded/create-embedded-ledger.js'
export { parseChainJournal, readChainJournal } from './ledger/embedded/chain-journal.js'

// The protocol: deploy it, record the deployment, connect to it. Its actions are in 'deai/actions'.
export { deployProtocol } from './ledger/deploy/deploy-protocol.js'
export type { DeployProtocolInit } from './ledger/deploy/deploy-protocol.js'
export { assertProtocolParams, DEFAULT_PROTOCOL_PARAMS, DEV_CHAIN_PARAMS, mergeProtocolParams, parseProtocolParams } from './ledger/deploy/protocol-params.js'
export type { GovernanceParams, ProtocolParams, ProtocolParamsOverrides, TaskRules } from './ledger/deploy/protocol-params.js'
export { DEFAULT_DEPLOYMENT_FILE, DEPLOYMENT_VERSION, parseDeployment, readDeployment, writeDeployment } from './ledger/deploy/deployment.js'
export type { Deployment } from './ledger/deploy/deployment.js'
export { connectProtocol } from './ledger/protocol.js'
export type { ConnectProtocolOptions, Protocol } from './ledger/protocol.js'

// Content by CID, over IPFS's own formats, and peers in process or over libp2p.
export { createContentStore } from './content/create-content-store.js'
export type { ContentStoreInit, ContentStoreLimits, FsContentStoreInit, MemoryContentStoreInit } from './content/create-content-store.js'
export type { CidLike, ContentErrorCode, ContentGetOptions, ContentStore } from './content/content-store.js'
export { normalizeCid } from './content/cid.js'
export { cidToDigest, digestToCid } from './content/cid-digest.js'
export type { CidDigest, ContentCodec } from './content/cid-digest.js'
export { getToFile, putFile } from './content/files.js'
export { createMemoryPeerHub } from './peers/memory-peer-hub.js'
export type { MemoryPeerHub, MemoryPeerHubInit, MemoryPeerInit } from './peers/memory-peer-hub.js'
export type { PeerErrorCode, PeerMessage, PeerMessageHandler, PeerNetwork, PublishResult, Unsubscribe } from './peers/peer-network.js'
export { publishJson, readJsonMessage } from './peers/json-messages.js'
export { createLibp2pPeer, DISCOVERY_TOPIC } from './peers/libp2p/create-libp2p-peer.js'
export type { Libp2pPeer, Libp2pPeerEvent, Libp2pPeerInit } from './peers/libp2p/create-libp2p-peer.js'
export { loadOrCreatePeerKey } from './peers/libp2p/peer-key.js'
export { fetchingBlockstore } from './content/fetching-blockstore.js'
export type { BlockSource } from './content/fetching-blockstore.js'

// Keys: Web3 Secret Storage keystores.
export { DEFAULT_KEYSTORE_DIR, decryptKeystore, decryptKeystoreKey, encryptKeystore, KEYSTORE_PASSWORD_ENV, listKeystores, readKeystoreFile, readKeystoreKey, writeKeystoreFile } from './keys/keystore.js'
export type { KdfStrength, KeystoreEntry } from './keys/keystore.js'

// Tasks: the spec a proposer publishes and the model bundle it points to.
export { taskSpecSchema } from './tasks/task-spec.js'
export type { TaskSpec } from './tasks/task-spec.js'
export { modelBundleSchema } from './tasks/model-bundle.js'
export type { ModelBundle } from './tasks/model-bundle.js'
export { buildTaskSpec, modelBundle } from './tasks/build-task.js'

// Scenarios: load, run (with variants), summarise, write the report, audit it against the chain.
export { scenarioSchema } from './scenario/scenario-schema.js'
export type { Scenario, ScenarioInput } from './scenario/scenario-schema.js'
export { loadScenario, parseScenario } from './scenario/load-scenario.js'
export { runScenario } from './scenario/run-scenario.js'
export type { RunScenarioOptions } from './scenario/run-scenario.js'
export type { AttackRecord, AuditEvent, RoundRecord, RunParticipant, RunReport } from './scenario/run-report.js'
export { renderReportHtml } from './scenario/report-html.js'
export { writeReport } from './scenario/write-report.js'
export { auditTrail } from './scenario/audit-trail.js'
export { toJson } from './shared/to-json.js'
export { expandVariants } from './scenario/load-scenario.js'
export { runScenarioVariants } from './scenario/run-variants.js'
export type { RunScenarioVariantsOptions, RunScenarioVariantsReturnType, VariantRun } from './scenario/run-variants.js'
export { runSummary } from './scenario/run-summary.js'
export type { ReportPaths, RunSummary } from './scenario/run-summary.js'
export { compareVariants } from './scenario/comparison.js'
export type { VariantSummary } from './scenario/comparison.js'
export { renderComparisonHtml } from './scenario/report-html.js'
export { auditRun } from './scenario/audit-run.js'
export type { AuditCheck, AuditResult, AuditRunInit } from './scenario/audit-run.js'
export { auditReport } from './scenario/audit-report.js'
export type { AuditReportOptions, AuditReportReturnType } from './scenario/audit-report.js'

// One participant as a long-running node. Roles and their drivers are in 'deai/roles'.
export { createNodeDriver, startNode } from './node/start-node.js'
export type { NodeDriver, NodeInit, NodeRoleInit, RunningNode } from './node/start-node.js'
export type { DataProviderRoleInit } from './node/drivers/data-provider-driver.js'
export type { InferenceProviderRoleInit } from './node/drivers/inference-provider-driver.js'
export type { ProposerRoleInit } from './node/drivers/proposer-driver.js'
export type { TrainingRoleInit } from './node/drivers/training-driver.js'
export type { VerifierRoleInit } from './node/drivers/verifier-driver.js'
export { NODE_ROLES } from './node/node-context.js'
export type { NodeRole, NodeStatus } from './node/node-context.js'
export { openNetworkNode } from './node/open-network-node.js'
export type { NetworkNode, NetworkNodeInit } from './node/open-network-node.js'
export { createNodeLog } from './node/node-log.js'
export type { LogLevel, NodeLog } from './node/node-log.js'
export { loadDataPart } from './node/node-data.js'
export type { DataPartInit } from './node/node-data.js'
