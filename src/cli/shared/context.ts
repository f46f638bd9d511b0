/** What a command may touch of the outside world; tests pass their own. */
export type CliContext = {
  /** Results (text, or JSON with --json). */
  stdout: (text: string) => void
  /** Raw bytes to standard output (content get). */
  stdoutBytes(bytes: Uint8Array): void
  /** Progress, logs and errors. */
  stderr: (text: string) => void
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  /** Makes the command end with this exit code although it printed its result (e.g. a failed check). */
  setExitCode(code: number): void
  /** Resolves when the user asks a long-running command (chain, node) to stop. */
  untilStopped(): Promise<void>
  /**
   * Asks the user for a secret (a password) without echoing it.
   * @throws DeaiError `KEYSTORE_PASSWORD_MISSING` when there is no terminal to ask on
   */
  readSecret?: (prompt: string) => Promise<string>
}
