/**
 * The status endpoint of a node: `GET /` (or `/status`) on 127.0.0.1 answers the node's status
 * as JSON. Read-only; it listens on loopback only, for the operator and their monitoring.
 *
 * @packageDocumentation
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DeaiError } from '../errors/base.js'

export type StatusServer = { readonly url: string; close(): Promise<void> }

/**
 * Serves `status()` as JSON on 127.0.0.1.
 *
 * @param port - the port (0 for any free one)
 * @param status - called on each request
 * @throws DeaiError `NODE_STATUS_PORT_IN_USE` when the port is taken
 */
export async function serveStatus(port: number, status: () => unknown): Promise<StatusServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url !== '/' && request.url !== '/status')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; GET /status"}')
      return
    }
    const body = JSON.stringify(status(), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => reject(new DeaiError('NODE_STATUS_PORT_IN_USE', `Cannot serve the status endpoint on 127.0.0.1:${port}.`, {
      details: [cause.message],
      fixes: ['Pick another --status-port, or 0 for any free port.'],
      cause,
    })))
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}/status`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
