import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import { trafficView } from '../connectors/traffic-diagnostics'
import { connectionToolHandlers } from './connection-tool-handlers'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { openWorkbenchDb, type Database } from './workbench-db'

const requestsOf = (traffic: ReturnType<typeof trafficView>) => traffic.counters.find((c) => c.key === 'requests')!.value

const KEPWARE_CSV = `Tag Name,Address,Data Type,Respect Data Type,Client Access,Scan Rate,Scaling,Raw Low,Raw High,Scaled Low,Scaled High,Scaled Data Type,Clamp Low,Clamp High,Eng Units,Description,Negate Value
"Filler.Speed","400100","Word",1,"R/W",100,"Linear",0,27648,0,600,"Float",0,0,"bpm","Filler speed",0
"Filler.Running","000001","Boolean",1,"RO",100,"None",,,,,,,,"","Motor running",0
"Recipe","400300.20H","String",1,"R/W",1000,"",,,,,,,,"","Recipe name",0
"Bad.Type","400002","BCD",1,"RO",100,"",,,,,,,,"","",0
`

const dirs: string[] = []
const dbs: Database[] = []
afterEach(async () => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'otw-csv-'))
  dirs.push(dataDir)
  const db = openWorkbenchDb(dataDir)
  dbs.push(db)
  const registered = new Map<string, Connector>()
  const manager = new ConnectionManager({
    db,
    box: KeyFileSecretBox.inDataDir(dataDir),
    dataDir,
    register: (c) => registered.set(c.id, c),
    unregister: (id) => registered.delete(id),
  })
  manager.load()
  const plc = await manager.add({
    protocol: 'modbus-tcp',
    name: 'Filler PLC',
    host: '127.0.0.1',
    port: 1502,
    framing: 'tcp',
    unitId: 1,
    timeoutMs: 500,
    scanRateMs: 1000,
    tags: [],
  })
  const handlers = connectionToolHandlers(manager, () => [...registered.values()].flatMap((c) => c.tags()))
  return { dataDir, manager, handlers, plc }
}

const source = { kind: 'text' as const, fileName: 'kepware.csv', text: KEPWARE_CSV }

describe('tag CSV import into a connection', () => {
  it('detects Kepware, suggests the mapping and previews every row with its tag or error', async () => {
    const { handlers, plc } = await setup()
    const preview = await handlers['tags.csvPreview']({ source, connectionId: plc.id })
    expect(preview.detectedFormat).toBe('kepware')
    expect(preview.mapping.columns).toMatchObject({ name: 'Tag Name', address: 'Address', dataType: 'Data Type', access: 'Client Access' })
    expect(preview).toMatchObject({ rowCount: 4, okCount: 3 })
    expect(preview.rows[0]).toMatchObject({ line: 2, tag: { name: 'Filler.Speed', address: 'hr:99', dataType: 'uint16', access: 'read-write', unit: 'bpm' } })
    expect(preview.rows[2]!.tag).toMatchObject({ name: 'Recipe', dataType: 'string' })
    expect(preview.rows[3]).toMatchObject({ line: 5, error: expect.stringContaining('data type "BCD" is not supported') })
    expect(preview.errors).toEqual([{ line: 5, message: expect.stringContaining('BCD') }])
  })

  it('imports nothing while a row has errors, then everything else when told to leave them out', async () => {
    const { handlers, manager, plc } = await setup()
    const { mapping } = await handlers['tags.csvPreview']({ source })
    await expect(handlers['tags.csvImport']({ source, mapping, connectionId: plc.id, skipErrors: false })).rejects.toThrow(
      /1 of 4 rows have errors \(line 5: .*\) — nothing was imported/,
    )
    expect(manager.config(plc.id).tags).toEqual([])

    const result = await handlers['tags.csvImport']({ source, mapping: { ...mapping, byteOrder: 'CDAB' }, connectionId: plc.id, skipErrors: true })
    expect(result).toEqual({ connectionId: plc.id, imported: 3, skipped: 1 })
    expect(manager.config(plc.id).tags.map((t) => t.name)).toEqual(['Filler.Speed', 'Filler.Running', 'Recipe'])
    expect(manager.detail(plc.id).tags.find((t) => t.name === 'Filler.Speed')).toMatchObject({
      address: 'hr:99',
      dataType: 'uint16',
      unit: 'bpm',
      access: 'read-write',
      // The Kepware tag group is a folder below the connection in the Tags tree.
      path: ['Filler PLC', 'Filler'],
    })
    expect(manager.detail(plc.id).tags.find((t) => t.name === 'Recipe')?.path).toEqual(['Filler PLC'])
    expect(manager.config(plc.id).tags[0]).toMatchObject({ byteOrder: 'CDAB', scaling: { rawLow: 0, rawHigh: 27648, engLow: 0, engHigh: 600 } })

    // A second import of the same file clashes on every name: refused, nothing changes.
    await expect(handlers['tags.csvImport']({ source, mapping, connectionId: plc.id, skipErrors: false })).rejects.toThrow(/already in "Filler PLC"/)
    expect(manager.config(plc.id).tags).toHaveLength(3)
    await manager.close()
  })

  it('takes an Ignition tag CSV: folders into the name, the wire type from the designator, the device ignored for a chosen connection', async () => {
    const { handlers, manager, plc } = await setup()
    const ignition = [
      'Name,Path,Data Type,OPC Item Path,Eng Unit,Eng Low,Eng High,Documentation',
      'Speed,Line1/Filler,Float4,ns=1;s=[PLC1]HRF100,bpm,0,600,Filler speed',
      'Running,Line1/Filler,Boolean,ns=1;s=[PLC1]C1,,,,',
      'Recipe,Line1,String,ns=1;s=[PLC1]HRS10:20,,,,Recipe name',
    ].join('\n')
    const source = { kind: 'text' as const, fileName: 'ignition.csv', text: ignition }
    const preview = await handlers['tags.csvPreview']({ source, connectionId: plc.id })
    expect(preview).toMatchObject({ detectedFormat: 'ignition', rowCount: 3, okCount: 3 })
    await handlers['tags.csvImport']({ source, mapping: preview.mapping, connectionId: plc.id, skipErrors: false })
    expect(manager.config(plc.id).tags).toEqual([
      expect.objectContaining({ name: 'Line1.Filler.Speed', address: 'hr:99', dataType: 'float32', unit: 'bpm', range: { low: 0, high: 600 } }),
      expect.objectContaining({ name: 'Line1.Filler.Running', address: 'co:0', dataType: 'bool' }),
      expect.objectContaining({ name: 'Line1.Recipe', address: 'hr:9', dataType: 'string', stringLength: 10 }),
    ])
    await manager.close()
  })

  it('refuses OPC UA node ids for a Modbus connection and rows of another connection, row by row', async () => {
    const { handlers, plc, manager } = await setup()
    const text = 'name,connectionId,address,dataType\nTemp,filler-plc,ns=2;s=Oven.Temp,float64\nLevel,filler-plc,hr:3,uint16\nOther,press,hr:4,uint16\n'
    const preview = await handlers['tags.csvPreview']({ source: { kind: 'text', fileName: 'mixed.csv', text }, connectionId: plc.id })
    expect(preview.detectedFormat).toBe('otw')
    expect(preview.rows[0]!.error).toMatch(/address "ns=2;s=Oven.Temp" is not a Modbus address .* import it into an OPC UA connection instead/)
    expect(preview.rows[1]!.tag).toMatchObject({ name: 'Level', address: 'hr:3' })
    expect(preview.rows[2]!.error).toBe(
      'the row is for connection "press", not "filler-plc" — choose that connection, or set the Connection id column to "not imported"',
    )
    await manager.close()
  })

  it('reads a file by path and says clearly when it is missing; exports the tags in our columns', async () => {
    const { handlers, dataDir, plc, manager } = await setup()
    const file = join(dataDir, 'tags.csv')
    writeFileSync(file, KEPWARE_CSV)
    const preview = await handlers['tags.csvPreview']({ source: { kind: 'path', path: file } })
    expect(preview.fileName).toBe('tags.csv')
    await expect(handlers['tags.csvPreview']({ source: { kind: 'path', path: join(dataDir, 'nope.csv') } })).rejects.toThrow(WorkbenchError)
    await expect(handlers['tags.csvPreview']({ source: { kind: 'path', path: join(dataDir, 'nope.csv') } })).rejects.toThrow(/no such file — check the path/)

    await handlers['tags.csvImport']({ source, mapping: preview.mapping, connectionId: plc.id, skipErrors: true })
    const exported = handlers['tags.csvExport']()
    expect(exported.count).toBe(3)
    const lines = exported.csv.trim().split('\n')
    expect(lines[0]).toBe(
      'id,name,path,connectionId,address,dataType,byteOrder,engineeringUnit,rangeLow,rangeHigh,rawLow,rawHigh,engLow,engHigh,deadband,access,scanRateMs,stringLength,description',
    )
    expect(lines[1]).toBe(
      'filler-plc:Filler.Speed,Filler.Speed,Filler PLC/Filler,filler-plc,hr:99,uint16,ABCD,bpm,,,0,27648,0,600,,read-write,100,,Filler speed',
    )
    expect(lines[3]).toContain(',string,ABCD,,,,,,,,,read-write,1000,10,Recipe name')
    await manager.close()
  })
})

describe('Modbus diagnostics across tag edits', () => {
  it('keeps the counters and the traffic log when tags are added (the running driver takes the new tags)', async () => {
    const { startPymodbusServer } = await import('../connectors/modbus/fixtures/pymodbus-server')
    const py = await startPymodbusServer()
    const { manager } = await setup()
    try {
      const plc = await manager.add(
        { protocol: 'modbus-tcp', name: 'Py', host: '127.0.0.1', port: py.tcpPort, framing: 'tcp', unitId: 1, timeoutMs: 500, scanRateMs: 100, tags: [] },
        true,
      )
      await manager.addTags(plc.id, [{ name: 'A', address: 'hr:0', dataType: 'int16', byteOrder: 'ABCD', access: 'read' }])
      await new Promise((r) => setTimeout(r, 400))
      const before = trafficView(manager.diagnostics(plc.id), 2000)
      expect(requestsOf(before)).toBeGreaterThan(0)
      await manager.addTags(plc.id, [{ name: 'B', address: 'hr:16', dataType: 'uint16', byteOrder: 'ABCD', access: 'read' }])
      const after = trafficView(manager.diagnostics(plc.id), 2000)
      expect(requestsOf(after)).toBeGreaterThanOrEqual(requestsOf(before))
      expect(after.frames.length).toBeGreaterThanOrEqual(before.frames.length)
    } finally {
      await manager.close()
      await py.stop()
    }
  })
})
