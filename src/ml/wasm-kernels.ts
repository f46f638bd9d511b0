/**
 * Kernels added to TensorFlow.js's wasm backend so that deai's models train fast (internal).
 *
 * The wasm backend (4.22) has two gaps for training: it has no `Conv2DBackpropFilter` kernel at
 * all (a CNN cannot be trained), and its matrix product and `Conv2DBackpropInput` fall back to
 * slow generic loops when operands are transposed or the input gradient is asked for. Every
 * gradient of a dense layer uses transposed operands, which made an MLP step about 3x slower.
 *
 * Each kernel below rewrites the operation into ones the backend runs through XNNPACK:
 * - `BatchMatMul` with transposed operands: transpose explicitly, then multiply.
 * - `Conv2DBackpropFilter` (stride 1, NHWC): the filter gradient is itself a convolution of the
 *   input (channels as batch) with the output gradient (batch as channels).
 * - `Conv2DBackpropInput` (stride 1, NHWC): a "full" convolution of the output gradient with the
 *   filter rotated by 180 degrees and its channel axes swapped. Other cases use the original.
 *
 * The results are the same sums in a different order (checked against the definitions, computed
 * with plain loops, in test/ml/wasm-kernels.test.ts).
 *
 * @packageDocumentation
 */
import type * as Tf from '@tensorflow/tfjs'
import { DeaiError } from '../errors/base.js'

type TfModule = typeof Tf
type KernelConfig = Tf.KernelConfig
type TensorInfo = Tf.TensorInfo
type NamedAttrMap = Tf.NamedAttrMap
type NamedTensorInfoMap = Parameters<Tf.KernelFunc>[0]['inputs']

const BACKEND = 'wasm'
const ours = new WeakSet<object>()

function unsupported(what: string): DeaiError {
  return new DeaiError('ML_BACKEND_UNSUPPORTED', `The wasm backend cannot run ${what}.`, {
    fixes: ['Use stride-1, channels-last convolutions (as deai\'s built-in models do).'],
  })
}

function numbers(value: unknown, length: number, fallback: number): number[] {
  if (typeof value === 'number') return new Array<number>(length).fill(value)
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value
  return new Array<number>(length).fill(fallback)
}

/**
 * Installs the kernels once per tfjs instance. Must run after `@tensorflow/tfjs-backend-wasm`
 * is imported; may run before or after the backend is initialised.
 *
 * @param tf the tfjs module
 * @throws DeaiError `ML_BACKEND_UNAVAILABLE` when the wasm package lacks a kernel these build on
 */
export function installWasmKernels(tf: TfModule): void {
  const need = (name: string): KernelConfig => {
    const config = tf.getKernel(name, BACKEND)
    if (config === undefined) {
      throw new DeaiError('ML_BACKEND_UNAVAILABLE', `The wasm backend has no ${name} kernel.`, {
        fixes: ['Reinstall the pinned version: npm install @tensorflow/tfjs-backend-wasm@4.22.0'],
      })
    }
    return config
  }
  const matMul = need('BatchMatMul')
  if (ours.has(matMul.kernelFunc)) return
  const transpose = need('Transpose')
  const conv2d = need('Conv2D')
  const reverse = need('Reverse')
  const backpropInput = need('Conv2DBackpropInput')

  const run = (config: KernelConfig, inputs: NamedTensorInfoMap, backend: object, attrs: NamedAttrMap): TensorInfo => {
    const out = config.kernelFunc({ inputs, backend, attrs })
    if (Array.isArray(out)) throw unsupported(`${config.kernelName} with several outputs`)
    return out
  }
  const dispose = (backend: object, ...infos: TensorInfo[]): void => {
    if (!(backend instanceof tf.KernelBackend)) return
    for (const info of infos) backend.disposeData(info.dataId)
  }
  const swapLast = (rank: number): number[] => {
    const perm = Array.from({ length: rank }, (_, i) => i)
    perm[rank - 2] = rank - 1
    perm[rank - 1] = rank - 2
    return perm
  }
  const input = (inputs: NamedTensorInfoMap, name: string): TensorInfo => {
    const info = inputs[name]
    if (info === undefined) throw unsupported(`a kernel without its '${name}' input`)
    return info
  }
  // Conv2D's `pad` attribute also takes explicit [[0,0],[top,bottom],[left,right],[0,0]] padding,
  // which NamedAttrMap's type does not spell out.
  const convAttrs = (top: number, bottom: number, left: number, right: number): NamedAttrMap => {
    const attrs: Record<string, unknown> = {
      strides: [1, 1],
      dilations: [1, 1],
      dataFormat: 'NHWC',
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    }
    return attrs as NamedAttrMap
  }
  const padInfo = (inShape: number[], filterShape: number[], attrs: NamedAttrMap) => {
    const strides = numbers(attrs['strides'], 2, 1)
    const dataFormat = attrs['dataFormat'] ?? 'NHWC'
    if (strides.some((s) => s !== 1) || dataFormat !== 'NHWC') return undefined
    const pad = attrs['pad'] as Tf.Conv2DAttrs['pad']
    const rounding = attrs['dimRoundingMode'] as Tf.Conv2DAttrs['dimRoundingMode']
    return tf.backend_util.computeConv2DInfo(
      inShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      [1, 1],
      1,
      pad,
      rounding,
    ).padInfo
  }

  const fastMatMul: Tf.KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const transposeA = attrs['transposeA'] === true
    const transposeB = attrs['transposeB'] === true
    if (!transposeA && !transposeB) return matMul.kernelFunc({ inputs, backend, attrs })
    const temporary: TensorInfo[] = []
    let a = input(inputs, 'a')
    let b = input(inputs, 'b')
    if (transposeA) temporary.push((a = run(transpose, { x: a }, backend, { perm: swapLast(a.shape.length) })))
    if (transposeB) temporary.push((b = run(transpose, { x: b }, backend, { perm: swapLast(b.shape.length) })))
    const out = run(matMul, { a, b }, backend, { ...attrs, transposeA: false, transposeB: false })
    dispose(backend, ...temporary)
    return out
  }

  const filterGradient: Tf.KernelFunc = ({ inputs, backend, attrs = {} }) => {
    const x = input(inputs, 'x')
    const dy = input(inputs, 'dy')
    const filterShape = numbers(attrs['filterShape'], 4, 0)
    const info = padInfo(x.shape, filterShape, attrs)
    if (info === undefined) throw unsupported('Conv2DBackpropFilter with strides other than 1 or NCHW data')
    // dW[i,j,c,o] = sum over b,y,x of X[b, y+i-top, x+j-left, c] * dY[b, y, x, o]: a convolution of
    // X seen as [c, h, w, b] with dY seen as a [y, x, b, o] filter.
    const xt = run(transpose, { x }, backend, { perm: [3, 1, 2, 0] })
    const dyt = run(transpose, { x: dy }, backend, { perm: [1, 2, 0, 3] })
    const product = run(conv2d, { x: xt, filter: dyt }, backend, convAttrs(info.top, info.bottom, info.left, info.right))
    const out = run(transpose, { x: product }, backend, { perm: [1, 2, 0, 3] })
    dispose(backend, xt, dyt, product)
    return out
  }

  const inputGradient: Tf.KernelFunc = (args) => {
    const { inputs, backend, attrs = {} } = args
    const dy = input(inputs, 'dy')
    const filter = input(inputs, 'filter')
    const [kh = 0, kw = 0] = filter.shape
    const info = padInfo(numbers(attrs['inputShape'], 4, 0), filter.shape, attrs)
    const pads = info && [kh - 1 - info.top, kh - 1 - info.bottom, kw - 1 - info.left, kw - 1 - info.right]
    if (pads === undefined || pads.some((p) => p < 0)) return backpropInput.kernelFunc(args)
    const [top = 0, bottom = 0, left = 0, right = 0] = pads
    const flipped = run(reverse, { x: filter }, backend, { dims: [0, 1] })
    const swapped = run(transpose, { x: flipped }, backend, { perm: [0, 1, 3, 2] })
    const out = run(conv2d, { x: dy, filter: swapped }, backend, convAttrs(top, bottom, left, right))
    dispose(backend, flipped, swapped)
    return out
  }

  const replace = (original: KernelConfig, kernelFunc: Tf.KernelFunc): void => {
    ours.add(kernelFunc)
    tf.unregisterKernel(original.kernelName, BACKEND)
    // Keep the original's setup so that, if the backend is not initialised yet, the shared wasm
    // bindings these kernels call into are still set up.
    tf.registerKernel({ ...original, kernelFunc })
  }
  replace(matMul, fastMatMul)
  replace(backpropInput, inputGradient)
  if (tf.getKernel('Conv2DBackpropFilter', BACKEND) === undefined) {
    ours.add(filterGradient)
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: BACKEND, kernelFunc: filterGradient })
  }
}
