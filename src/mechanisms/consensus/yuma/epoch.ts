/**
 * One Yuma consensus epoch, bit for bit as subtensor's sparse `epoch_mechanism` computes it
 * (opentensor/subtensor @ 14bc6f9f964b; spec: `yuma.md`).
 *
 * # Arithmetic pipeline (for ports, e.g. Solidity)
 *
 * Types. `I32F32` is a signed 64-bit integer `b` meaning `b / 2^32` (int64 in Solidity, with
 * int256 intermediates). `I64F64` is a signed 128-bit integer meaning `b / 2^64`. `ONE = 2^32`.
 * Operations on `I32F32` (all results are raw bits):
 * - `a ⊗ b = (a·b) >> 32`, arithmetic shift: floor toward −∞ (the full product needs 128 bits;
 *   in Solidity use `>>` on int256, not `/ 2^32`, where an operand can be negative: only μ, `d − ½`
 *   and `t` of the liquid-alpha sigmoid ever are).
 * - `a ⊘ b = (a << 32) / b`, truncated toward zero; 0 if `b = 0` or the quotient leaves int64.
 * - `+`, `−`, `Σ` are exact integer sums (they never near int64 bounds for valid inputs).
 * - `prop_u16(x) = clamp(floor(x·65535 / 2^32), 0, 65535)`.
 * - `u16_prop(v) = (v·2^32·2^32) / (65535·2^32) = floor(v·2^32 / 65535)`.
 * - `normalize(v)`: `s = Σv`; if `s = 0` unchanged, else each `v_i ⊘ s`.
 * - A u16 loaded "as integer" is the `I32F32` `v·2^32`.
 *
 * Steps, in this order (n = number of uids; every vector has length n):
 * 1. Activity: `inactive_i = last_update_i + activity_cutoff < current_block` (last_update padded
 *    with 0). `last_tempo = lms + 1` if `lms = LastMechansimStepBlock ≠ 0`, else
 *    `max(0, current_block − tempo)`.
 * 2. Stake (I64F64): `tw = (tao_weight << 32) / (2^64 − 1)` (U96F32 bits, truncated),
 *    `x_i = (alpha_i << 64) + ((tao_i << 64) · (tw << 32) >> 64)`. If `i ≠ owner` and
 *    `(x_i >> 64) < stake_threshold`, `x_i = 0`. `X = Σx`; if `X ≠ 0`, `x_i = (x_i << 64) / X`
 *    (truncated). `S_i = x_i >> 32` (floor to I32F32). Stored `StakeWeight = prop_u16(S)`.
 * 3. Permits. Old permits: the stored vector (a missing entry means no permit), owner forced
 *    true. New permits: `S_i ≠ 0`; unless `n < k`, stable-sort uids by `S` ascending and clear
 *    the first `n − k` (ties: lower uid loses first); owner forced true.
 * 4. Active stake: `A = S`, zeroed where inactive or without an old permit (an empty stored
 *    permit vector masks nothing), then `A = normalize(A)`. An inactive mask (from a LastUpdate
 *    longer than n) or a permit vector whose length m is not n is used as is, and the chain logs
 *    `math error: inplace_mask_vector input lengths are not equal: m != n`.
 * 5. Weights: rows of uids `< n`, entries `j < n`, raw u16 in submission order (explicit zeros
 *    kept). Drop rows without an old permit; drop `(i,i)` except the owner's own entry; drop
 *    `(i,j)` if `last_update_i ≤ block_at_registration_j`; with commit-reveal, drop `(i,j)` if
 *    `commit_block_i < block_at_registration_j`. Row-normalise: if `r = Σ_row u > 0`, each
 *    `w = (u·2^32) / r` (integer division, = `u ⊘ r` on integers). A row sum must stay below
 *    2^31 (the chain's I32F32 sum would overflow; this implementation refuses such input).
 * 6. Consensus: voters = rows with `A_i > 0` in uid order, `a = normalize(A_voters)`, `σ = Σa`,
 *    `μ = σ − κ` (may be negative), `κ = u16_prop(kappa)`. Per column j, the scores
 *    `x_r = W_{r,j}` (0 if absent; a later duplicate entry wins) and
 *    `C_j = median(P = [0..m−1], lo = 0, hi = σ)` where: `|P| = 0 → 0`; `|P| = 1 → x_{P0}`;
 *    `pivot = x[P[⌊|P|/2⌋]]`, `L`/`U` = members of P in order with `x <` / `>` pivot, `sL`/`sU`
 *    their stake sums; if `μ < lo + sL` and `L ≠ ∅`: `P = L, hi = lo + sL`; else if
 *    `hi − sU ≤ μ` and `U ≠ ∅`: `P = U, lo = hi − sU`; else return pivot; after more than m
 *    rounds return 0.
 * 7. Clip: `CW_ij = W_ij` if `W_ij ≤ C_j`, else `C_j` if `C_j > 0`, else dropped.
 *    `VT_i = Σ_j CW_ij`.
 * 8. Rank: `R_j = Σ_i A_i ⊗ CW_ij` (rows in uid order). `I = normalize(R)`.
 *    Legacy: `P_j = Σ_i A_i ⊗ W_ij`, `T_j = R_j ⊘ P_j`.
 * 9. Weights for bonds: `β = u16_prop(bonds_penalty)`. `β = 0 → WB = W`, `β = ONE → WB = CW`
 *    (same entries, same order); otherwise per row over columns 0..n−1 in order,
 *    `WB_ij = W_ij + β ⊗ (CW_ij − W_ij)`, kept if > 0.
 * 10. Fixed EMA rate: `α = ONE − (((bma << 64) / 10^6) >> 32)`.
 * 11a. Original Yuma: `B` = stored u16 as integers (entries `j ≥ n` play no part), drop `(i,j)` if
 *    `last_tempo ≤ block_at_registration_j`, column-normalise (`(u·2^32) / Σ_col u`; zero-sum
 *    columns unchanged). `ΔB_ij = WB_ij ⊗ A_i`, column-normalise (`⊘` by column sums, zero-sum
 *    columns unchanged). EMA per row on a dense row of n: first `+= α ⊗ ΔB_ij` for the entries
 *    of ΔB, then `+= (ONE − α) ⊗ B_ij` for the entries of B; keep `> 0` in column order.
 *    Column-normalise EMA. `D_i = Σ_j I_j ⊗ EMA_ij` (row entries in order), `D = normalize(D)`.
 *    Store: `EMA_ij ⊘ max_i EMA_ij` (column max), then `prop_u16`.
 * 11b. Yuma 3: `B_ij = u16_prop(stored)`, same registration mask. If liquid alpha is on and some
 *    `C_j ≠ 0`: for each entry (i,j) of WB row i, in order, `α_ij = alpha_sigmoid(C_j, w, b)`
 *    where w and b are what an ascending merge finds in WB row i and B row i (only entries whose
 *    column exceeds all earlier columns of the row are found; else 0);
 *    `EMA_ij = min(ONE, (ONE − α_ij) ⊗ B_ij + max(0, α_ij ⊗ WB_ij))` (B_ij = the row's last entry
 *    for j, 0 if none), kept if > 0; cells not in WB are dropped. `alpha_sigmoid`:
 *    `d = clamp(w − C, 0, ONE)` if `w ≥ b` else `clamp(b − w, 0, ONE)`;
 *    `t = (steepness·ONE ⊘ (−100·ONE)) ⊗ (d − ONE/2)`; `sig = ONE ⊘ (ONE + exp_safe(t))`;
 *    `α = clamp(α_low + sig ⊗ (α_high − α_low), α_low, α_high)` with `α_low/high = u16_prop`.
 *    `exp_safe`: clamp t to ±20·ONE; `exp(0) = ONE`; `exp(ONE) = floor(e·2^23)·2^9`; else on
 *    `x = |t|`: `r = x + ONE`, `term = x`, for i = 2..31: `term = (term·x >> 32) / i`
 *    (truncated), `r += term`; if `t < 0`: `r = (ONE << 32) / r`. (Intermediates need > 64 bits.)
 *    Otherwise `EMA` = the dense-row EMA of 11a applied to `WB` (not ΔB) and `B` with the fixed α
 *    (old bonds decay, no clamp).
 *    `EN` = EMA column-normalised. `tb_i = Σ_j EN_ij ⊗ I_j`, `D_i = tb_i ⊗ A_i`,
 *    `D = normalize(D)`. Store `prop_u16(EMA_ij)`.
 * 12. Emission: `c_i = I_i + D_i`, `Σc`. `SE = I ⊘ Σc`, `VE = D ⊘ Σc` (unchanged if `Σc = 0`),
 *    `CE = normalize(c)`. If `Σc = 0`: `VE = CE = A`, or `S` when `ΣA = 0`. Rao:
 *    `floor(x · rao_emission / 2^32)` for SE, VE, CE.
 * 13. Stored: `Consensus, Incentive, Dividends, ValidatorTrust = prop_u16(C, I, D, VT)`,
 *    `Emission = CE` in rao, `ValidatorPermit` = new permits, bonds row i = the EMA row (u16,
 *    same entry order) if i has a new permit, else empty.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'
import { type BondsOutput, emaAlpha, originalYumaBonds } from './bonds-original.js'
import { yuma3Bonds } from './bonds-yuma3.js'
import { splitEmission } from './emission.js'
import { type I32F32, ONE, div, fromInt, narrowI64F64, normalize, propToU16, u16ToProp } from './fixed-point.js'
import {
  inactiveMask,
  maskCommitReveal,
  maskDiagonal,
  maskOutdated,
  maskRowsWithoutPermit,
  maskVector,
  topKNonzero,
} from './masks.js'
import { type YumaParams } from './params.js'
import {
  type SparseMatrix,
  type SparseRow,
  colClip,
  emptyRow,
  interpolate,
  mapValues,
  matmul,
  rowNormalizeWhole,
  rowSums,
} from './sparse-matrix.js'
import { type EpochTracer, type YumaTraceEntry, createEpochTracer } from './trace.js'
import { weightedMedianColumns } from './weighted-median.js'
import { EMPTY_YUMA_ROW, type YumaSparseRow } from './yuma-row.js'

/** Per-uid state read by one epoch (one subnet mechanism). n is `stake.length`. */
export interface YumaEpochInput {
  /** The block the epoch runs at. */
  readonly currentBlock: number
  /** Alpha stake per uid in rao (u64), child/parent delegation included. Its length is n. */
  readonly stake: readonly bigint[]
  /** Tao stake per uid in rao (u64), weighted by `taoWeight`. Missing entries are 0. */
  readonly taoStake?: readonly bigint[]
  /**
   * Block of each uid's last weight set. A shorter vector is padded with 0; entries beyond n are
   * ignored, and the trace then logs the chain's length-mismatch error.
   */
  readonly lastUpdate: readonly number[]
  /** Block at which each uid's current holder registered (0 if the uid has no key). */
  readonly blockAtRegistration: readonly number[]
  /**
   * Validator permits from the previous epoch; a missing entry counts as no permit. When the
   * length is not n the trace logs the chain's length-mismatch error (an empty vector masks no
   * stake but still drops every weight row, as on chain).
   */
  readonly validatorPermit: readonly boolean[]
  /** Stored weight rows (u16, max-upscaled at submission), one per uid. Missing rows are empty. */
  readonly weights: readonly YumaSparseRow[]
  /**
   * With commit-reveal: each uid's earliest unexpired commit block, or null if it has none.
   * Missing entries are null.
   */
  readonly commitBlocks?: readonly (number | null)[]
  /** The amount to distribute this epoch, in rao (u64). */
  readonly raoEmission: bigint
}

/** Options of {@link yumaEpoch}. */
export interface YumaEpochOptions {
  /**
   * Record intermediate quantities as the chain logs them (see `renderYumaTrace`).
   * @default false
   */
  readonly trace?: boolean
}

/** What the epoch writes to chain state (spec §5.12). */
export interface YumaStoredOutputs {
  /** `Active`. */
  readonly active: boolean[]
  /** `Emission`: the combined emission in rao. */
  readonly emission: bigint[]
  /** `Consensus` (u16). */
  readonly consensus: number[]
  /** `Incentive` (u16). */
  readonly incentive: number[]
  /** `Dividends` (u16). */
  readonly dividends: number[]
  /** `ValidatorTrust` (u16). */
  readonly validatorTrust: number[]
  /** `StakeWeight` (u16). */
  readonly stakeWeight: number[]
  /** `ValidatorPermit`: the new permits. */
  readonly validatorPermit: boolean[]
  /** `Bonds`: the EMA row (u16) for uids with a new permit, empty for the others. */
  readonly bonds: YumaSparseRow[]
}

/** Everything one epoch computes. Fixed-point vectors hold raw `I32F32` bits. */
export interface YumaEpochResult {
  /** Number of uids. */
  readonly n: number
  /** Normalised stake `S`. */
  readonly stake: I32F32[]
  /** Active stake `A`. */
  readonly activeStake: I32F32[]
  /** Consensus `C` (stake-weighted median of weights per uid). */
  readonly consensus: I32F32[]
  /** Validator trust `VT` (sum of clipped weights per validator). */
  readonly validatorTrust: I32F32[]
  /** Incentive `I` (normalised ranks). */
  readonly incentive: I32F32[]
  /** Legacy rank: equal to the incentive (no longer stored on chain). */
  readonly rank: I32F32[]
  /** Legacy trust `T_j = R_j ⊘ P_j`: clipped over unclipped stake-weighted weight (no longer stored). */
  readonly trust: I32F32[]
  /** Dividends `D`. */
  readonly dividends: I32F32[]
  /** `SE`: server share of emission. */
  readonly normalizedServerEmission: I32F32[]
  /** `VE`: validator share of emission. */
  readonly normalizedValidatorEmission: I32F32[]
  /** `CE`: combined share of emission. */
  readonly normalizedCombinedEmission: I32F32[]
  /** Server (miner) emission in rao. */
  readonly serverEmission: bigint[]
  /** Validator emission in rao (relative shares before child/parent take). */
  readonly validatorEmission: bigint[]
  /** What the chain stores. */
  readonly stored: YumaStoredOutputs
  /** The chain's log quantities, when requested. */
  readonly trace?: YumaTraceEntry[]
}

const U128_MAX_I64F64 = (1n << 127n) - 1n
const U64_MAX = (1n << 64n) - 1n

/**
 * Runs one Yuma consensus epoch.
 *
 * @param input - per-uid state at the epoch's block.
 * @param params - resolved hyperparameters (`resolveYumaParams`).
 * @param prevBonds - stored bond rows (u16) from the previous epoch; missing rows are empty.
 * @param options - tracing.
 * @returns every quantity of the epoch, and what it stores.
 * @throws DeaiError `YUMA_INPUT_INVALID` for malformed input, `YUMA_INPUT_OUT_OF_RANGE` beyond
 *   the chain's fixed-point range.
 * @example
 * ```ts
 * import { EMPTY_YUMA_ROW, resolveYumaParams, yumaEpoch } from 'deai/mechanisms'
 * const result = yumaEpoch(
 *   {
 *     currentBlock: 1,
 *     stake: [1_000_000_000n, 1_000_000_000n, 0n],
 *     lastUpdate: [1, 1, 1],
 *     blockAtRegistration: [0, 0, 0],
 *     validatorPermit: [true, true, false],
 *     weights: [{ uids: [2], values: [65535] }, { uids: [2], values: [65535] }, EMPTY_YUMA_ROW],
 *     raoEmission: 1_000_000_000n,
 *   },
 *   resolveYumaParams({ commitReveal: false }),
 * )
 * result.stored.incentive // [0, 0, 65535]
 * ```
 */
export function yumaEpoch(
  input: YumaEpochInput,
  params: YumaParams,
  prevBonds: readonly YumaSparseRow[] = [],
  options: YumaEpochOptions = {},
): YumaEpochResult {
  const n = input.stake.length
  validateInput(input, prevBonds, n)
  const tracer: EpochTracer | null = options.trace === true ? createEpochTracer() : null
  const ownerUid = params.ownerUid !== null && params.ownerUid < n ? params.ownerUid : null
  const currentBlock = input.currentBlock

  // 1. Activity.
  tracer?.scalar('Number of Neurons in Network', n)
  tracer?.scalar('current_block', currentBlock)
  tracer?.scalar('activity_cutoff', params.activityCutoff)
  // The chain pads a short LastUpdate to n but keeps a long one whole (only its log shows it).
  const storedLastUpdate = padded(input.lastUpdate, Math.max(n, input.lastUpdate.length), 0)
  tracer?.integers('Last update', storedLastUpdate)
  const lastUpdate = storedLastUpdate.slice(0, n)
  const storedInactive = inactiveMask(storedLastUpdate, params.activityCutoff, currentBlock)
  tracer?.bools('Inactive', storedInactive)
  const inactive = storedInactive.slice(0, n)
  const active = inactive.map((b) => !b)
  const blockAtRegistration = padded(input.blockAtRegistration, n, 0)
  tracer?.integers('Block at registration', blockAtRegistration)
  const lastTempo =
    params.lastMechanismStepBlock === 0 ? Math.max(0, currentBlock - params.tempo) : params.lastMechanismStepBlock + 1

  // 2. Stake.
  const filtered = filteredStake(input, params, n, ownerUid)
  tracer?.fixed64('Filtered stake', filtered)
  const stake = normalizeI64F64(filtered).map(narrowI64F64)
  tracer?.fixed('Normalised Stake', stake)

  // 3. Permits. A stored vector of the wrong length is used as is (missing entries: no permit).
  const storedPermits = input.validatorPermit.slice()
  if (ownerUid !== null && ownerUid < storedPermits.length) storedPermits[ownerUid] = true
  tracer?.bools('validator_permits', storedPermits)
  const oldPermits = storedPermits.slice(0, n)
  tracer?.scalar('max_allowed_validators', params.maxAllowedValidators)
  const newPermits = topKNonzero(stake, params.maxAllowedValidators)
  if (ownerUid !== null) newPermits[ownerUid] = true
  tracer?.bools('new_validator_permits', newPermits)

  // 4. Active stake. `inplace_mask_vector` logs (and tolerates) a mask of the wrong length.
  if (storedInactive.length !== n) tracer?.text(maskLengthError(storedInactive.length, n))
  if (storedPermits.length !== n) tracer?.text(maskLengthError(storedPermits.length, n))
  const forbids = oldPermits.map((p) => !p)
  const activeStake = normalize(maskVector(forbids, maskVector(inactive, stake)))
  tracer?.fixed('Active Stake', activeStake)

  // 5. Weights.
  let weights: SparseMatrix = loadRows(input.weights, n, true)
  tracer?.sparse('Weights', wholeToFixed(weights))
  weights = maskRowsWithoutPermit(weights, oldPermits)
  tracer?.sparse('Weights (permit)', wholeToFixed(weights))
  weights = maskDiagonal(weights, ownerUid)
  tracer?.sparse('Weights (permit+diag)', wholeToFixed(weights))
  weights = maskOutdated(weights, lastUpdate, blockAtRegistration)
  tracer?.sparse('Weights (permit+diag+outdate)', wholeToFixed(weights))
  if (params.commitReveal) {
    const commitBlocks = input.commitBlocks ?? []
    weights = maskCommitReveal(weights, commitBlocks, blockAtRegistration)
    const masked = padded(commitBlocks.map((b) => (b === null ? -1 : b)), n, -1).filter((b) => b >= 0).length
    tracer?.text(`Commit-reveal column mask applied (${masked} masked rows)`)
  }
  const normWeights = weights.map((row) => rowNormalizeWhole(row.cols, row.vals))
  tracer?.sparse('Weights (mask+norm)', normWeights)

  // 6–8. Consensus, clipping, validator trust, ranks and incentive.
  const consensus = weightedMedianColumns(activeStake, normWeights, n, u16ToProp(params.kappa))
  tracer?.fixed('Consensus', consensus)
  const clipped = colClip(normWeights, consensus)
  tracer?.sparse('Clipped Weights', clipped)
  const validatorTrust = rowSums(clipped)
  tracer?.fixed('Validator Trust', validatorTrust)
  const ranks = matmul(clipped, activeStake, n)
  const incentive = normalize(ranks)
  tracer?.fixed('Incentive (=Rank)', incentive)
  const prerank = matmul(normWeights, activeStake, n)
  const trust = ranks.map((r, j) => div(r, prerank[j] as number))

  // 9. Weights for bonds.
  const weightsForBonds = interpolate(normWeights, clipped, n, u16ToProp(params.bondsPenalty))

  // 10–11. Bonds and dividends.
  const storedBonds = loadRows(prevBonds, n, false)
  const alpha = emaAlpha(params.bondsMovingAverage)
  const common = { storedBonds, weightsForBonds, activeStake, incentive, n, lastTempo, blockAtRegistration, alpha }
  const bondsOut: BondsOutput = params.yuma3
    ? yuma3Bonds(
        {
          ...common,
          consensus,
          liquidAlpha: params.liquidAlpha
            ? {
                alphaLow: u16ToProp(params.alphaLow),
                alphaHigh: u16ToProp(params.alphaHigh),
                steepness: fromInt(params.alphaSigmoidSteepness),
              }
            : null,
        },
        tracer,
      )
    : originalYumaBonds(common, tracer)
  const dividends = bondsOut.dividends

  // 12. Emission.
  const emission = splitEmission(incentive, dividends, activeStake, stake, input.raoEmission)
  tracer?.fixed('Normalized Server Emission', emission.normalizedServer)
  tracer?.balances('Server Emission', emission.server)
  tracer?.fixed('Normalized Validator Emission', emission.normalizedValidator)
  tracer?.balances('Validator Emission', emission.validator)
  tracer?.fixed('Normalized Combined Emission', emission.normalizedCombined)
  tracer?.balances('Combined Emission', emission.combined)

  // 13. What gets stored.
  const bonds = newPermits.map((permit, i): YumaSparseRow => {
    const row = bondsOut.storedBonds[i]
    if (!permit || row === undefined) return EMPTY_YUMA_ROW
    return { uids: toNumbers(row.cols), values: toNumbers(row.vals) }
  })
  const result: YumaEpochResult = {
    n,
    stake,
    activeStake,
    consensus,
    validatorTrust,
    incentive,
    rank: incentive.slice(),
    trust,
    dividends,
    normalizedServerEmission: emission.normalizedServer,
    normalizedValidatorEmission: emission.normalizedValidator,
    normalizedCombinedEmission: emission.normalizedCombined,
    serverEmission: emission.server,
    validatorEmission: emission.validator,
    stored: {
      active,
      emission: emission.combined,
      consensus: consensus.map(propToU16),
      incentive: incentive.map(propToU16),
      dividends: dividends.map(propToU16),
      validatorTrust: validatorTrust.map(propToU16),
      stakeWeight: stake.map(propToU16),
      validatorPermit: newPermits,
      bonds,
    },
  }
  return tracer === null ? result : { ...result, trace: tracer.entries }
}

/** Step 2: combined stake in I64F64 with the stake threshold applied. */
function filteredStake(input: YumaEpochInput, params: YumaParams, n: number, ownerUid: number | null): bigint[] {
  // U96F32 tao weight, widened exactly to I64F64.
  const taoWeight = ((params.taoWeight << 32n) / U64_MAX) << 32n
  const out: bigint[] = []
  for (let i = 0; i < n; i++) {
    const alpha = saturate128((input.stake[i] as bigint) << 64n)
    const tao = saturate128((input.taoStake?.[i] ?? 0n) << 64n)
    const total = saturate128(alpha + saturate128((tao * taoWeight) >> 64n))
    const whole = total >> 64n
    const belowThreshold = ownerUid !== i && (whole > U64_MAX ? U64_MAX : whole) < params.stakeThreshold
    out.push(belowThreshold ? 0n : total)
  }
  return out
}

function saturate128(x: bigint): bigint {
  return x > U128_MAX_I64F64 ? U128_MAX_I64F64 : x
}

/** `inplace_normalize_64`: each `(x << 64) / Σx`, unchanged when the sum is 0. */
function normalizeI64F64(values: readonly bigint[]): bigint[] {
  let total = 0n
  for (const v of values) total += v
  if (total === 0n) return values.slice()
  return values.map((v) => {
    const q = (v << 64n) / total
    return q > U128_MAX_I64F64 ? 0n : q
  })
}

/**
 * Sparse rows of uids `< n` with their values in u16 units; weight rows also drop entries `j ≥ n`
 * (bond rows keep them). Rows are shared, not copied, when nothing is dropped.
 */
function loadRows(rows: readonly YumaSparseRow[], n: number, dropWideColumns: boolean): SparseMatrix {
  const out: SparseRow[] = []
  for (let i = 0; i < n; i++) {
    const row = rows[i]
    if (row === undefined) {
      out.push(emptyRow())
      continue
    }
    const wide = dropWideColumns && row.uids.some((j) => j >= n)
    if (!wide) {
      out.push({ cols: row.uids, vals: row.values })
      continue
    }
    const cols: number[] = []
    const vals: number[] = []
    row.uids.forEach((j, k) => {
      if (j < n) {
        cols.push(j)
        vals.push(row.values[k] as number)
      }
    })
    out.push({ cols, vals })
  }
  return out
}

/** A plain array of the values (the same array when it already is one). */
function toNumbers(values: ArrayLike<number>): readonly number[] {
  if (Array.isArray(values)) return values as readonly number[]
  const out = new Array<number>(values.length)
  for (let k = 0; k < values.length; k++) out[k] = values[k] as number
  return out
}

function wholeToFixed(matrix: SparseMatrix): SparseMatrix {
  return matrix.map((row) => mapValues(row, (u) => u * ONE))
}

/** The chain's log line for a mask whose length differs from the vector's (`math.rs`). */
function maskLengthError(maskLength: number, n: number): string {
  return `math error: inplace_mask_vector input lengths are not equal: ${maskLength} != ${n}`
}

function padded(values: readonly number[], n: number, fill: number): number[] {
  const out = values.slice(0, n)
  while (out.length < n) out.push(fill)
  return out
}

function validateInput(input: YumaEpochInput, prevBonds: readonly YumaSparseRow[], n: number): void {
  const fail = (what: string, fix: string): never => {
    throw new DeaiError('YUMA_INPUT_INVALID', `Invalid Yuma epoch input: ${what}.`, { fixes: [fix] })
  }
  if (n > 65_536) fail(`${n} uids`, 'A subnet has at most 65,536 uids (u16).')
  if (!Number.isSafeInteger(input.currentBlock) || input.currentBlock < 0) {
    fail(`currentBlock is ${input.currentBlock}`, 'Pass a non-negative integer block number.')
  }
  if (input.raoEmission < 0n || input.raoEmission > U64_MAX) fail('raoEmission is not a u64', 'Pass 0 ≤ raoEmission < 2^64.')
  input.stake.forEach((s, i) => {
    if (s < 0n || s > U64_MAX) fail(`stake[${i}] is ${s}`, 'Stakes are u64 amounts in rao.')
  })
  input.taoStake?.forEach((s, i) => {
    if (s < 0n || s > U64_MAX) fail(`taoStake[${i}] is ${s}`, 'Stakes are u64 amounts in rao.')
  })
  const checkRows = (rows: readonly YumaSparseRow[], name: string): void => {
    rows.forEach((row, i) => {
      if (row.uids.length !== row.values.length) fail(`${name}[${i}] has ${row.uids.length} uids but ${row.values.length} values`, 'Give one value per uid.')
      for (let k = 0; k < row.uids.length; k++) {
        const j = row.uids[k] as number
        const v = row.values[k] as number
        if (!Number.isInteger(j) || j < 0 || j > 65_535) fail(`${name}[${i}] has uid ${j}`, 'Uids are u16 integers.')
        if (!Number.isInteger(v) || v < 0 || v > 65_535) fail(`${name}[${i}] has value ${v}`, 'Values are u16 integers.')
      }
    })
  }
  checkRows(input.weights, 'weights')
  checkRows(prevBonds, 'bonds')
}
