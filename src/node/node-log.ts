/**
 * Structured logs of a node: one JSON object per line (time, level, message, fields), written
 * to standard error by `deai node`. Callers pass no keys or passwords; only addresses.
 *
 * @packageDocumentation
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type NodeLog = {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * Creates a log that writes JSON lines.
 *
 * @param write - receives each line, with its newline
 * @param base - fields added to every line (role, address)
 * @param minLevel - lines below this level are dropped
 * @example
 * ```ts
 * const log = createNodeLog((line) => process.stderr.write(line), { role: 'trainer' })
 * log.info('submitted', { round: 3, cid })
 * // {"time":"2025-…","level":"info","role":"trainer","msg":"submitted","round":3,"cid":"bafk…"}
 * ```
 */
export function createNodeLog(write: (line: string) => void, base: Record<string, unknown> = {}, minLevel: LogLevel = 'info'): NodeLog {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }
  const emit = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < order[minLevel]) return
    write(`${JSON.stringify({ time: new Date().toISOString(), level, ...base, msg: message, ...fields }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`)
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}

/** A log that drops everything. */
export const SILENT_LOG: NodeLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
