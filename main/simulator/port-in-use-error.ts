// A clear, typed failure when one of the demo plant's ports is taken by another process.

export type DemoPlantProtocol = 'OPC UA' | 'Modbus TCP' | 'MQTT'

const CLI_FLAG: Record<DemoPlantProtocol, string> = {
  'OPC UA': '--opcua-port',
  'Modbus TCP': '--modbus-port',
  MQTT: '--mqtt-port',
}

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE'
  readonly details: { protocol: DemoPlantProtocol; port: number; host: string }

  constructor(protocol: DemoPlantProtocol, host: string, port: number) {
    super(`Demo plant: ${protocol} port ${port} on ${host} is already in use — stop the other server or pass ${CLI_FLAG[protocol]} <port>`)
    this.name = 'PortInUseError'
    this.details = { protocol, port, host }
  }
}

export function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE'
}
