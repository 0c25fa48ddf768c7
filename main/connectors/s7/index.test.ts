import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { s7ConfigSchema } from '../../../preload/contract'
import { buildS7Connector, checkS7Tag, describeS7Tag, s7 } from './index'
import { startSnap7Peer, type Snap7Peer } from './snap7-peer.fixture'

let peer: Snap7Peer

beforeAll(async () => {
  const db5 = Buffer.alloc(8)
  db5.writeInt16BE(-42, 2)
  peer = await startSnap7Peer({ dbs: { 5: db5 } })
})

afterAll(async () => {
  await peer?.stop()
})

describe('the S7 module for the protocol registry', () => {
  it('builds a connector from a stored configuration, TSAPs as typed, tag ids as <connection>:<tag>', async () => {
    const config = s7ConfigSchema.parse({
      protocol: 's7',
      name: 'Press 4',
      host: '127.0.0.1',
      port: peer.port,
      localTsap: '01.00',
      remoteTsap: '0x0301',
      scanRateMs: 3_600_000,
      tags: [{ name: 'Tonnage', address: 'DB5.DBW2', dataType: 'INT', unit: 't', access: 'read-write' }],
    })
    const connector = buildS7Connector('press4', config)
    expect(connector.endpoint).toBe(`s7://127.0.0.1:${peer.port}?localTsap=01.00&remoteTsap=03.01`)
    expect(connector.tags()).toEqual([
      {
        id: 'press4:Tonnage',
        name: 'Tonnage',
        path: ['Press 4'],
        connectionId: 'press4',
        address: 'DB5.DBW2',
        dataType: 'INT',
        unit: 't',
        access: 'read-write',
      },
    ])
    await connector.connect()
    const [value] = await connector.read(['press4:Tonnage'])
    expect(value).toMatchObject({ tagId: 'press4:Tonnage', value: -42, quality: { status: 'good' } })
    await connector.disconnect()
    expect(s7.secrets.split(config)).toEqual({ config, secrets: {} })
  })

  it('names the connection and the tag when a stored address does not parse', () => {
    const config = s7ConfigSchema.parse({ protocol: 's7', name: 'Press 4', host: 'plc', tags: [{ name: 'Broken', address: 'DB5.DBX0.8' }] })
    expect(() => buildS7Connector('press4', config)).toThrow('S7 connection "Press 4": tag "Broken": DB5.DBX0.8: bit must be 0–7')
  })

  it('checks a tag as it is typed and describes it', () => {
    expect(checkS7Tag('db5.dbd0', 'real')).toEqual({ ok: true, address: 'DB5.DBD0', dataType: 'REAL', bytes: 4, description: 'DB5.DBD0 (REAL)' })
    expect(checkS7Tag('DB5.DBW0', 'REAL')).toEqual({ ok: false, message: 'DB5.DBW0: REAL takes 4 bytes, this address covers 2 — use DB5.DBD0' })
    expect(describeS7Tag({ address: 'DB1,S10.20' })).toBe('DB1.DBB10 (STRING[20])')
  })
})
