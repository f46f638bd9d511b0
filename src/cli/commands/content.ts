import { resolve } from 'node:path'
import { Option } from 'commander'
import type { Command } from 'commander'
import { cidToDigest } from '../../content/cid-digest.js'
import { createContentStore } from '../../content/create-content-store.js'
import type { ContentStore } from '../../content/content-store.js'
import { getToFile, putFile } from '../../content/files.js'
import type { CliContext } from '../shared/context.js'
import { printResult } from '../shared/output.js'
import { toJson } from '../../shared/to-json.js'
import { readDataFile } from '../../shared/read-data-file.js'

export const DEFAULT_CONTENT_DIR = '.deai/content'

export type StoreOptions = { store?: string }

/** --store, shared by commands that read or write content. */
export function withStoreOption(command: Command): Command {
  return command.addOption(new Option('--store <dir>', `content store directory (env DEAI_CONTENT_DIR; default ${DEFAULT_CONTENT_DIR})`))
}

/** Opens the filesystem content store named by the options. */
export function openContentStore(ctx: CliContext, options: StoreOptions): Promise<ContentStore> {
  return createContentStore({ kind: 'fs', path: resolve(ctx.cwd, options.store ?? ctx.env['DEAI_CONTENT_DIR'] ?? DEFAULT_CONTENT_DIR) })
}

export function registerContentCommand(program: Command, ctx: CliContext): void {
  const content = program.command('content').description('content-addressed storage: put files and JSON, get them back by CID (verified)')

  withStoreOption(content.command('put <file>')
    .description('store a file and print its CID; .json and .yaml files are stored as DAG-JSON (task specs, bundles), others as bytes')
    .addOption(new Option('--as <kind>', 'store as bytes or json (default: by extension)').choices(['bytes', 'json']))
    .option('--json', 'print the result as JSON'),
  ).action(async (file: string, options: StoreOptions & { as?: 'bytes' | 'json'; json?: boolean }) => {
    const kind = options.as ?? (/\.(json|ya?ml)$/i.test(file) ? 'json' : 'bytes')
    const store = await openContentStore(ctx, options)
    try {
      const cid = kind === 'json'
        ? await store.putJson(await readDataFile(ctx.cwd, file, 'content'))
        : await putFile(store, resolve(ctx.cwd, file))
      printResult(ctx, options.json, { cid, kind, file }, () => cid)
    } finally {
      await store.close()
    }
  })

  withStoreOption(content.command('get <cid>')
    .description('read content by CID, verifying every block; JSON is printed, bytes go to --output (or stdout)')
    .option('-o, --output <file>', 'write the content to this file'),
  ).action(async (cid: string, options: StoreOptions & { output?: string }) => {
    const store = await openContentStore(ctx, options)
    try {
      const { codec } = cidToDigest(cid)
      if (options.output !== undefined) {
        if (codec === 'dag-json') {
          const { writeFile } = await import('node:fs/promises')
          await writeFile(resolve(ctx.cwd, options.output), toJson(await store.getJson(cid)) + '\n')
        } else {
          const bytes = await getToFile(store, cid, resolve(ctx.cwd, options.output))
          ctx.stderr(`wrote ${bytes} bytes to ${options.output}\n`)
        }
      } else if (codec === 'dag-json') {
        ctx.stdout(toJson(await store.getJson(cid)) + '\n')
      } else {
        for await (const chunk of store.getStream(cid)) ctx.stdoutBytes(chunk)
      }
    } finally {
      await store.close()
    }
  })
}
