// Modbus TCP face of the demo plant: serves the register image, accepts speed-setpoint writes.
import { ServerTCP, type IServiceVector } from 'modbus-serial'
import type { MachineId, PlantModel, PlantSnapshot } from './plant-model'
import { createRegisterImage, ModbusIllegalAddressError } from './modbus-register-image'
import { isAddressInUse, PortInUseError } from './port-in-use-error'
import { probePort } from './port-probe'
import { MODBUS_UNIT_ID } from './signals'

export interface DemoModbusServerOptions {
  model: PlantModel
  host: string
  /** 0 picks a free port. */
  port: number
}

export interface DemoModbusServer {
  host: string
  port: number
  unitId: number
  update(snapshot: PlantSnapshot): void
  close(): Promise<void>
}

export async function startModbusServer(options: DemoModbusServerOptions): Promise<DemoModbusServer> {
  const { model, host } = options
  const image = createRegisterImage(({ signal, engineeringValue }) => {
    model.setSpeedSetpoint(signal.machine as MachineId, engineeringValue)
    image.update(model.snapshot())
  })
  image.update(model.snapshot())

  const vector: IServiceVector = {
    getCoil: (address: number) => image.readBit('co', address),
    getDiscreteInput: (address: number) => image.readBit('di', address),
    getInputRegister: (address: number) => image.readRegister('ir', address),
    getHoldingRegister: (address: number) => image.readRegister('hr', address),
    setRegister: (address: number, value: number) => image.writeRegister(address, value),
    setCoil: (address: number) => {
      throw new ModbusIllegalAddressError(
        `Demo plant Modbus: co:${address} is read-only (running bits follow the machine state) — write the speed setpoint holding registers instead`,
      )
    },
  }

  // modbus-serial treats port 0 as "use 502", so a free port is chosen here; retry if another process grabs it first.
  const attempts = options.port === 0 ? 3 : 1
  for (let attempt = 1; ; attempt++) {
    const port = await probePort('Modbus TCP', host, options.port)
    try {
      const server = await listen(vector, host, port)
      return {
        host,
        port,
        unitId: MODBUS_UNIT_ID,
        update: (snapshot) => image.update(snapshot),
        close: () => closeServer(server),
      }
    } catch (error) {
      if (!isAddressInUse(error) || attempt >= attempts) {
        throw isAddressInUse(error) ? new PortInUseError('Modbus TCP', host, port) : error
      }
    }
  }
}

function listen(vector: IServiceVector, host: string, port: number): Promise<ServerTCP> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector, { host, port, unitID: MODBUS_UNIT_ID })
    const onError = (error: Error | null) => {
      server.removeListener('initialized', onReady)
      reject(error ?? new Error(`Demo plant: Modbus TCP server could not listen on ${host}:${port}`))
    }
    const onReady = () => {
      server.removeListener('serverError', onError)
      // A client that drops its socket must not crash the plant.
      server.on('socketError', () => undefined)
      server.on('error', () => undefined)
      resolve(server)
    }
    server.once('serverError', onError)
    server.once('initialized', onReady)
  })
}

function closeServer(server: ServerTCP): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
