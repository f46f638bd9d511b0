/**
 * DAG-JSON encoding with a round-trip check, shared by JSON content and JSON peer messages.
 *
 * @packageDocumentation
 */
import * as dagJson from '@ipld/dag-json'

/** The encoded bytes, or why the value cannot be encoded. */
export type DagJsonEncoding = { ok: true; bytes: Uint8Array } | { ok: false; reason: string; cause: unknown }

/**
 * Encodes a value as DAG-JSON and decodes it again. The codec refuses `undefined`, `NaN`,
 * `Infinity`, functions, symbols, `Date`, `Set` and cycles, but writes invalid JSON for some
 * inputs (a `Map` with non-string keys gives `{1:2}`); the decode catches those.
 *
 * @param value - any value
 * @returns the bytes, or the reason it failed
 */
export function encodeDagJson(value: unknown): DagJsonEncoding {
  let bytes: Uint8Array
  try {
    bytes = dagJson.encode(value)
  } catch (cause) {
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause), cause }
  }
  try {
    dagJson.decode(bytes)
  } catch (cause) {
    return { ok: false, reason: `it encodes to invalid DAG-JSON (${cause instanceof Error ? cause.message : String(cause)})`, cause }
  }
  return { ok: true, bytes }
}
