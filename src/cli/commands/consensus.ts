import type { Command } from 'commander'
import { formatYumaReplayReport, replayYumaVectors } from '../../mechanisms/consensus/yuma/replay.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { readDataFile } from '../../shared/read-data-file.js'

export function registerConsensusCommand(program: Command, ctx: CliContext): void {
  const consensus = program.command('consensus').description('consensus mechanisms: check implementations against reference vectors')
  consensus.command('replay <file>')
    .description('replay every case of a Yuma test-vector file (the format of yuma-vectors.json: epochs, step sequences with registrations and uid replacements, get_neuron_to_prune cases) and print pass or the first mismatch per case; exits 1 on any mismatch')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const report = replayYumaVectors(await readDataFile(ctx.cwd, file, 'test-vector'))
      printResult(ctx, options.json, report, () => formatYumaReplayReport(report))
      if (!report.ok) ctx.setExitCode(1)
    })
}
