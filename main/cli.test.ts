import { createServer, type Server } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT, main, type CliIo } from './cli'
import { APP_VERSION } from './version'

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

const occupy = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => resolve(server))
  })

describe('otw', () => {
  it('prints its version and help with exit 0', async () => {
    const io = captureIo()
    expect(await main(['--version'], io)).toBe(EXIT.ok)
    expect(io.out.trim()).toBe(APP_VERSION)
    expect(await main(['--help'], io)).toBe(EXIT.ok)
    expect(io.out).toContain('otw <command>')
    expect(io.out).toContain('Exit codes: 0 ok, 1')
  })

  it("prints a command's own help for `otw <command> --help`, `-h` and `otw help <command>`, not the general one", async () => {
    for (const command of ['serve', 'sim', 'read', 'write', 'browse', 'scan', 'oee', 'alarms', 'vision']) {
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const io = captureIo()
        expect(await main(args, io), args.join(' ')).toBe(EXIT.ok)
        expect(io.out, args.join(' ')).toMatch(new RegExp(`^Usage: otw ${command}`))
        expect(io.out, args.join(' ')).not.toContain('Commands:')
      }
    }
    // After a device URL, --help still shows the help instead of reaching for the device.
    const io = captureIo()
    expect(await main(['write', 'modbus://127.0.0.1:1?unit=1', '40001', '5', '--help'], io)).toBe(EXIT.ok)
    expect(io.out).toMatch(/^Usage: otw write/)
  })

  it('exits 2 on an unknown command or a bad option, and says why', async () => {
    let io = captureIo()
    expect(await main(['frobnicate'], io)).toBe(EXIT.usage)
    expect(io.err).toContain('unknown command "frobnicate"')
    io = captureIo()
    expect(await main(['sim', '--modbus-port', 'abc'], io)).toBe(EXIT.usage)
    expect(io.err).toContain('--modbus-port must be an integer')
    expect(io.err).toContain('Run `otw sim --help` for usage.')
    io = captureIo()
    expect(await main(['serve', '--bogus'], io)).toBe(EXIT.usage)
    expect(io.err).toMatch(/Unknown option '--bogus'/)
  })

  it('exits 1 when the simulator port is taken, naming the port and what to do', async () => {
    const blocker = await occupy()
    const port = (blocker.address() as { port: number }).port
    const io = captureIo()
    const code = await main(
      ['sim', '--modbus-port', String(port), '--opcua-port', '0', '--mqtt-port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'otw-cli-'))],
      io,
    )
    blocker.close()
    expect(code).toBe(EXIT.failed)
    expect(io.err).toContain(`port ${port}`)
    expect(io.err).toContain('--modbus-port')
  })

  it('exits 1 when the host port is taken', async () => {
    const blocker = await occupy()
    const port = (blocker.address() as { port: number }).port
    const io = captureIo()
    const code = await main(['serve', '--port', String(port), '--no-demo', '--data-dir', mkdtempSync(join(tmpdir(), 'otw-cli-'))], io)
    blocker.close()
    expect(code).toBe(EXIT.failed)
    expect(io.err).toContain(`port ${port} on 127.0.0.1 is already in use`)
  })
})
