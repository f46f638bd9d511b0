/**
 * Reads the few test-vector steps that are written in words: `state_change` descriptions
 * ("uid 1 replaced by a new hotkey (reg block 2)", "do_reset_bonds for uid 3") and graph
 * scenarios described by uid groups and a procedure. Anything not understood is reported, never
 * guessed.
 *
 * @packageDocumentation
 */
import { maxUpscaleWeights } from './weights-upscale.js'
import type { YumaSparseRow } from './yuma-row.js'

/** A change to subnet state between epochs. */
export type SubnetChange =
  | { readonly kind: 'replace-uid'; readonly uid: number; readonly block: number; readonly stake: bigint }
  | { readonly kind: 'register'; readonly block: number; readonly stake: bigint }
  | { readonly kind: 'reset-bonds'; readonly uid: number }
  | { readonly kind: 'set-stake'; readonly uid: number; readonly stake: bigint }
  /** New epoch parameters, carried by the step itself. */
  | { readonly kind: 'set-params' }
  | { readonly kind: 'none' }

/** The fields of a `state_change` step. */
export interface StateChangeStep {
  readonly description?: string | undefined
  readonly kind?: 'replace_uid' | 'register' | 'reset_bonds' | 'set_stake' | 'set_params' | undefined
  readonly uid?: number | undefined
  readonly block?: number | undefined
  readonly stake?: bigint | undefined
}

/**
 * Interprets a `state_change` step: its structured fields if present, else its description.
 *
 * @returns the change, or an error message.
 */
export function interpretStateChange(step: StateChangeStep): SubnetChange | { readonly error: string } {
  const text = step.description ?? ''
  if (step.kind === 'set_params') return { kind: 'set-params' }
  if (step.kind === 'register') {
    if (step.block === undefined) return { error: 'state_change register has no block' }
    return { kind: 'register', block: step.block, stake: step.stake ?? 0n }
  }
  if (step.kind !== undefined) {
    if (step.uid === undefined) return { error: `state_change of kind ${step.kind} has no uid` }
    if (step.kind === 'reset_bonds') return { kind: 'reset-bonds', uid: step.uid }
    if (step.kind === 'set_stake') return { kind: 'set-stake', uid: step.uid, stake: step.stake ?? 0n }
    if (step.block === undefined) return { error: 'state_change replace_uid has no block' }
    return { kind: 'replace-uid', uid: step.uid, block: step.block, stake: step.stake ?? 0n }
  }
  const replaced = /\buid\s*(\d+)\b[^.;]*?\breplaced\b/i.exec(text) ?? /\breplac(?:e|es|ed|ing)\s+uid\s*(\d+)/i.exec(text)
  if (replaced !== null) {
    const block =
      /\breg(?:istration|istered)?(?:\s+at)?\s+block\s*(\d+)/i.exec(text) ??
      /^\s*(?:at\s+)?block\s*(\d+)\s*:/i.exec(text) ??
      /\bat\s+block\s*(\d+)/i.exec(text)
    if (block === null) return { error: `cannot find the registration block in state_change "${text}"` }
    const stake = /\bstake\s+(\d+)/i.exec(text)
    return {
      kind: 'replace-uid',
      uid: Number(replaced[1]),
      block: Number(block[1]),
      stake: stake === null ? 0n : BigInt(stake[1] as string),
    }
  }
  const reset =
    /reset[_ ]?bonds?\s+(?:for|of)\s+uid\s*(\d+)/i.exec(text) ??
    /\bbonds?[_ ]reset\s+(?:for|of)\s+uid\s*(\d+)/i.exec(text) ??
    /\bremove\s+column\s+(\d+)\s+from\s+(?:every|all|each)\s+bond\s+rows?/i.exec(text)
  if (reset !== null) {
    if (/BondsResetOn\s*=\s*false/i.test(text)) return { kind: 'none' }
    return { kind: 'reset-bonds', uid: Number(reset[1]) }
  }
  const stake =
    /\bstake\s+of\s+uid\s*(\d+)\s+(?:is\s+)?(?:set\s+)?(?:to|becomes|=)\s*(\d+)/i.exec(text) ??
    /\buid\s*(\d+)(?:'s)?\s+stake\s+(?:is\s+)?(?:set\s+)?(?:to|becomes|=)\s*(\d+)/i.exec(text)
  if (stake !== null) return { kind: 'set-stake', uid: Number(stake[1]), stake: BigInt(stake[2] as string) }
  return { error: `cannot interpret state_change "${text}"` }
}

/** A named group of uids with a common stake. */
export interface UidGroup {
  readonly uids: readonly number[]
  readonly stake: bigint
}

/** A step of a graph procedure. */
export type GraphStep =
  | { readonly action: 'epoch'; readonly block: number }
  | { readonly action: 'set_weights'; readonly uid: number; readonly row: YumaSparseRow; readonly block: number }

/** A graph scenario turned into groups and steps. */
export interface GraphPlan {
  readonly groups: ReadonlyMap<string, UidGroup>
  readonly steps: readonly GraphStep[]
}

/**
 * Reads uid groups from the string fields of `inputs` ("uids 0..63, alpha stake 3281 rao each";
 * the group is named by the key, singular) and turns each procedure line into steps.
 *
 * @returns the plan, or an error naming the line that was not understood.
 */
export function interpretGraph(
  inputs: Readonly<Record<string, unknown>>,
  procedure: readonly string[],
): GraphPlan | { readonly error: string } {
  const groups = new Map<string, UidGroup>()
  for (const [key, value] of Object.entries(inputs)) {
    if (typeof value !== 'string') continue
    const uids = parseUids(value)
    if (uids === null) continue
    const stake = /\bstake\s+(\d+)/i.exec(value)
    groups.set(singular(key), { uids, stake: stake === null ? 0n : BigInt(stake[1] as string) })
  }
  const steps: GraphStep[] = []
  for (const line of procedure) {
    const repeated = /\brun\s+(?:the\s+)?epoch\s+(\d+)\s+times?\s+at\s+block\s+(\d+)/i.exec(line)
    if (repeated !== null) {
      for (let k = 0; k < Number(repeated[1]); k++) steps.push({ action: 'epoch', block: Number(repeated[2]) })
      continue
    }
    const setter = /\beach\s+(\w+?)s?\s+sets?\s+(?:a\s+)?weights?\b(.*?)\bon\s+(?:every|each|all)\s+(\w+?)s?\b(.*?)\bat\s+block\s+(\d+)/i.exec(line)
    if (setter !== null) {
      const from = groups.get(singular(setter[1] as string))
      const toGroup = groups.get(singular(setter[3] as string))
      const targets = parseUids(setter[4] as string) ?? toGroup?.uids ?? null
      if (from === undefined || targets === null) return { error: `unknown uid group in procedure line "${line}"` }
      const stored = /\bstored\b[^0-9]*(\d+)/i.exec(line)
      const submitted = /=\s*(\d+)/.exec(setter[2] as string) ?? /^\s*(\d+)/.exec(setter[2] as string)
      let values: number[]
      if (stored !== null) values = targets.map(() => Number(stored[1]))
      else if (submitted !== null) values = maxUpscaleWeights(targets.map(() => Number(submitted[1])))
      else return { error: `no weight value in procedure line "${line}"` }
      for (const uid of from.uids) {
        steps.push({ action: 'set_weights', uid, row: { uids: targets, values }, block: Number(setter[5]) })
      }
      continue
    }
    const self = /\beach\s+(\w+?)s?\s+sets?\s+(?:a\s+)?self[- ]?weights?\b(.*?)\bat\s+block\s+(\d+)/i.exec(line)
    if (self !== null) {
      const group = groups.get(singular(self[1] as string))
      if (group === undefined) return { error: `unknown uid group in procedure line "${line}"` }
      const stored = /\bstored\b[^0-9]*(\d+)/i.exec(line)
      const submitted = /=\s*(\d+)/.exec(self[2] as string) ?? /(\d+)/.exec(self[2] as string)
      // A single submitted value is max-upscaled to 65535 (or stays 0).
      const value = stored !== null ? Number(stored[1]) : submitted !== null && Number(submitted[1]) === 0 ? 0 : 65_535
      for (const uid of group.uids) steps.push({ action: 'set_weights', uid, row: { uids: [uid], values: [value] }, block: Number(self[3]) })
      continue
    }
    const single = /\bepoch(?:\(\))?\s+at\s+block\s+(\d+)/i.exec(line)
    if (single !== null) {
      steps.push({ action: 'epoch', block: Number(single[1]) })
      continue
    }
    return { error: `cannot interpret procedure line "${line}"` }
  }
  return { groups, steps }
}

/** "uids 0..63" (inclusive) or "uids 1, 3, 5". */
function parseUids(text: string): number[] | null {
  const range = /\buids?\s+(\d+)\s*\.\.=?\s*(\d+)/i.exec(text)
  if (range !== null) {
    const lo = Number(range[1])
    const hi = Number(range[2])
    return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k)
  }
  const list = /\buids?\s+(\d+(?:\s*,\s*\d+)+)/i.exec(text)
  if (list !== null) return (list[1] as string).split(',').map((s) => Number(s.trim()))
  return null
}

function singular(word: string): string {
  const w = word.toLowerCase()
  return w.endsWith('s') ? w.slice(0, -1) : w
}
