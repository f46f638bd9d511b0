/**
 * Builds the tfjs model of an architecture (internal).
 *
 * @packageDocumentation
 */
import type * as Tf from '@tensorflow/tfjs'
import type { TfModule } from '../backend.js'
import { ARCHITECTURES, type ModelKind } from './architecture.js'

/**
 * Builds an uncompiled sequential model of `kind` with every weight set to zero. Zero
 * initialisers keep tfjs's own (Math.random-seeded) initialisers out of the picture; callers set
 * real weights afterwards.
 */
export function buildModel(tf: TfModule, kind: ModelKind): Tf.Sequential {
  const architecture = ARCHITECTURES[kind]
  // Fixed names (tfjs would number them per process) make the model's JSON, and so the CID of
  // a task's model bundle, the same everywhere.
  const model = tf.sequential({ name: `deai_${kind}` })
  let position = 0
  const input = (): { inputShape?: number[]; name: string } => {
    position++
    const name = `${kind}_${position}`
    return position === 1 ? { inputShape: [...architecture.inputShape], name } : { name }
  }
  for (const layer of architecture.layers) {
    switch (layer.type) {
      case 'dense':
        model.add(
          tf.layers.dense({
            ...input(),
            units: layer.units,
            activation: layer.activation,
            kernelInitializer: 'zeros',
            biasInitializer: 'zeros',
          }),
        )
        break
      case 'conv2d':
        model.add(
          tf.layers.conv2d({
            ...input(),
            filters: layer.filters,
            kernelSize: layer.kernelSize,
            padding: 'valid',
            activation: layer.activation,
            kernelInitializer: 'zeros',
            biasInitializer: 'zeros',
          }),
        )
        break
      case 'maxPool2d':
        model.add(tf.layers.maxPooling2d({ ...input(), poolSize: layer.poolSize }))
        break
      case 'flatten':
        model.add(tf.layers.flatten(input()))
        break
    }
  }
  return model
}
