/**
 * Starts TensorFlow.js on its WebAssembly backend. tfjs is loaded lazily, on the first
 * {@link initMl}, so that importing deai for chain or CLI work does not pay for it.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import type * as Tf from '@tensorflow/tfjs'
import { DeaiError } from '../errors/base.js'
import { installWasmKernels } from './wasm-kernels.js'
import type { DeaiErrorCodes } from '../errors/codes.js'

/** The tfjs module type. */
export type TfModule = typeof Tf

/** Error codes thrown by {@link initMl}. */
export type InitMlErrorCode = DeaiErrorCodes<'ML_BACKEND_UNAVAILABLE'>

// The binaries tfjs-backend-wasm may pick, depending on SIMD support.
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const

let ready: Promise<TfModule> | undefined
let loaded: TfModule | undefined

function unavailable(message: string, cause?: unknown, details: string[] = []): DeaiError {
  return new DeaiError('ML_BACKEND_UNAVAILABLE', message, {
    cause,
    details,
    fixes: [
      'Reinstall the dependencies: npm install (it brings @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm, which ship the .wasm files).',
      'Check that node_modules/@tensorflow/tfjs-backend-wasm/dist/ holds tfjs-backend-wasm.wasm and tfjs-backend-wasm-simd.wasm.',
    ],
  })
}

/**
 * Finds the directory of the wasm binaries inside the installed npm package. Resolved from this
 * module's location, so it works from `src` (tsx, vitest) and from the built `dist` alike.
 */
function wasmDirectory(): string {
  let entry: string
  try {
    entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')
  } catch (cause) {
    throw unavailable('The package @tensorflow/tfjs-backend-wasm is not installed.', cause)
  }
  const dir = dirname(entry)
  const missing = WASM_FILES.filter((file) => !existsSync(join(dir, file)))
  if (missing.length > 0) {
    throw unavailable('The TensorFlow.js wasm binaries are missing.', undefined, [`Not found in ${dir}: ${missing.join(', ')}`])
  }
  return dir
}

async function start(): Promise<TfModule> {
  const wasmDir = wasmDirectory()
  let tf: TfModule
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm')
  try {
    tf = await import('@tensorflow/tfjs')
    wasm = await import('@tensorflow/tfjs-backend-wasm')
  } catch (cause) {
    throw unavailable('TensorFlow.js could not be loaded.', cause)
  }
  installWasmKernels(tf)
  try {
    // setWasmPaths takes a prefix; the trailing separator makes `${prefix}${file}` a path.
    wasm.setWasmPaths(`${wasmDir}${sep}`)
  } catch {
    // It throws only after an earlier start of the wasm backend failed; setBackend below then
    // reports that failure.
  }
  let ok: boolean
  try {
    ok = await tf.setBackend('wasm')
    await tf.ready()
  } catch (cause) {
    throw unavailable('The TensorFlow.js wasm backend failed to start.', cause)
  }
  if (!ok || tf.getBackend() !== 'wasm') {
    throw unavailable('The TensorFlow.js wasm backend failed to start.', undefined, [`Binaries looked up in ${wasmDir}.`])
  }
  return tf
}

/**
 * Loads TensorFlow.js and makes the wasm backend current. Idempotent: every call returns the
 * same promise once started; after a failure the next call tries again. All deai ML functions
 * call it themselves, so calling it first is only needed to fail early or to time start-up.
 *
 * @returns resolves when the backend is ready
 * @throws DeaiError `ML_BACKEND_UNAVAILABLE` when tfjs or its wasm binaries cannot be loaded
 * @example
 * ```ts
 * import { initMl } from 'deai/ml'
 * await initMl()
 * ```
 */
export async function initMl(): Promise<void> {
  await loadTf()
}

/** Like {@link initMl}, but resolves to the tfjs module (internal). */
export function loadTf(): Promise<TfModule> {
  if (ready === undefined) {
    ready = start().then(
      (tf) => {
        loaded = tf
        return tf
      },
      (error: unknown) => {
        ready = undefined
        throw error
      },
    )
  }
  return ready
}

/**
 * The tfjs module, for synchronous code that only runs once a model exists (internal).
 *
 * @throws DeaiError `ML_NOT_INITIALIZED` before {@link initMl} has finished
 */
export function tfSync(): TfModule {
  if (loaded === undefined) {
    throw new DeaiError('ML_NOT_INITIALIZED', 'TensorFlow.js is not started yet.', {
      fixes: ['await initMl() (or any async deai ML function) before this call.'],
    })
  }
  return loaded
}
