/**
 * A labelled image set as bytes, so a data provider can put a shard in the content store and a
 * trainer can read it back by CID.
 *
 * Layout (little-endian): "DEAISET1" (8 bytes), count u32, rows u16, cols u16, classes u16,
 * 2 bytes zero, then count·rows·cols pixel bytes, then count label bytes.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../errors/base.js'
import type { ImageSet } from './image-set.js'

const MAGIC = 'DEAISET1'
const HEADER = 20

/** Encodes an image set. */
export function encodeImageSet(set: ImageSet): Uint8Array {
  const pixels = set.count * set.rows * set.cols
  const bytes = new Uint8Array(HEADER + pixels + set.count)
  bytes.set(new TextEncoder().encode(MAGIC), 0)
  const view = new DataView(bytes.buffer)
  view.setUint32(8, set.count, true)
  view.setUint16(12, set.rows, true)
  view.setUint16(14, set.cols, true)
  view.setUint16(16, set.classes, true)
  bytes.set(set.images.subarray(0, pixels), HEADER)
  bytes.set(set.labels.subarray(0, set.count), HEADER + pixels)
  return bytes
}

/**
 * Decodes an image set written by {@link encodeImageSet}, checking its shape and labels.
 *
 * @throws DeaiError `DATASET_MALFORMED` when the bytes are not such a set.
 */
export function decodeImageSet(bytes: Uint8Array, source = 'shard'): ImageSet {
  const bad = (what: string) => new DeaiError('DATASET_MALFORMED', `${source} is not a deai image set: ${what}`, {
    fixes: ['a shard must be written by encodeImageSet (a data provider registers such shards)'],
  })
  if (bytes.length < HEADER || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('missing header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(8, true)
  const rows = view.getUint16(12, true)
  const cols = view.getUint16(14, true)
  const classes = view.getUint16(16, true)
  const pixels = count * rows * cols
  if (bytes.length !== HEADER + pixels + count) throw bad(`${bytes.length} bytes for ${count} images of ${rows}×${cols}`)
  const labels = bytes.slice(HEADER + pixels)
  if (classes < 1 || labels.some((l) => l >= classes)) throw bad(`a label outside 0..${classes - 1}`)
  return { count, rows, cols, classes, images: bytes.slice(HEADER, HEADER + pixels), labels }
}
