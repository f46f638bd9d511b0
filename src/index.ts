/**
 * deai: a full-lifecycle decentralized-AI protocol. This is the SDK; the `deai` CLI is built on it.
 *
 * @packageDocumentation
 */
export { DeaiError, isDeaiError } from './errors/base.js'
export type { DeaiErrorOptions } from './errors/base.js'

export { yumaEpoch } from './mechanisms/consensus/yuma/epoch.js'
export type {
  YumaEpochInput,
  YumaEpochOptions,
  YumaEpochResult,
  YumaStoredOutputs,
} from './mechanisms/consensus/yuma/epoch.js'
export { YUMA_DEFAULT_PARAMS, resolveYumaParams } from './mechanisms/consensus/yuma/params.js'
export type { YumaParams, YumaParamsInit } from './mechanisms/consensus/yuma/params.js'
export { EMPTY_YUMA_ROW, yumaRowFromPairs, yumaRowToPairs } from './mechanisms/consensus/yuma/yuma-row.js'
export type { YumaSparseRow } from './mechanisms/consensus/yuma/yuma-row.js'
export {
  createYumaSubnetState,
  yumaReplaceUid,
  yumaResetBonds,
  yumaRunEpoch,
  yumaSetWeights,
} from './mechanisms/consensus/yuma/subnet-state.js'
export type { YumaSubnetState } from './mechanisms/consensus/yuma/subnet-state.js'
export { maxUpscaleWeights } from './mechanisms/consensus/yuma/weights-upscale.js'
export { renderYumaTrace } from './mechanisms/consensus/yuma/trace.js'
export type { YumaTraceEntry } from './mechanisms/consensus/yuma/trace.js'
export { formatYumaReplayReport, replayYumaVectors } from './mechanisms/consensus/yuma/replay.js'
export type {
  YumaCaseKind,
  YumaReplayCaseResult,
  YumaReplayMismatch,
  YumaReplayReport,
} from './mechanisms/consensus/yuma/replay.js'
