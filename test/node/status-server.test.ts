import { test } from 'vitest'
import { serveStatus } from '../../src/node/status-server.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'

test('the status endpoint refuses a port another server holds', async () => {
  const first = await serveStatus(0, () => ({ ok: true }))
  try {
    const port = Number(new URL(first.url).port)
    await expectDeaiError(serveStatus(port, () => ({ ok: true })), 'NODE_STATUS_PORT_IN_USE')
  } finally {
    await first.close()
  }
})
