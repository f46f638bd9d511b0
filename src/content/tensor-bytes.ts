/**
 * Float32 tensors to and from their little-endian bytes.
 *
 * The stored form has no header: dtype is always float32, the element count is the byte length
 * divided by 4, and shape lives in the JSON that links to the tensor. So a tensor's CID is what
 * `ipfs add` gives for the file numpy writes with `values.astype('<f4').tofile(path)`.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../errors/base.js'

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * The little-endian bytes of `values`. On little-endian hosts this is a view, not a copy.
 *
 * @param values - float32 values
 * @returns `values.length * 4` bytes
 */
export function tensorToBytes(values: Float32Array): Uint8Array {
  if (!(values instanceof Float32Array)) {
    throw new DeaiError('CONTENT_INVALID_INPUT', 'putTensor expects a Float32Array.', {
      details: [`Got: ${Object.prototype.toString.call(values)}`],
      fixes: ['Wrap the numbers first: new Float32Array(numbers).'],
    })
  }
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  const bytes = new Uint8Array(values.byteLength)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true)
  return bytes
}

/**
 * Reads little-endian float32 values from `bytes`.
 *
 * @param bytes - content whose length is a multiple of 4
 * @param cid - the CID the bytes came from, for the error message
 * @returns the values; shares memory with `bytes` when it is aligned and the host is little-endian
 */
export function bytesToTensor(bytes: Uint8Array, cid: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new DeaiError('CONTENT_WRONG_KIND', `Content ${cid} is not a float32 tensor: its length is not a multiple of 4 bytes.`, {
      details: [`Length: ${bytes.byteLength} bytes.`],
      fixes: ['Read it with getBytes, or check that the CID is the one a putTensor returned.'],
    })
  }
  const length = bytes.byteLength / 4
  if (LITTLE_ENDIAN_HOST) {
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, length)
    return new Float32Array(bytes.slice().buffer, 0, length)
  }
  const values = new Float32Array(length)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < length; i++) values[i] = view.getFloat32(i * 4, true)
  return values
}
