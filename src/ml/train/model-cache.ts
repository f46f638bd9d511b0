/**
 * One long-lived tfjs model per kind, reused by training and evaluation (internal). Building a
 * model takes far longer than loading weights into one, and a round trains many times.
 *
 * @packageDocumentation
 */
import type * as Tf from '@tensorflow/tfjs'
import { DeaiError } from '../../errors/base.js'
import type { TfModule } from '../backend.js'
import { ARCHITECTURES, parameterCount, type ModelKind } from '../models/architecture.js'
import { buildModel } from '../models/build-model.js'

export type CachedModel = {
  model: Tf.Sequential
  /** The trainable variables, in weight order, for the optimizer. */
  variables: Tf.Variable[]
  /** Shape of a batch of `n` inputs. */
  inputShape: (n: number) => number[]
  /** Flat size of one input example. */
  inputSize: number
  /** Number of output classes. */
  classes: number
}

const cache = new Map<ModelKind, CachedModel>()

/** The shared model of `kind`, built on first use. Callers must load weights before use. */
export function cachedModel(tf: TfModule, kind: ModelKind): CachedModel {
  const hit = cache.get(kind)
  if (hit !== undefined) return hit
  const model = buildModel(tf, kind)
  if (model.countParams() !== parameterCount(kind)) {
    throw new DeaiError('ML_INTERNAL', `The ${kind} model has ${model.countParams()} weights, its layout ${parameterCount(kind)}.`)
  }
  const variables = model.trainableWeights.map((weight) => {
    const value = weight.read()
    if (!(value instanceof tf.Variable)) throw new DeaiError('ML_INTERNAL', `Weight ${weight.name} is not a variable.`)
    // `instanceof` on the generic class narrows to Variable<any>.
    return value as Tf.Variable
  })
  const shape = [...ARCHITECTURES[kind].inputShape]
  const last = ARCHITECTURES[kind].layers.at(-1)
  const entry: CachedModel = {
    model,
    variables,
    inputShape: (n) => [n, ...shape],
    inputSize: shape.reduce((a, b) => a * b, 1),
    classes: last?.type === 'dense' ? last.units : 0,
  }
  cache.set(kind, entry)
  return entry
}

/** Runs the model on `x` and returns its (softmax) output. */
export function forward(tf: TfModule, model: Tf.LayersModel, x: Tf.Tensor, training: boolean): Tf.Tensor {
  const out = model.apply(x, { training })
  if (!(out instanceof tf.Tensor)) throw new DeaiError('ML_INTERNAL', 'The model did not return a single tensor.')
  return out
}

/** Probabilities are clipped as Keras does, so that log(0) never occurs. */
const EPSILON = 1e-7

/** Per-example categorical cross-entropy of softmax outputs against one-hot targets, shape [n]. */
export function crossEntropy(tf: TfModule, probabilities: Tf.Tensor, targets: Tf.Tensor): Tf.Tensor {
  return tf.neg(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probabilities, EPSILON, 1 - EPSILON))), -1))
}
