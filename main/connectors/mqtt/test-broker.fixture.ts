// An aedes MQTT broker on 127.0.0.1 (random port) with a connected publisher, for tests; and a workbench wired to it.
// With `credentials` the broker refuses every client that does not give exactly that user name and password.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { createWorkbench, type Workbench } from '../../workbench'

export interface TestBroker {
  url: string
  publisher: MqttClient
  close(): Promise<void>
}

export async function startTestBroker(publisherId: string, credentials?: { username: string; password: string }): Promise<TestBroker> {
  const broker = await Aedes.createBroker(
    credentials && {
      authenticate: (_client, username, password, done) => done(null, username === credentials.username && password?.toString('utf8') === credentials.password),
    },
  )
  const server = createServer((socket) => broker.handle(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const publisher = await mqtt.connectAsync(url, { clientId: publisherId, ...credentials })
  return {
    url,
    publisher,
    async close() {
      await publisher.endAsync(true)
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface TestWorkbench {
  workbench: Workbench
  dataDir: string
  /** A contract request through the router, as the renderer makes it; failures throw with the host's message. */
  call<T>(channel: string, input: unknown): Promise<T>
  close(): Promise<void>
}

/** A started workbench without the demo plant, in a fresh data folder removed on close. */
export async function startTestWorkbench(prefix: string): Promise<TestWorkbench> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
  await workbench.start()
  return {
    workbench,
    dataDir,
    async call<T>(channel: string, input: unknown): Promise<T> {
      const result = (await workbench.router.call(channel, input)) as { ok: boolean; output?: T; error?: { message: string } }
      if (!result.ok) throw new Error(result.error?.message)
      return result.output as T
    },
    async close() {
      await workbench.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
