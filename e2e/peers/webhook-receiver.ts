import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

// A webhook receiver on 127.0.0.1, as an alarm system's client runs one: it keeps what arrives and checks the signature.

export interface WebhookReceiver {
  url: string
  received: Array<{ headers: IncomingHttpHeaders; body: string; signatureValid: boolean }>
  stop(): Promise<void>
}

export async function startWebhookReceiver(signingKey: string): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const match = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(String(request.headers['x-otw-signature'] ?? ''))
      const signatureValid = !!match && createHmac('sha256', signingKey).update(`${match[1]}.${body}`).digest('hex') === match[2]
      received.push({ headers: request.headers, body, signatureValid })
      response.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alarms`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
