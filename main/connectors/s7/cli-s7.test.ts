import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runS7Browse, runS7Read, runS7Write, type CliIo } from './cli-s7'
import { startSnap7Peer, type Snap7Peer } from './snap7-peer.fixture'

let peer: Snap7Peer

beforeAll(async () => {
  const db1 = Buffer.alloc(16)
  db1.writeFloatBE(3.5, 0)
  db1[4] = 0b0100
  peer = await startSnap7Peer({ dbs: { 1: db1 } })
})

afterAll(async () => {
  await peer?.stop()
})

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) }
  return io
}

describe('otw read / write / browse s7://', () => {
  it('reads a REAL with its raw bytes, and as JSON', async () => {
    const io = capture()
    expect(await runS7Read(peer.url, ['DB1.DBD0', '--type', 'real'], io)).toBe(0)
    expect(io.out).toBe('DB1.DBD0  REAL  3.5  [40 60 00 00]\n')
    const json = capture()
    expect(await runS7Read(peer.url, ['DB1,X4.2', '--json'], json)).toBe(0)
    expect(JSON.parse(json.out)).toEqual({ address: 'DB1.DBX4.2', dataType: 'BOOL', value: true, raw: '04' })
  })

  it('writes a bit only with --yes and shows the value before and after', async () => {
    const refused = capture()
    expect(await runS7Write(peer.url, ['DB1.DBX4.0', 'true'], refused)).toBe(2)
    expect(refused.err).toContain('changes the PLC — add --yes to confirm')
    const io = capture()
    expect(await runS7Write(peer.url, ['DB1.DBX4.0', 'true', '--yes'], io)).toBe(0)
    expect(io.out).toBe('DB1.DBX4.0 BOOL: false -> true\n')
    expect(peer.db(1)[4]).toBe(0b0101)
  })

  it('exits 1 with the reason for a DB that does not exist or an address past the end, 2 for a bad address', async () => {
    const missing = capture()
    expect(await runS7Read(peer.url, ['DB12.DBW0'], missing)).toBe(1)
    expect(missing.err).toContain('DB12.DBW0 (WORD): item not available (DB 12 does not exist)')
    const past = capture()
    expect(await runS7Read(peer.url, ['DB1.DBD14', '--type', 'DINT'], past)).toBe(1)
    expect(past.err).toContain('DB1.DBD14 (DINT): address out of range (DB1 has 16 bytes)')
    const bad = capture()
    expect(await runS7Read(peer.url, ['DB1.DBX6.9'], bad)).toBe(2)
    expect(bad.err).toContain('DB1.DBX6.9: bit must be 0–7')
  })

  it('browses the CPU identity and its DBs', async () => {
    const io = capture()
    expect(await runS7Browse(peer.url, [], io)).toBe(0)
    expect(io.out).toContain('Order number   6ES7 315-2EH14-0AB0\n')
    expect(io.out).toContain('Firmware       V3.2.6\n')
    expect(io.out).toContain('DBs            DB1 (16 bytes)\n')
  })
})
