import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { isDeaiError } from '../../src/errors/base.js'
import { initMl } from '../../src/ml/backend.js'
import { createRandom } from '../../src/ml/random.js'

// Reference gradients computed with plain loops, to check the kernels deai adds to the wasm
// backend (see src/ml/wasm-kernels.ts).

const random = createRandom(99)
const values = (n: number): number[] => Array.from({ length: n }, () => random.nextFloat() * 2 - 1)

beforeAll(async () => {
  await initMl()
})

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] ?? 0) - (expected[i] ?? 0))).toBeLessThan(1e-4)
}

type Conv = { b: number; h: number; w: number; c: number; k: number; o: number; stride: number; top: number; left: number; oh: number; ow: number }

/** dX and dW of sum(conv2d(x, w) * g), by definition. */
function convGradients(s: Conv, x: number[], w: number[], g: number[]): { dx: number[]; dw: number[] } {
  const dx = new Array<number>(x.length).fill(0)
  const dw = new Array<number>(w.length).fill(0)
  for (let n = 0; n < s.b; n++)
    for (let y = 0; y < s.oh; y++)
      for (let z = 0; z < s.ow; z++)
        for (let i = 0; i < s.k; i++)
          for (let j = 0; j < s.k; j++) {
            const r = y * s.stride + i - s.top
            const q = z * s.stride + j - s.left
            if (r < 0 || r >= s.h || q < 0 || q >= s.w) continue
            for (let c = 0; c < s.c; c++)
              for (let o = 0; o < s.o; o++) {
                const gv = g[((n * s.oh + y) * s.ow + z) * s.o + o] ?? 0
                const xi = ((n * s.h + r) * s.w + q) * s.c + c
                const wi = ((i * s.k + j) * s.c + c) * s.o + o
                dx[xi]! += (w[wi] ?? 0) * gv
                dw[wi]! += (x[xi] ?? 0) * gv
              }
          }
  return { dx, dw }
}

describe('wasm training kernels', () => {
  test.each([
    ['valid', 1],
    ['same', 1],
  ] as const)('conv2d gradients with %s padding, stride %s, match the definition', (pad, stride) => {
    const [b, h, w, c, k, o] = [2, 7, 6, 3, 3, 4]
    const oh = pad === 'valid' ? h - k + 1 : h
    const ow = pad === 'valid' ? w - k + 1 : w
    const top = pad === 'valid' ? 0 : Math.floor((k - 1) / 2)
    const x = values(b * h * w * c)
    const filter = values(k * k * c * o)
    const g = values(b * oh * ow * o)
    const expected = convGradients({ b, h, w, c, k, o, stride, top, left: top, oh, ow }, x, filter, g)
    const [dx, dw] = tf.tidy(() => {
      const gt = tf.tensor4d(g, [b, oh, ow, o])
      const f = (xt: tf.Tensor, wt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, stride, pad), gt))
      return tf.grads(f)([tf.tensor4d(x, [b, h, w, c]), tf.tensor4d(filter, [k, k, c, o])]).map((t) => t.dataSync())
    })
    expectClose(dx ?? [], expected.dx)
    expectClose(dw ?? [], expected.dw)
  })

  test('the input gradient of a strided convolution falls back to the original kernel', () => {
    const [b, h, w, c, k, o, stride] = [1, 7, 7, 2, 3, 2, 2]
    const oh = 3
    const x = values(b * h * w * c)
    const filter = values(k * k * c * o)
    const g = values(b * oh * oh * o)
    const expected = convGradients({ b, h, w, c, k, o, stride, top: 0, left: 0, oh, ow: oh }, x, filter, g)
    const dx = tf.tidy(() => {
      const ft = tf.tensor4d(filter, [k, k, c, o])
      const gt = tf.tensor4d(g, [b, oh, oh, o])
      return tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, ft, stride, 'valid'), gt)))(tf.tensor4d(x, [b, h, w, c])).dataSync()
    })
    expectClose(dx, expected.dx)
  })

  test('the filter gradient of a strided convolution is refused with a typed error', () => {
    let error: unknown
    try {
      tf.tidy(() => {
        const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D
        tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 2, 'valid')))(tf.ones([3, 3, 1, 1]) as tf.Tensor4D)
      })
    } catch (e) {
      error = e
    }
    expect(isDeaiError(error, 'ML_BACKEND_UNSUPPORTED')).toBe(true)
  })

  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul gradients with transposeA=%s, transposeB=%s match the definition', (ta, tb) => {
    const [batch, m, k, n] = [2, 3, 4, 5]
    const a = values(batch * m * k)
    const bv = values(batch * k * n)
    const g = values(batch * m * n)
    // Reference in the untransposed layout: C = A B, dA = G B^T, dB = A^T G.
    const da = new Array<number>(a.length).fill(0)
    const db = new Array<number>(bv.length).fill(0)
    for (let p = 0; p < batch; p++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          for (let q = 0; q < k; q++) {
            const gv = g[(p * m + i) * n + j] ?? 0
            da[(p * m + i) * k + q]! += (bv[(p * k + q) * n + j] ?? 0) * gv
            db[(p * k + q) * n + j]! += (a[(p * m + i) * k + q] ?? 0) * gv
          }
    const [ga, gb] = tf.tidy(() => {
      const at = tf.tensor3d(a, [batch, m, k])
      const bt = tf.tensor3d(bv, [batch, k, n])
      const inA = ta ? tf.transpose(at, [0, 2, 1]) : at
      const inB = tb ? tf.transpose(bt, [0, 2, 1]) : bt
      const gt = tf.tensor3d(g, [batch, m, n])
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), gt)))([inA, inB])
      const back = (t: tf.Tensor, transposed: boolean) => (transposed ? tf.transpose(t, [0, 2, 1]) : t).dataSync()
      return [back(grads[0] as tf.Tensor, ta), back(grads[1] as tf.Tensor, tb)]
    })
    expectClose(ga ?? [], da)
    expectClose(gb ?? [], db)
  })
})
