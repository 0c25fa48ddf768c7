import WebSocket from 'ws'
import type { HostMessage } from '../preload/contract'

/** A raw contract client over the real socket, as the renderer's bridge speaks it (tests of the headless host). */
export class TestClient {
  readonly messages: HostMessage[] = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as HostMessage))
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers })
      ws.once('open', () => resolve(new TestClient(ws)))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }
  async next(predicate: (m: HostMessage) => boolean, timeoutMs = 5000): Promise<HostMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find(predicate)
      if (found) {
        this.messages.splice(this.messages.indexOf(found), 1)
        return found
      }
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.messages).slice(0, 500)}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  /** One call and its reply. */
  async call(id: number, channel: string, input?: unknown, timeoutMs = 5000): Promise<HostMessage> {
    this.send({ kind: 'call', id, channel, input })
    return this.next((m) => m.kind === 'result' && m.id === id, timeoutMs)
  }
  close(): void {
    this.ws.close()
  }
}
