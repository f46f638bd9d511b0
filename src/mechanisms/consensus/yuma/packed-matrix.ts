/**
 * The wire format of dense u16 matrices for the on-chain Yuma epoch (`YumaConsensus.sol`): cells
 * as big-endian u16, row-major, 2 bytes each, so validator i's value for miner j sits at byte
 * `2·(i·M + j)`. A 64 × 256 matrix is 32 KiB.
 *
 * @packageDocumentation
 */
import { DeaiError } from '../../../errors/base.js'

/**
 * Packs a dense u16 matrix.
 *
 * @param rows - one row per validator, each with one u16 per miner (all rows as long).
 * @returns the packed bytes.
 * @throws DeaiError `YUMA_INPUT_INVALID` for ragged rows or values outside u16.
 * @example
 * ```ts
 * import { packU16Matrix } from './packed-matrix.js'
 * packU16Matrix([[1, 65535]]) // Uint8Array [0, 1, 255, 255]
 * ```
 */
export function packU16Matrix(rows: readonly (readonly number[])[]): Uint8Array {
  const width = rows[0]?.length ?? 0
  const out = new Uint8Array(2 * width * rows.length)
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new DeaiError('YUMA_INPUT_INVALID', `Row ${i} of a dense matrix has ${row.length} cells, row 0 has ${width}.`, {
        fixes: ['Give every validator one value per miner.'],
      })
    }
    row.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0 || v > 65_535) {
        throw new DeaiError('YUMA_INPUT_INVALID', `Cell (${i}, ${j}) of a dense matrix is ${v}.`, {
          fixes: ['Cells are u16 integers in [0, 65535].'],
        })
      }
      const k = 2 * (i * width + j)
      out[k] = v >> 8
      out[k + 1] = v & 0xff
    })
  })
  return out
}

/**
 * Unpacks a dense u16 matrix.
 *
 * @param packed - bytes as {@link packU16Matrix} writes them.
 * @param rows - the number of rows (validators).
 * @returns the rows; an empty input gives `rows` empty rows.
 * @throws DeaiError `YUMA_INPUT_INVALID` when the length is not a whole number of rows of u16.
 */
export function unpackU16Matrix(packed: Uint8Array, rows: number): number[][] {
  if (rows <= 0 || packed.length % (2 * rows) !== 0) {
    throw new DeaiError('YUMA_INPUT_INVALID', `${packed.length} bytes are not ${rows} rows of u16 cells.`, {
      fixes: ['Pass the validator count the matrix was packed with.'],
    })
  }
  const width = packed.length / (2 * rows)
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: width }, (_, j) => {
      const k = 2 * (i * width + j)
      return ((packed[k] as number) << 8) | (packed[k + 1] as number)
    }),
  )
}
