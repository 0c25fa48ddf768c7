import { describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionKind } from '../../preload/contract'
import { modbus } from './modbus'
import { mqtt } from './mqtt'
import { opcua } from './opcua'
import type { ServesKind } from './protocol-module'
import { PROTOCOLS, buildConnector, secretFields } from './registry'

type Registry = { [K in ConnectionKind]: ServesKind<K> }

// The compiler, not memory, asks for each protocol: these lines stop compiling (unused @ts-expect-error) if the rule is loosened.
// @ts-expect-error a connection kind of the contract without a module
export const missingKind = { 'modbus-tcp': modbus, 'modbus-rtu': modbus, opcua } satisfies Registry
// @ts-expect-error a module without its secret fields
export const missingSecrets = { ...PROTOCOLS, mqtt: { build: mqtt.build } } satisfies Registry

describe('protocol registry', () => {
  it('has a module for every connection kind the contract accepts', () => {
    const kinds = connectionConfigSchema.options.map((o) => o.shape.protocol.value)
    expect(Object.keys(PROTOCOLS).sort()).toEqual([...kinds].sort())
  })

  it('seals what each protocol declares secret and puts it back', () => {
    const mqttConfig = connectionConfigSchema.parse({ protocol: 'mqtt', name: 'b', url: 'mqtt://127.0.0.1:1883', username: 'u', password: 'p', tags: [] })
    const split = secretFields(mqttConfig).split(mqttConfig)
    expect(JSON.stringify(split.config)).not.toContain('"p"')
    expect(split.secrets).toEqual({ password: 'p' })
    expect(secretFields(mqttConfig).join(split.config, split.secrets)).toEqual(mqttConfig)
    const ua = connectionConfigSchema.parse({
      protocol: 'opcua',
      name: 'u',
      endpointUrl: 'opc.tcp://127.0.0.1:4840',
      identity: { kind: 'username', username: 'op', password: 'pw' },
      tags: [],
    })
    expect(secretFields(ua).split(ua).secrets).toEqual({ password: 'pw' })
  })

  it('names the connection when its configuration cannot make a driver', () => {
    const bad = connectionConfigSchema.parse({
      protocol: 'modbus-tcp',
      name: 'Press 4',
      host: '127.0.0.1',
      port: 502,
      tags: [{ name: 't', address: 'not-an-address', dataType: 'uint16' }],
    })
    expect(() => buildConnector('press-4', bad, { dataDir: '/tmp' })).toThrow(/Connection "Press 4"/)
  })
})
