/**
 * A parser for the IDX format of MNIST-style datasets (LeCun et al.): a 4-byte magic number
 * (two zero bytes, a type code, the number of dimensions), one big-endian 32-bit size per
 * dimension, then the data in row-major order. Only unsigned-byte data (type code 0x08) is
 * accepted, which is what image and label files use.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'

/** A parsed IDX file of unsigned bytes. */
export type IdxArray = {
  /** Size of each dimension, outermost first. */
  dims: number[]
  /** The values, row-major; a view into the input buffer (no copy). */
  data: Uint8Array
}

const UBYTE = 0x08
const MAX_DIMS = 8

function malformed(source: string, problem: string, details: string[] = []): DeaiError {
  return new DeaiError('DATASET_MALFORMED', `${source} is not a valid IDX file: ${problem}.`, {
    details,
    fixes: ['Reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist) or replace the file with an intact copy.'],
  })
}

/**
 * Parses an uncompressed IDX file of unsigned bytes, checking the magic number and that the
 * data length matches the header exactly.
 *
 * @param bytes the whole file, already decompressed
 * @param source a name for the file in error messages (e.g. its path)
 * @param expectedDims when given, the number of dimensions the file must have
 * @returns the dimensions and a view of the data
 * @throws DeaiError `DATASET_MALFORMED` when the header or length is wrong
 */
export function parseIdx(bytes: Uint8Array, source: string, expectedDims?: number): IdxArray {
  if (bytes.length < 4) throw malformed(source, `it has ${bytes.length} bytes, fewer than the 4-byte header`)
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw malformed(source, 'the magic number does not start with two zero bytes', [
      `first bytes: ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    ])
  }
  const type = bytes[2] ?? 0
  const rank = bytes[3] ?? 0
  if (type !== UBYTE) throw malformed(source, `data type 0x${type.toString(16)} is not unsigned byte (0x08)`)
  if (rank < 1 || rank > MAX_DIMS) throw malformed(source, `it declares ${rank} dimensions`)
  if (expectedDims !== undefined && rank !== expectedDims) {
    throw malformed(source, `it has ${rank} dimensions where ${expectedDims} were expected`)
  }
  const headerLength = 4 + 4 * rank
  if (bytes.length < headerLength) throw malformed(source, 'the header is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dims: number[] = []
  let size = 1
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false)
    dims.push(dim)
    size *= dim
  }
  const dataLength = bytes.length - headerLength
  if (dataLength !== size) {
    throw malformed(source, `the header promises ${size} bytes of data but the file holds ${dataLength}`, [`dimensions: ${dims.join(' x ')}`])
  }
  return { dims, data: bytes.subarray(headerLength) }
}
