import { describe, it, expect } from 'vitest'
import { OTW_MAPPING, detectFormat, exportTags, importTags, suggestMapping } from './tag-csv'
import { parseIgnitionAddress, parseKepwareAddress } from './tag-csv-dialects'
import { Tag, type TagInput } from './tag'

const tags: Tag[] = (
  [
    {
      id: 'plc1/Acme/Leeds/Filling/Line1/FillerSpeed',
      name: 'FillerSpeed',
      path: ['Acme', 'Leeds', 'Filling', 'Line1'],
      connectionId: 'plc1',
      address: 'hr:99',
      dataType: 'uint16',
      engineeringUnit: 'bottles/min',
      range: { low: 0, high: 600 },
      scaling: { rawLow: 0, rawHigh: 27648, engLow: 0, engHigh: 600 },
      deadband: { mode: 'percent', value: 0.5 },
      access: 'read-write',
      scanRateMs: 250,
      description: 'Speed, "set" by HMI, in bottles/min\nsecond line',
    },
    {
      id: 'plc1/Temp',
      name: 'Temp',
      connectionId: 'plc1',
      address: 'ir:0',
      dataType: 'float32',
      byteOrder: 'CDAB',
      engineeringUnit: '°C',
      deadband: { mode: 'absolute', value: 0.1 },
      description: '  leading spaces kept',
    },
    { id: 'plc1/Batch', name: 'Batch', connectionId: 'plc1', address: 'hr:200', dataType: 'string', byteOrder: 'BADC', stringLength: 10 },
    { id: 'plc1/Count', name: 'Count', connectionId: 'plc1', address: 'hr:300', dataType: 'uint64', byteOrder: 'HGFEDCBA' },
    { id: 'opc/Valve', name: 'Valve', connectionId: 'opc', address: 'ns=2;s=Line1.Valve,Open', dataType: 'bool' },
  ] satisfies TagInput[]
).map((t) => Tag.parse(t))

describe('tag CSV: our own format', () => {
  it('round-trips export → import → export to identical text, and the same tags', () => {
    const text = exportTags(tags)
    const imported = importTags(text, suggestMapping(text.split('\n')[0]!.split(',')))
    expect(imported.errors).toEqual([])
    expect(imported.tags).toEqual(tags)
    expect(exportTags(imported.tags)).toBe(text)
  })

  it('is detected and mapped from its own header', () => {
    const headers = exportTags([]).trim().split(',')
    expect(detectFormat(headers)).toBe('otw')
    expect(suggestMapping(headers)).toEqual({ format: 'otw', columns: OTW_MAPPING.columns })
  })

  it('keeps good rows and reports bad ones with line numbers', () => {
    const csv = [
      exportTags([]).trim(),
      'a,Good,,plc1,hr:1,int16,ABCD,,,,,,,,,read,,,',
      'b,BadType,,plc1,hr:2,int12,ABCD,,,,,,,,,read,,,',
      'c,BadRange,,plc1,hr:3,int16,ABCD,,10,5,,,,,,read,,,',
      'd,Short,plc1,hr:4',
      'e,NoLen,,plc1,hr:5,string,ABCD,,,,,,,,,read,,,',
      'f,BadNum,,plc1,hr:6,int16,ABCD,,x,5,,,,,,read,,,',
      'a,Duplicate,,plc1,hr:7,int16,ABCD,,,,,,,,,read,,,',
      'g,BadAccess,,plc1,hr:8,int16,ABCD,,,,,,,,,write-only,,,',
      'h,HalfScaling,,plc1,hr:9,int16,ABCD,,,,0,100,,,,read,,,',
      'i,BadDeadband,,plc1,hr:10,int16,ABCD,,,,,,,,-3%,read,,,',
      '',
      'j,"Quoted, name",,plc1,hr:11,int16,ABCD,,,,,,,,,read,,,"multi',
      'line"',
      'k,Broken,,plc1,hr:12,int16,ABCD,,,,,,,,,read,,,"unclosed',
    ].join('\n')
    const result = importTags(csv, OTW_MAPPING)
    expect(result.tags.map((t) => t.name)).toEqual(['Good', 'Quoted, name'])
    expect(result.tags[1]!.description).toBe('multi\nline')
    const byLine = Object.fromEntries(result.errors.map((e) => [e.line, e.message]))
    expect(byLine[3]).toContain('data type "int12" is not supported')
    expect(byLine[4]).toContain('range low must be below range high')
    expect(byLine[5]).toContain('4 columns but the header has 19')
    expect(byLine[6]).toContain('string tags need stringLength')
    expect(byLine[7]).toContain('rangeLow "x" is not a number')
    expect(byLine[8]).toContain('tag id "a" is already used on line 2')
    expect(byLine[9]).toContain('access "write-only" is not known')
    expect(byLine[10]).toContain('scaling needs all four')
    expect(byLine[11]).toContain('deadband "-3%" is not valid')
    expect(result.errors.some((e) => e.line === 15 && e.message.includes('malformed CSV'))).toBe(true)
  })

  it('refuses mappings that miss required columns or name absent headers', () => {
    const text = exportTags(tags)
    expect(importTags(text, { format: 'otw', columns: { name: 'name' } }).errors).toEqual([
      { line: 1, message: 'no column is mapped to address, dataType; map them before importing' },
    ])
    expect(importTags(text, { ...OTW_MAPPING, columns: { ...OTW_MAPPING.columns, name: 'Tag Name' } }).errors[0]!.message).toContain(
      'column "Tag Name" mapped to name is not in the header',
    )
    expect(importTags('', OTW_MAPPING).errors[0]!.message).toContain('no header row')
  })
})

const KEPWARE_CSV = `Tag Name,Address,Data Type,Respect Data Type,Client Access,Scan Rate,Scaling,Raw Low,Raw High,Scaled Low,Scaled High,Scaled Data Type,Clamp Low,Clamp High,Eng Units,Description,Negate Value
"Filler.Speed","400100","Word",1,"R/W",100,"Linear",0,27648,0,600,"Float",0,0,"bpm","Filler speed",0
"Filler.Running","000001","Boolean",1,"RO",100,"None",0,1000,0,1000,"Double",0,0,"","Motor running",0
"Alarm.Word","400200.3","Boolean",1,"RO",100,"",,,,,,,,"","Bit 3 of alarm word",0
"Recipe","400300.20H","String",1,"R/W",1000,"",,,,,,,,"","Recipe name",0
"Energy","300010","Double",1,"RO",1000,"",,,,,,,,"kWh","",0
"Bad.Address","470000","Word",1,"RO",100,"",,,,,,,,"","",0
"Bad.Scaling","400001","Word",1,"RO",100,"Square Root",0,100,0,10,"Float",0,0,"","",0
"Bad.Type","400002","BCD",1,"RO",100,"",,,,,,,,"","",0
`

describe('tag CSV: Kepware export', () => {
  const headers = KEPWARE_CSV.split('\n')[0]!.split(',')

  it('is detected and mapped', () => {
    expect(detectFormat(headers)).toBe('kepware')
    expect(suggestMapping(headers)).toEqual({
      format: 'kepware',
      columns: {
        name: 'Tag Name',
        address: 'Address',
        dataType: 'Data Type',
        engineeringUnit: 'Eng Units',
        rawLow: 'Raw Low',
        rawHigh: 'Raw High',
        engLow: 'Scaled Low',
        engHigh: 'Scaled High',
        access: 'Client Access',
        scanRateMs: 'Scan Rate',
        description: 'Description',
        scalingType: 'Scaling',
      },
    })
  })

  it('imports through the mapping with a chosen connection, converting addresses to 0-based', () => {
    const mapping = { ...suggestMapping(headers), defaults: { connectionId: 'filler-plc', byteOrder: 'CDAB' as const, path: ['Acme', 'Leeds'] } }
    const { tags, errors } = importTags(KEPWARE_CSV, mapping)
    const byName = Object.fromEntries(tags.map((t) => [t.name, t]))
    expect(byName.Speed).toMatchObject({
      id: 'filler-plc/Acme/Leeds/Filler/Speed',
      path: ['Acme', 'Leeds', 'Filler'],
      address: 'hr:99',
      dataType: 'uint16',
      access: 'read-write',
      scanRateMs: 100,
      scaling: { rawLow: 0, rawHigh: 27648, engLow: 0, engHigh: 600 },
      engineeringUnit: 'bpm',
      byteOrder: 'CDAB',
    })
    expect(byName.Running).toMatchObject({ address: 'co:0', dataType: 'bool', access: 'read', scaling: undefined })
    expect(byName.Word).toMatchObject({ address: 'hr:199.3', dataType: 'bool' })
    expect(byName.Recipe).toMatchObject({ address: 'hr:299', dataType: 'string', stringLength: 10, byteOrder: 'ABCD' })
    expect(byName.Energy).toMatchObject({ address: 'ir:9', dataType: 'float64', engineeringUnit: 'kWh' })
    expect(errors.map((e) => e.line)).toEqual([7, 8, 9])
    expect(errors[0]!.message).toContain('Modbus address "470000"')
    expect(errors[1]!.message).toContain('scaling "Square Root" is not supported')
    expect(errors[2]!.message).toContain('data type "BCD" is not supported for kepware')
  })

  it('asks for a connection when the file has none', () => {
    const { tags, errors } = importTags(KEPWARE_CSV, suggestMapping(headers))
    expect(tags).toEqual([])
    expect(errors[0]!.message).toContain('choose a connection for the whole import')
  })
})

const IGNITION_CSV = `Name,Path,Data Type,OPC Server,OPC Item Path,Eng Unit,Eng Low,Eng High,Documentation
Speed,Acme/Leeds/Line1,Int4,Ignition OPC UA Server,ns=1;s=[PLC1]HR100,rpm,0,3000,Motor speed
Temp,Acme/Leeds/Line1,Float4,Ignition OPC UA Server,ns=1;s=[PLC1]IRF5,°C,-20,120,
Running,Acme/Leeds/Line1,Boolean,Ignition OPC UA Server,[PLC1]C1,,,,
Fault,Acme/Leeds/Line1,Boolean,Ignition OPC UA Server,[PLC1]HR10.15,,,,
Lot,Acme/Leeds/Line1,String,Ignition OPC UA Server,[PLC1]HRS20:15,,,,
Setpoint,Acme/Leeds/Line1,Float8,Ignition OPC UA Server,ns=2;s=Line1.Setpoint,,,,
Zero,Acme/Leeds/Line1,Int2,Ignition OPC UA Server,[PLC1]HR0,,,,
Inverted,Acme/Leeds/Line1,Int2,Ignition OPC UA Server,[PLC1]HR5,,100,0,
`

describe('tag CSV: Ignition export', () => {
  const headers = IGNITION_CSV.split('\n')[0]!.split(',')

  it('is detected and mapped, with Eng Low/High as the display range', () => {
    expect(detectFormat(headers)).toBe('ignition')
    expect(suggestMapping(headers)).toEqual({
      format: 'ignition',
      columns: {
        name: 'Name',
        path: 'Path',
        address: 'OPC Item Path',
        dataType: 'Data Type',
        engineeringUnit: 'Eng Unit',
        rangeLow: 'Eng Low',
        rangeHigh: 'Eng High',
        description: 'Documentation',
      },
    })
  })

  it('imports 1-based designators as 0-based offsets, device as connection', () => {
    const { tags, errors } = importTags(IGNITION_CSV, suggestMapping(headers))
    const byName = Object.fromEntries(tags.map((t) => [t.name, t]))
    expect(byName.Speed).toMatchObject({
      id: 'PLC1/Acme/Leeds/Line1/Speed',
      connectionId: 'PLC1',
      path: ['Acme', 'Leeds', 'Line1'],
      address: 'hr:99',
      dataType: 'int16',
      range: { low: 0, high: 3000 },
      description: 'Motor speed',
    })
    expect(byName.Temp).toMatchObject({ address: 'ir:4', dataType: 'float32', range: { low: -20, high: 120 } })
    expect(byName.Running).toMatchObject({ address: 'co:0', dataType: 'bool' })
    expect(byName.Fault).toMatchObject({ address: 'hr:9.15', dataType: 'bool' })
    expect(byName.Lot).toMatchObject({ address: 'hr:19', dataType: 'string', stringLength: 8 })
    expect(errors.map((e) => e.line)).toEqual([7, 8, 9])
    expect(errors[0]!.message).toContain('connection is empty')
    expect(errors[1]!.message).toContain('0 is outside 1..65536 (one-based)')
    expect(errors[2]!.message).toContain('range low must be below range high')
  })

  it('keeps non-Modbus item paths when a connection is chosen, and honours zero-based devices', () => {
    const mapping = { ...suggestMapping(headers), defaults: { connectionId: 'ignition' }, ignitionZeroBased: true }
    const { tags } = importTags(IGNITION_CSV, mapping)
    const byName = Object.fromEntries(tags.map((t) => [t.name, t]))
    expect(byName.Setpoint).toMatchObject({ address: 'ns=2;s=Line1.Setpoint', dataType: 'float64', connectionId: 'ignition' })
    expect(byName.Zero).toMatchObject({ address: 'hr:0' })
    expect(byName.Speed).toMatchObject({ address: 'hr:100' })
  })
})

describe('tag CSV: dialect address parsers', () => {
  it('reads Kepware addresses', () => {
    expect(parseKepwareAddress('40001')).toEqual({ address: 'hr:0' })
    expect(parseKepwareAddress('465536')).toEqual({ address: 'hr:65535' })
    expect(parseKepwareAddress('400010.5L')).toEqual({ address: 'hr:9', dataType: 'string', stringLength: 3, byteOrder: 'BADC' })
    expect(parseKepwareAddress('DB1.DBW0')).toEqual({ address: 'DB1.DBW0' })
  })

  it('reads Ignition designators for every type', () => {
    expect(parseIgnitionAddress('[D]HRUS1').dataType).toBe('uint16')
    expect(parseIgnitionAddress('[D]HRUI1').dataType).toBe('uint32')
    expect(parseIgnitionAddress('[D]IRI_64 1'.replace(' ', '')).dataType).toBe('int64')
    expect(parseIgnitionAddress('[D]HRUI_641').dataType).toBe('uint64')
    expect(parseIgnitionAddress('[D]HRD1').dataType).toBe('float64')
    expect(parseIgnitionAddress('[D]DI65536')).toEqual({ address: 'di:65535', dataType: 'bool', device: 'D' })
    expect(() => parseIgnitionAddress('[D]HRS1')).toThrow('needs a length')
    expect(() => parseIgnitionAddress('[D]C1.2')).toThrow('single bit')
  })

  it('says when a data type name is ambiguous', () => {
    const csv = 'name,connection,address,type\nA,plc,hr:0,Long\n'
    const result = importTags(csv, suggestMapping(['name', 'connection', 'address', 'type']))
    expect(result.errors[0]!.message).toContain('"Long" is int32 in Kepware but int64 in Ignition')
  })
})

describe('tag CSV: random round trips', () => {
  function random(seed: number): () => number {
    let state = seed >>> 0
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0
      return state / 2 ** 32
    }
  }
  const next = random(99)
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  const maybe = <T>(value: T) => (next() < 0.5 ? value : undefined)
  const text = () => Array.from({ length: Math.floor(next() * 12) }, () => pick(['a', 'Z', ' ', ',', '"', '\n', 'é', '°', ';', '/', '%', '0'])).join('')

  it('export → import → export is identical for random tags', () => {
    for (let round = 0; round < 20; round++) {
      const randomTags = Array.from({ length: 15 }, (_, i) => {
        const dataType = pick(['bool', 'int16', 'uint32', 'int64', 'float32', 'float64', 'string'] as const)
        const low = Math.round(next() * 1000) / 10 - 50
        return Tag.parse({
          id: `t${round}-${i}`,
          name: `${text().replace(/[\n/]/g, '')}x`,
          path: Array.from({ length: Math.floor(next() * 4) }, () => `${text().replace(/\//g, '')}f`),
          connectionId: pick(['plc1', 'opc, main', 'mqtt "edge"']),
          address: pick(['hr:0', '40001.3', 'ns=2;s=A,B', 'devices/x/telemetry']),
          dataType,
          byteOrder: pick(['ABCD', 'BADC', 'CDAB', 'DCBA']),
          engineeringUnit: maybe(text()),
          range: maybe({ low, high: low + 0.1 + next() * 1e6 }),
          scaling: maybe({ rawLow: 0, rawHigh: 1 + Math.floor(next() * 65535), engLow: -next(), engHigh: next() * 1e-3 + 1 }),
          deadband: maybe({ mode: 'absolute' as const, value: next() }),
          access: pick(['read', 'read-write']),
          description: text(),
          stringLength: dataType === 'string' ? 1 + Math.floor(next() * 40) : undefined,
          scanRateMs: maybe(1 + Math.floor(next() * 10000)),
        })
      })
      const exported = exportTags(randomTags)
      const imported = importTags(exported, OTW_MAPPING)
      expect(imported.errors).toEqual([])
      expect(imported.tags).toEqual(randomTags.map((t) => ({ ...t, engineeringUnit: t.engineeringUnit || undefined })))
      expect(exportTags(imported.tags)).toBe(exported)
    }
  })
})
