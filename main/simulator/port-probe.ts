// Finds out before a server starts whether its port is free, because not every library reports it cleanly.
import { createServer } from 'node:net'
import { isAddressInUse, PortInUseError, type DemoPlantProtocol } from './port-in-use-error'

/**
 * Resolves to a port that was free a moment ago: the given one, or an OS-chosen one for port 0.
 * Rejects with PortInUseError when the given port is taken.
 */
export function probePort(protocol: DemoPlantProtocol, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', (error) => {
      probe.close(() => reject(isAddressInUse(error) ? new PortInUseError(protocol, host, port) : error))
    })
    probe.listen({ host, port, exclusive: true }, () => {
      const address = probe.address()
      const chosen = typeof address === 'object' && address ? address.port : port
      probe.close(() => resolve(chosen))
    })
  })
}
