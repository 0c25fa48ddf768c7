// The suite setup of the connection-manager tests against Modbus: pymodbus on 127.0.0.1, a workbench database in a
// temporary data folder, and a ConnectionManager on both, from before the first test to after the last.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { connectionConfigSchema } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import { startPymodbusServer, type PymodbusServer } from '../connectors/modbus/fixtures/pymodbus-server'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { ConnectionManager } from './connection-manager'
import { openWorkbenchDb, type Database } from './workbench-db'

export interface ModbusManager {
  /** Set from beforeAll on. */
  server: PymodbusServer
  manager: ConnectionManager
  /** Every connector the manager has registered, oldest first. */
  registered: Connector[]
  /** Adds a modbus-tcp connection to the pymodbus server; `fields` names it and gives its tags and settings. */
  addConnection(fields: Record<string, unknown>): ReturnType<ConnectionManager['add']>
}

/** Call at the top of a test file (or inside a describe): registers its beforeAll and afterAll. */
export function useModbusManager(name: string): ModbusManager {
  let dataDir = ''
  let db: Database | undefined
  const suite: ModbusManager = {
    server: undefined as unknown as PymodbusServer,
    manager: undefined as unknown as ConnectionManager,
    registered: [],
    addConnection: (fields) =>
      suite.manager.add(connectionConfigSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1', port: suite.server.tcpPort, ...fields })),
  }
  beforeAll(async () => {
    suite.server = await startPymodbusServer()
    dataDir = mkdtempSync(join(tmpdir(), `otw-${name}-`))
    db = openWorkbenchDb(dataDir)
    suite.manager = new ConnectionManager({
      db,
      box: KeyFileSecretBox.inDataDir(dataDir),
      dataDir,
      register: (c) => suite.registered.push(c),
      unregister: () => undefined,
    })
  }, 30_000)
  afterAll(async () => {
    await suite.manager?.close()
    db?.close()
    await suite.server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return suite
}
