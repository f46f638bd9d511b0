/**
 * The code-verification rule set. A verifier approves a task only if every rule passes; its
 * report (the reasons CID it reveals) lists each rule's outcome. The rules are deliberately
 * mechanical, so honest verifiers reach the same verdict and a dissenting vote is evidence.
 */
export const VERIFIER_RULES = [
  { id: 'spec-fetch', description: 'the spec CID resolves in the content store to DAG-JSON of at most 64 KiB' },
  { id: 'spec-schema', description: 'the spec matches deai-task/1: known dataset, hyperparameters in range, aggregation and consensus rules the protocol implements' },
  { id: 'bundle-fetch', description: 'the model bundle CID resolves to DAG-JSON of at most 1 MiB' },
  { id: 'bundle-format', description: 'the bundle is deai-model/1: TensorFlow.js layers JSON (no weights, no code)' },
  { id: 'layers-allowed', description: 'every layer is one of: InputLayer, Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, Activation, ReLU, Softmax, Reshape, BatchNormalization (no Lambda, custom or nested models)' },
  { id: 'activations-allowed', description: 'every activation is one of: linear, relu, relu6, elu, selu, sigmoid, hardSigmoid, tanh, softmax, softplus, softsign, swish' },
  { id: 'model-builds', description: 'TensorFlow.js builds the model from the bundle' },
  { id: 'input-shape', description: 'the model input shape equals the spec\'s dataset input shape' },
  { id: 'output-classes', description: 'the model outputs one probability per class: last layer shape [classes] with softmax' },
  { id: 'parameter-limit', description: 'the model has at most the spec\'s maxParameters trainable parameters, and at most the verifier\'s own limit (10,000,000 by default)' },
] as const

export type VerifierRuleId = (typeof VERIFIER_RULES)[number]['id']

export const ALLOWED_LAYERS: ReadonlySet<string> = new Set([
  'InputLayer', 'Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dropout',
  'Activation', 'ReLU', 'Softmax', 'Reshape', 'BatchNormalization',
])

export const ALLOWED_ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish',
])

export const SPEC_MAX_BYTES = 64 * 1024
export const BUNDLE_MAX_BYTES = 1024 * 1024
export const DEFAULT_MAX_PARAMETERS = 10_000_000
