import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DeaiError } from '../../errors/base.js'

export type JsonRpcServerInit = {
  /** Handles one JSON-RPC envelope or a batch, returning the reply envelope(s). */
  handle: (body: unknown) => Promise<unknown>
  /** @default '127.0.0.1' */
  host?: string
  /** 0 picks a free port. @default 8545 */
  port?: number
  /** Largest request body accepted, in bytes. @default 16 MiB */
  maxBodyBytes?: number
}

export type JsonRpcServer = {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // Browsers (the dashboard) read the chain directly.
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type',
  })
  res.end(text)
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Serves a JSON-RPC handler over HTTP, the way `anvil` and `hardhat node` do.
 *
 * @returns the server's URL and a `close()`.
 */
export async function serveJsonRpc(init: JsonRpcServerInit): Promise<JsonRpcServer> {
  const limit = init.maxBodyBytes ?? 16 * 1024 * 1024
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'OPTIONS') return reply(res, 204, null)
      if (req.method !== 'POST') {
        return reply(res, 405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'use POST with a JSON-RPC body' } })
      }
      const text = await readBody(req, limit)
      if (text === undefined) {
        return reply(res, 413, { jsonrpc: '2.0', id: null, error: { code: -32600, message: `request body over ${limit} bytes` } })
      }
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        return reply(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: body is not JSON' } })
      }
      try {
        reply(res, 200, await init.handle(body))
      } catch (error) {
        reply(res, 500, { jsonrpc: '2.0', id: null, error: { code: -32603, message: String(error) } })
      }
    })()
  })
  const host = init.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(new DeaiError('LEDGER_SERVER_LISTEN', `cannot listen on ${host}:${init.port ?? 8545} (${cause.code ?? cause.message})`, {
        fixes: ['pick another port with --port, or stop the process that holds this one'],
        cause,
      }))
    })
    server.listen(init.port ?? 8545, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
