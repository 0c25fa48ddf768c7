import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, main, type CliIo } from '../../cli'
import { openWorkbenchDb } from '../../connections/workbench-db'
import { WriteAuditLog } from '../../connections/writes/audit-log'
import { startDemoPlant, type DemoPlant } from '../../simulator'
import { createWorkbench } from '../../workbench'
import { demoLineModbusConnection } from '../demo-line'
import { startMosquitto, type MosquittoPeer } from '../mosquitto-peer.fixture'
import { startNodeRed, type NodeRedPeer } from '../node-red/node-red-peer.fixture'

// Real parts: `otw deploy` through cli.ts on a workbench data folder with a saved Modbus connection to the demo plant,
// Node-RED 5 with a login, Mosquitto.
let dir: string
let plant: DemoPlant
let nodeRed: NodeRedPeer
let broker: MosquittoPeer
let connectionId: string

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    untilInterrupted: () => Promise.resolve(),
  }
  return io
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-deploy-cli-'))
  plant = await startDemoPlant({ dataDir: join(dir, 'plant'), opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
  ;[nodeRed, broker] = await Promise.all([startNodeRed({ login: { username: 'admin', password: 'cli-pass-3' } }), startMosquitto()])
  const workbench = createWorkbench({ dataDir: join(dir, 'data'), host: 'browser', demoPlant: false })
  const line = demoLineModbusConnection(plant.endpoints.modbus, { scanRateMs: 500 })
  const added = await workbench.router.call('connections.add', {
    config: { ...line, tags: line.tags.filter((t) => ['Line1.Filler.State', 'Line1.Filler.Speed'].includes(t.name)) },
  })
  if (!added.ok) throw new Error(added.error.message)
  connectionId = (added.output as { id: string }).id
  await workbench.stop()
  process.env.OTW_TEST_NODE_RED_PASSWORD = 'cli-pass-3'
}, 120_000)

afterAll(async () => {
  delete process.env.OTW_TEST_NODE_RED_PASSWORD
  await Promise.allSettled([nodeRed?.stop(), broker?.stop(), plant?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

const common = () => ['--node-red', nodeRed.url, '--user', 'admin', '--password-env', 'OTW_TEST_NODE_RED_PASSWORD', '--data-dir', join(dir, 'data')]

describe('otw deploy', () => {
  it('plans (the diff as JSON), applies with --yes and verification, lists the history and rolls back', async () => {
    const target = ['--broker', broker.url, '--device-id', 'gw-cli', '--namespace', 'Acme/Plant1/Packaging/Line1', '--connections', connectionId]
    let io = captureIo()
    expect(await main(['deploy', 'plan', ...common(), ...target, '--json'], io)).toBe(EXIT.ok)
    const plan = JSON.parse(io.out) as { diff: { added: number; changed: number }; tags: Array<{ topic: string }> }
    expect(plan.diff.added).toBeGreaterThan(4)
    expect(plan.tags.map((t) => t.topic)).toContain('umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.Line1.Filler.Speed')

    io = captureIo()
    expect(await main(['deploy', 'apply', ...common(), ...target, '--data-window-ms', '8000'], io)).toBe(EXIT.usage)
    expect(io.err).toContain('add --yes')

    io = captureIo()
    const code = await main(['deploy', 'apply', ...common(), ...target, '--yes', '--data-window-ms', '8000'], io)
    // Only the steps as they start go to stderr.
    expect(io.err.trimEnd().split('\n')).toEqual(['  [2/5] deploy…', '  [3/5] read back…', '  [4/5] health…', '  [5/5] data check…'])
    expect(code).toBe(EXIT.ok)
    expect(io.out).toMatch(/v1 apply verified: 2 tag\(s\) of Line1/)

    io = captureIo()
    expect(await main(['deploy', 'plan', ...common(), '--connections', connectionId], io)).toBe(EXIT.ok)
    expect(io.out).toMatch(/0 added, 0 changed, 0 removed, \d+ unchanged/)

    io = captureIo()
    expect(await main(['deploy', 'history', '--node-red', nodeRed.url, '--data-dir', join(dir, 'data')], io)).toBe(EXIT.ok)
    expect(io.out).toMatch(/v1 .* apply +verified/)

    io = captureIo()
    expect(await main(['deploy', 'rollback', '--node-red', nodeRed.url, '--data-dir', join(dir, 'data'), '--to', '0', '--yes'], io)).toBe(EXIT.ok)
    expect(io.out).toContain('v2 rollback applied: rollback to before the first deploy')
  }, 120_000)

  it('takes passwords only from the environment, and says which variable is missing', async () => {
    let io = captureIo()
    expect(await main(['deploy', 'plan', '--node-red', nodeRed.url, '--password', 'x', '--flow', 'f.json'], io)).toBe(EXIT.usage)
    io = captureIo()
    expect(
      await main(
        [
          'deploy',
          'plan',
          '--node-red',
          'http://127.0.0.1:1',
          '--user',
          'a',
          '--password-env',
          'OTW_NOT_SET_ANYWHERE',
          '--flow',
          'f.json',
          '--data-dir',
          join(dir, 'data'),
        ],
        io,
      ),
    ).toBe(EXIT.usage)
    expect(io.err).toContain('environment variable OTW_NOT_SET_ANYWHERE is not set')
  }, 60_000)

  it('exits 1 with the target, the step and what to do when the password is wrong', async () => {
    process.env.OTW_TEST_WRONG = 'nope'
    const io = captureIo()
    expect(
      await main(
        [
          'deploy',
          'plan',
          '--node-red',
          nodeRed.url,
          '--user',
          'admin',
          '--password-env',
          'OTW_TEST_WRONG',
          '--connections',
          connectionId,
          '--data-dir',
          join(dir, 'data'),
        ],
        io,
      ),
    ).toBe(EXIT.failed)
    expect(io.err).toContain(`Node-RED ${nodeRed.url} (sign in): wrong username or password (HTTP 403) — check the user name and password of this target`)
    delete process.env.OTW_TEST_WRONG
  }, 60_000)
})

describe('otw deploy broker', () => {
  it('prints the plan, applies with --yes showing the new passwords once, and reads back equal', async () => {
    const dynsecBroker = await startMosquitto({ dynsec: { adminUser: 'admin', adminPassword: 'dynsec-cli-5' } })
    process.env.OTW_TEST_DYNSEC = 'dynsec-cli-5'
    const planFile = join(dir, 'broker-plan.json')
    writeFileSync(planFile, JSON.stringify({ gatewayId: 'gw-cli', topics: ['devices/gw-cli/telemetry'] }))
    const dataDir = join(dir, 'broker-cli-data')
    const args = [
      'deploy',
      'broker',
      '--mosquitto',
      dynsecBroker.url,
      '--admin-user',
      'admin',
      '--admin-password-env',
      'OTW_TEST_DYNSEC',
      '--plan',
      planFile,
      '--data-dir',
      dataDir,
    ]
    try {
      let io = captureIo()
      expect(await main(args, io)).toBe(EXIT.ok)
      expect(io.out).toContain('4 change(s)')
      expect(io.out).toContain('+ role otw-gateway-gw-cli  + publishClientSend allow devices/gw-cli/#')
      io = captureIo()
      expect(await main([...args, '--yes'], io), io.err).toBe(EXIT.ok)
      expect(io.out).toContain('read back equal')
      expect(io.out).toMatch(/New passwords \(shown this once\):\n {2}otw-gateway-gw-cli {2}\S{32}\n/)
      // The apply is in the data folder's audit log, as from the Deploy view; the plan alone writes nothing.
      const db = openWorkbenchDb(dataDir)
      try {
        const entries = new WriteAuditLog(db).list()
        expect(entries.map((e) => [e.connectionId, e.tagId, e.address, e.result])).toEqual([['deploy:command-line', 'broker security', dynsecBroker.url, 'ok']])
        expect(entries[0]!.newValue).toContain('added role otw-gateway-gw-cli (+')
        expect(JSON.stringify(entries)).not.toContain(/otw-gateway-gw-cli {2}(\S{32})/.exec(io.out)![1])
      } finally {
        db.close()
      }
      io = captureIo()
      expect(await main(args, io)).toBe(EXIT.ok)
      expect(io.out).toContain('0 change(s)')
      process.env.OTW_TEST_DYNSEC = 'wrong'
      io = captureIo()
      expect(await main(args, io)).toBe(EXIT.failed)
      expect(io.err).toContain('the admin login was refused')
    } finally {
      delete process.env.OTW_TEST_DYNSEC
      await dynsecBroker.stop()
    }
  }, 60_000)
})
