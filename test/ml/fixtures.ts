/**
 * Helpers shared by the ML tests.
 */
import { isDeaiError } from '../../src/errors/base.js'

/** Builds an IDX file of unsigned bytes (or of another type code, to test rejection). */
export function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length)
  const view = new DataView(header.buffer)
  header[2] = type
  header[3] = dims.length
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false))
  const out = new Uint8Array(header.length + data.length)
  out.set(header)
  out.set(data, header.length)
  return out
}

/** The DeaiError code a call throws, or undefined when it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return isDeaiError(e) ? e.code : `not a DeaiError: ${String(e)}`
  }
  return undefined
}

/** The DeaiError code a promise rejects with, or undefined when it resolves. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (e) {
    return isDeaiError(e) ? e.code : `not a DeaiError: ${String(e)}`
  }
  return undefined
}

/** Whether two float vectors are bit-identical (fast, unlike a deep equality on 200k values). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}
