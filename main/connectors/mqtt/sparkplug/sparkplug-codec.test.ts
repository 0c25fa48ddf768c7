import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { SPARKPLUG_B_DESCRIPTOR } from './sparkplug-b-schema'
import { decodeSparkplugPayload, describeSparkplugPayload, encodeSparkplugPayload, parseSparkplugTopic } from './sparkplug-codec'

describe('Sparkplug B codec', () => {
  it('loads the same schema as sparkplug_b.proto', () => {
    const fromProto = protobuf.loadSync(fileURLToPath(new URL('./sparkplug_b.proto', import.meta.url)))
    expect(JSON.parse(JSON.stringify(fromProto.toJSON()))).toEqual(SPARKPLUG_B_DESCRIPTOR)
  })

  it('round-trips every scalar type, signed integers in two’s complement, and the unit property', () => {
    const bytes = encodeSparkplugPayload({
      timestamp: 1_700_000_000_123,
      seq: 255,
      metrics: [
        { name: 'i8', alias: 1, datatype: 'Int8', value: -5 },
        { name: 'i16', alias: 2, datatype: 'Int16', value: -300 },
        { name: 'i32', alias: 3, datatype: 'Int32', value: -70_000 },
        { name: 'i64', alias: 4, datatype: 'Int64', value: -5_000_000_000 },
        { name: 'u64', alias: 5, datatype: 'UInt64', value: 9_000_000_000 },
        { name: 'speed', alias: 6, datatype: 'Float', value: 1.5, unit: 'bpm' },
        { name: 'temp', alias: 7, datatype: 'Double', value: 21.125 },
        { name: 'run', alias: 8, datatype: 'Boolean', value: true },
        { name: 'recipe', alias: 9, datatype: 'String', value: 'A-12' },
        { name: 'gone', alias: 10, datatype: 'Double', value: null },
      ],
    })
    const decoded = decodeSparkplugPayload(bytes)
    expect(decoded.timestamp).toBe(1_700_000_000_123)
    expect(decoded.seq).toBe(255)
    expect(decoded.metrics.map((m) => [m.name, m.alias, m.value])).toEqual([
      ['i8', 1, -5],
      ['i16', 2, -300],
      ['i32', 3, -70_000],
      ['i64', 4, -5_000_000_000],
      ['u64', 5, 9_000_000_000],
      ['speed', 6, 1.5],
      ['temp', 7, 21.125],
      ['run', 8, true],
      ['recipe', 9, 'A-12'],
      ['gone', 10, null],
    ])
    expect(decoded.metrics[5].unit).toBe('bpm')
    expect(JSON.parse(describeSparkplugPayload(bytes)).metrics[5]).toMatchObject({ name: 'speed', datatype: 'Float', value: 1.5, unit: 'bpm' })
  })

  it('reads topics and refuses what is not Sparkplug', () => {
    expect(parseSparkplugTopic('spBv1.0/plant/DDATA/edge1/filler')).toEqual({ groupId: 'plant', messageType: 'DDATA', edgeNodeId: 'edge1', deviceId: 'filler' })
    expect(parseSparkplugTopic('spBv1.0/plant/NBIRTH/edge1')).toMatchObject({ messageType: 'NBIRTH', deviceId: undefined })
    expect(parseSparkplugTopic('spBv1.0/STATE/host')).toBeUndefined()
    expect(parseSparkplugTopic('acme/plant1/x')).toBeUndefined()
    expect(() => decodeSparkplugPayload(Buffer.from('{"not":"protobuf"}'))).toThrow()
  })
})

describe('Sparkplug B codec: absent fields', () => {
  it('leaves alias, timestamps and seq undefined when they were not sent (not 0), and shows floats without noise', () => {
    const decoded = decodeSparkplugPayload(
      encodeSparkplugPayload({
        metrics: [
          { name: 'bdSeq', datatype: 'Int64', value: 0 },
          { name: 'f', datatype: 'Float', value: 340.41 },
        ],
      }),
    )
    expect(decoded.timestamp).toBeUndefined()
    expect(decoded.seq).toBeUndefined()
    expect(decoded.metrics[0]).toMatchObject({ name: 'bdSeq', alias: undefined, timestamp: undefined, value: 0 })
    expect(decoded.metrics[1].value).toBe(340.41)
  })
})
