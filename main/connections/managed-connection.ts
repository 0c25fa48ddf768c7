import type { ConnectionStatus, TagInfo, TagValue } from '../../preload/contract'
import type { Connector, DeviceIdentity, WriteValue } from '../connectors/connector'

/**
 * A stable Connector in front of the driver of one stored connection: the workbench registers it once, and editing the
 * configuration (tags added, endpoint changed) swaps the driver behind it without re-registering listeners.
 */
export class ManagedConnection implements Connector {
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>()
  private unhook: Array<() => void> = []

  constructor(private driver: Connector) {
    this.hook()
  }

  get id(): string {
    return this.driver.id
  }
  get protocol() {
    return this.driver.protocol
  }
  get endpoint(): string {
    return this.driver.endpoint
  }
  get inner(): Connector {
    return this.driver
  }
  state() {
    return this.driver.state()
  }
  status(): ConnectionStatus {
    return this.driver.status()
  }
  tags(): TagInfo[] {
    return this.driver.tags()
  }
  connect(): Promise<void> {
    return this.driver.connect()
  }
  disconnect(): Promise<void> {
    return this.driver.disconnect()
  }
  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }
  read(tagIds: readonly string[]): Promise<TagValue[]> {
    if (!this.driver.read) throw new Error(`${this.driver.endpoint}: this protocol cannot read on demand`)
    return this.driver.read(tagIds)
  }
  write(tagId: string, value: WriteValue): Promise<void> {
    if (!this.driver.write) throw new Error(`${this.driver.endpoint}: this protocol cannot write`)
    return this.driver.write(tagId, value)
  }

  identify(): Promise<DeviceIdentity[]> {
    if (!this.driver.identify) return Promise.resolve([])
    return this.driver.identify()
  }

  /** Replaces the driver (already disconnected by the caller) and tells listeners about the new status. */
  swap(driver: Connector): void {
    for (const off of this.unhook.splice(0)) off()
    this.driver = driver
    this.hook()
    const status = driver.status()
    for (const listener of this.statusListeners) listener(status)
  }

  /** The driver took over a new tag list in place: listeners hear the (unchanged) status so tag lists are read again. */
  retagged(): void {
    const status = this.driver.status()
    for (const listener of this.statusListeners) listener(status)
  }

  private hook(): void {
    this.unhook.push(
      this.driver.onValues((values) => {
        for (const listener of this.valueListeners) listener(values)
      }),
      this.driver.onStatus((status) => {
        for (const listener of this.statusListeners) listener(status)
      }),
    )
  }
}
