import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT, main, type CliIo } from './cli'
import { startSnap7Peer, type Snap7Peer } from './connectors/s7/snap7-peer.fixture'

// otw's dispatch of s7:// URLs to the S7 command-line functions, against Snap7's S7 server.

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

let peer: Snap7Peer
beforeAll(async () => {
  const db1 = Buffer.alloc(8)
  db1.writeFloatBE(21.5, 0)
  peer = await startSnap7Peer({ dbs: { 1: db1 } })
})
afterAll(async () => {
  await peer?.stop()
})

describe('otw read/write/browse s7://', () => {
  it('reads a REAL as JSON and writes it only with --yes', async () => {
    const read = captureIo()
    expect(await main(['read', peer.url, 'DB1.DBD0', '--type', 'real', '--json'], read)).toBe(EXIT.ok)
    expect(JSON.parse(read.out)).toEqual({ address: 'DB1.DBD0', dataType: 'REAL', value: 21.5, raw: '41 AC 00 00' })
    const refused = captureIo()
    expect(await main(['write', peer.url, 'DB1.DBD0', '3.25', '--type', 'real'], refused)).toBe(EXIT.usage)
    expect(peer.db(1).readFloatBE(0)).toBe(21.5)
    const write = captureIo()
    expect(await main(['write', peer.url, 'DB1.DBD0', '3.25', '--type', 'real', '--yes'], write)).toBe(EXIT.ok)
    expect(write.out).toBe('DB1.DBD0 REAL: 21.5 -> 3.25\n')
  })

  it('browses the CPU, and fails with 1 on a DB the CPU does not have', async () => {
    const browse = captureIo()
    expect(await main(['browse', peer.url], browse)).toBe(EXIT.ok)
    expect(browse.out).toContain('Order number   6ES7 315-2EH14-0AB0')
    expect(browse.out).toContain('DBs            DB1 (8 bytes)')
    const missing = captureIo()
    expect(await main(['read', peer.url, 'DB9.DBW0', '--type', 'int'], missing)).toBe(EXIT.failed)
    expect(missing.err).toContain('item not available (DB 9 does not exist)')
  })

  it('names s7:// in the help and refuses scan for it', async () => {
    for (const command of ['read', 'write', 'browse']) {
      const help = captureIo()
      expect(await main([command, '--help'], help)).toBe(EXIT.ok)
      expect(help.out).toContain('s7://host:102?rack=0&slot=1')
    }
    const scan = captureIo()
    expect(await main(['scan', peer.url, '--units', '1-2'], scan)).toBe(EXIT.usage)
    expect(scan.err).toContain('does not apply to s7://')
  })
})
