import { Command, CommanderError } from 'commander'
import { isDeaiError } from '../errors/base.js'
import { registerAuditCommand } from './commands/audit.js'
import { registerChainCommand } from './commands/chain.js'
import { registerConsensusCommand } from './commands/consensus.js'
import { registerContentCommand } from './commands/content.js'
import { registerDeployCommand } from './commands/deploy.js'
import { registerGovCommand } from './commands/gov.js'
import { registerMetricsCommand } from './commands/metrics.js'
import { registerKeysCommand } from './commands/keys.js'
import { registerNodeCommand } from './commands/node.js'
import { registerRotationCommands } from './commands/rotation.js'
import { registerRunCommand } from './commands/run.js'
import { registerStakeCommands } from './commands/stake.js'
import { registerTaskCommand } from './commands/task.js'
import type { CliContext } from './shared/context.js'

const VERSION = '0.1.0'

function defaultContext(): CliContext {
  return {
    stdout: (text) => void process.stdout.write(text),
    stdoutBytes: (bytes) => void process.stdout.write(bytes),
    setExitCode: () => {},
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    untilStopped: () => new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    }),
  }
}

/** Builds the command tree; every action is a thin call into the SDK. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('deai')
    .description('deai: a full-lifecycle decentralized-AI protocol (contracts + nodes)')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride()
  registerRunCommand(program, ctx)
  registerAuditCommand(program, ctx)
  registerChainCommand(program, ctx)
  registerDeployCommand(program, ctx)
  registerTaskCommand(program, ctx)
  registerStakeCommands(program, ctx)
  registerRotationCommands(program, ctx)
  registerGovCommand(program, ctx)
  registerContentCommand(program, ctx)
  registerConsensusCommand(program, ctx)
  registerMetricsCommand(program, ctx)
  registerKeysCommand(program, ctx)
  registerNodeCommand(program, ctx)
  for (const command of program.commands) inheritSettings(command, ctx)
  return program
}

function inheritSettings(command: Command, ctx: CliContext): void {
  command.configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr }).exitOverride().showHelpAfterError('(run with --help for usage)')
  for (const sub of command.commands) inheritSettings(sub, ctx)
}

/**
 * Runs the CLI. Never calls process.exit: returns the exit code (0 ok, 1 failure, 2 usage).
 *
 * @param argv - arguments after the program name.
 */
export async function main(argv: readonly string[], context: Partial<CliContext> = {}): Promise<number> {
  let exitCode = 0
  const ctx: CliContext = { ...defaultContext(), ...context, setExitCode: (code) => void (exitCode = code) }
  const program = buildProgram(ctx)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage mistakes have been printed already.
      return error.exitCode === 0 ? 0 : 2
    }
    if (isDeaiError(error)) {
      ctx.stderr(`error [${error.code}]: ${error.message}\n`)
      return 1
    }
    ctx.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
