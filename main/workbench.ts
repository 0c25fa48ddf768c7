import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ConnectionStatus, DemoPlantStatus, TagInfo } from '../preload/contract'
import { scalarTagValue, WorkbenchError } from '../preload/contract'
import type { Connector } from './connectors/connector'
import type { Handlers } from './ipc/handlers'
import { createRouter, type Router } from './ipc/router'
import { mqttExplorerHandlers } from './connectors/mqtt/mqtt-explorer'
import { LiveBus } from './live/live-bus'
import { NoticeCenter } from './notices'
import { noticeHandlers } from './notices-handlers'
import type { EmbeddedDemoPlant } from './demo-plant-connection'
import { historyHandlers } from './historian/thread/history-handlers'
import { connectionHandlers, KeyFileSecretBox, openConnectivity, type SecretBox } from './connections'
import { connectionToolHandlers } from './connections/connection-tool-handlers'
import { ThreadedHistorian } from './historian/thread/threaded-historian'
import { OeeService } from './oee/service/oee-service'
import { AlarmService } from './alarms/service/alarm-service'
import { alarmHandlers } from './alarms/service/alarm-handlers'
import { PlannedStopSuppression, plannedStopMachines } from './alarms/service/planned-stop-suppression'
import { oeeHandlers } from './oee/service/oee-handlers'
import { tenantHandlers } from './sync/tenant-handlers'
import { TenantService } from './sync/tenant-service'
import type { TenantTagMeta } from './sync/tenant-sync'
import { chromiumPdfRenderer } from './report/chromium-pdf'
import type { PdfRenderer } from './report/pdf-renderer'
import { reportHandlers } from './report/report-handlers'
import { ReportService } from './report/report-service'
import { importedSession } from './report/session-bundle'
import { NodeRedCheckLog } from './report/node-red-check-log'
import { DeviceInventory } from './connections/device-inventory'
import { readOnlyHandlers } from './read-only-session'
import { APP_NAME, APP_VERSION } from './version'
import { VisionService } from './vision/datasets/dataset-service'
import { visionHandlers } from './vision/datasets/dataset-handlers'
import { VisionModelsService } from './vision/models/vision-models-service'
import { visionModelsHandlers } from './vision/models/vision-models-handlers'
import { DeployService } from './deploy/service/deploy-service'
import { deployHandlers } from './deploy/service/deploy-handlers'
import { demoLineModbusConnection } from './deploy/demo-line'
import { osUser } from './os-user'

export interface WorkbenchOptions {
  dataDir: string
  host: 'desktop' | 'browser'
  /** The embedded demo plant: on by default; `ports: 'auto'` picks free ports (tests). */
  demoPlant?: false | { seed?: number; ports?: 'default' | 'auto' | { opcua: number; modbus: number; mqtt: number } }
  /** The project's historian file; every live value is recorded there (default `<dataDir>/historian/default.otwh`). */
  historianFile?: string
  /** Seals connection secrets; default AES-256-GCM under <dataDir>/secret.key (the Electron host may pass a safeStorage one). */
  secretBox?: SecretBox
  /** Who the write audit log names; default the OS user. */
  user?: string
  /** Prints reports to PDF: the desktop host passes webContents.printToPDF; default Chromium headless (/usr/bin/chromium). */
  renderPdf?: PdfRenderer
}

/** The application core without Electron: both hosts and the CLI wrap it. */
export interface Workbench {
  readonly router: Router
  readonly handlers: Handlers
  readonly live: LiveBus
  readonly notices: NoticeCenter
  readonly historian: ThreadedHistorian
  readonly alarms: AlarmService
  start(): Promise<void>
  stop(): Promise<void>
  connections(): Connector[]
}

export function createWorkbench(options: WorkbenchOptions): Workbench {
  mkdirSync(options.dataDir, { recursive: true })
  const startedAt = Date.now()
  const live = new LiveBus()
  const notices = new NoticeCenter()
  const connectors = new Map<string, Connector>()
  const statusListeners = new Set<(all: ConnectionStatus[]) => void>()
  const detach: Array<() => void> = []
  let demo: EmbeddedDemoPlant | undefined
  // An imported session is evidence: analysed as it came, never connected, recorded into or edited.
  const imported = importedSession(options.dataDir)
  const historianFile = options.historianFile ?? join(options.dataDir, 'historian', 'default.otwh')
  mkdirSync(join(historianFile, '..'), { recursive: true })
  // Writes run on a worker thread so flushes never stall the live path; see main/historian/thread/threaded-historian.ts.
  const historian = new ThreadedHistorian({ file: historianFile, onNotice: (level, message, code) => notices.post(level, message, code) })
  if (!imported) detach.push(live.onRaw((values) => historian.record(values)).close)
  const alarms = new AlarmService({
    dataDir: options.dataDir,
    history: historian,
    user: options.user ?? osUser(),
    box: options.secretBox ?? KeyFileSecretBox.inDataDir(options.dataDir),
    onNotice: (level, message) => notices.post(level, message, 'ALARMS'),
  })
  const tenant = new TenantService({
    dataDir: options.dataDir,
    box: options.secretBox ?? KeyFileSecretBox.inDataDir(options.dataDir),
    historian,
    // The tenant's `tags` rows from the tag model: ISA-95 path (the tag's place in its connection's hierarchy), unit, range, type, protocol, address.
    tagMeta: (tagIds) => {
      const wanted = new Set(tagIds)
      const meta: Record<string, TenantTagMeta> = {}
      for (const t of allTags()) {
        if (!wanted.has(t.id)) continue
        meta[t.id] = {
          isa95Path: [...t.path, t.name].join('/'),
          unit: t.unit ?? null,
          rangeLow: t.range?.low ?? null,
          rangeHigh: t.range?.high ?? null,
          dataType: t.dataType,
          protocol: connectors.get(t.connectionId)?.protocol ?? null,
          address: t.address,
        }
      }
      return meta
    },
    onNotice: (level, message, code) => notices.post(level, message, code),
    withdrawNotices: (codes) => notices.withdraw(codes),
    // A forced deletion of samples the tenant has not got goes to the audit log (workbench.db, opened below).
    audit: () => connectivity.audit,
    user: options.user ?? osUser(),
  })
  const oee = new OeeService({ dataDir: options.dataDir, historian, knownTags: () => allTags().map((t) => t.id) })
  // A machine in a planned stop (its OEE state map says so) raises no alarm until it leaves it.
  const plannedStops = new PlannedStopSuppression(alarms, () => plannedStopMachines(oee.settings().lines.flatMap((l) => l.machines)))
  detach.push(
    live.onRaw((values) => {
      plannedStops.ingest(values)
      alarms.ingest(values)
    }).close,
  )
  const vision: VisionService = new VisionService({ dataDir: options.dataDir, contextSnapshot: (datasetId) => visionModels.contextSnapshot(datasetId) })
  const visionModels: VisionModelsService = new VisionModelsService({ dataDir: options.dataDir, datasets: vision, live })
  let demoStatus: DemoPlantStatus = { running: false, message: options.demoPlant === false ? 'Demo plant disabled' : 'Demo plant starting' }

  const allStatus = (): ConnectionStatus[] => [...connectors.values()].map((c) => c.status())
  const allTags = (): TagInfo[] => [...[...connectors.values()].flatMap((c) => c.tags()), ...visionModels.inspectionTags()]

  const identifying = new Set<string>()
  // What the devices say about themselves, asked once a connection is up and again every minute (Sparkplug nodes come and go).
  const identify = (connector: Connector): void => {
    if (imported || !connector.identify || identifying.has(connector.id) || connector.state() !== 'connected') return
    identifying.add(connector.id)
    connector
      .identify()
      .then((devices) => {
        if (connectors.get(connector.id) === connector) deviceStore.inventory?.record(connector.id, devices, Date.now())
      })
      // A device that does not answer keeps what it said before; the next round asks again.
      .catch(() => undefined)
      .finally(() => identifying.delete(connector.id))
  }
  const inventoryTimers = imported
    ? []
    : [
        setInterval(() => deviceStore.inventory?.flush(), 10_000),
        setInterval(() => {
          for (const c of connectors.values()) identify(c)
        }, 60_000),
      ]
  for (const timer of inventoryTimers) timer.unref()
  // Opened with workbench.db below; connectors registered while it opens find it set by the time they deliver.
  const deviceStore: { inventory?: DeviceInventory } = {}

  const addConnector = (connector: Connector): void => {
    connectors.set(connector.id, connector)
    detach.push(
      connector.onValues((values) => {
        deviceStore.inventory?.markSeen(connector.id, Date.now())
        live.publish(values)
      }),
    )
    let wasConnected = false
    detach.push(
      connector.onStatus((status) => {
        // Asked soon after connecting, and again a few seconds on: Sparkplug nodes are known only after their births.
        if (status.state === 'connected' && !wasConnected) for (const ms of [500, 5_000]) setTimeout(() => identify(connector), ms).unref()
        wasConnected = status.state === 'connected'
        if (!imported && wasConnected) deviceStore.inventory?.markSeen(connector.id, Date.now())
        if (status.state === 'reconnecting' || status.state === 'disconnected') {
          live.markStale(
            connector.tags().map((t) => t.id),
            `${status.name}: ${status.state}`,
          )
        }
        const all = allStatus()
        for (const listener of statusListeners) listener(all)
      }),
    )
  }

  const connectivity = openConnectivity({
    ...options,
    onNotice: (level, message) => notices.post(level, message, 'SECRETS_UNREADABLE'),
    register: addConnector,
    unregister: (id) => {
      // A removed connection records nothing more: its tags get a "no data" mark instead of their last value held.
      const removed = connectors.get(id)
      if (removed)
        historian.endRecording(
          removed.tags().map((t) => t.id),
          `connection ${removed.status().name} removed`,
        )
      connectors.delete(id)
    },
    connector: (id) => connectors.get(id),
  })
  deviceStore.inventory = new DeviceInventory(connectivity.db)

  const deploy = new DeployService({
    db: connectivity.db,
    audit: connectivity.audit,
    box: options.secretBox ?? KeyFileSecretBox.inDataDir(options.dataDir),
    user: options.user ?? osUser(),
    connection: (id) => (connectivity.manager.ids().includes(id) ? { id, config: connectivity.manager.config(id) } : undefined),
    isConnected: (id) => connectors.get(id)?.state() === 'connected',
    // The data check compares the gateway with the workbench's own reads of the device, as they arrive.
    direct: {
      watch: (tagIds, onSample) => {
        const wanted = new Set(tagIds)
        return live.onRaw((values) => {
          for (const v of values) if (wanted.has(v.tagId)) onSample({ tagId: v.tagId, value: scalarTagValue(v.value), time: v.sourceTime })
        }).close
      },
      last: (tagIds) => live.lastValues(tagIds).map((v) => ({ tagId: v.tagId, value: scalarTagValue(v.value), time: v.sourceTime })),
    },
  })

  const handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      host: options.host,
      dataDir: options.dataDir,
      platform: process.platform,
      startedAt,
      ...(imported ? { readOnly: imported } : {}),
    }),
    'plant.status': () => demoStatus,
    'connections.list': () => allStatus(),
    'tags.list': (input) => {
      const search = input?.search?.toLowerCase()
      let tags = allTags()
      if (input?.connectionId) tags = tags.filter((t) => t.connectionId === input.connectionId)
      if (search) {
        tags = tags.filter(
          (t) => t.id.toLowerCase().includes(search) || t.name.toLowerCase().includes(search) || (t.description ?? '').toLowerCase().includes(search),
        )
      }
      return tags.slice(0, input?.limit ?? 100_000)
    },
    'tags.read': (input) => {
      const known = new Set(allTags().map((t) => t.id))
      const unknown = input.tagIds.filter((id) => !known.has(id))
      if (unknown.length > 0) {
        throw new WorkbenchError(
          'NOT_FOUND',
          `Unknown tag ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} — check the tag list`,
          { unknown },
        )
      }
      return live.lastValues(input.tagIds)
    },
    'live.values': (input, sink) => {
      const subscription = live.subscribe({
        tagIds: input.tagIds,
        intervalMs: input.intervalMs ?? 100,
        listener: (batch) => sink.emit(batch),
        congested: () => sink.congested(),
      })
      return () => subscription.close()
    },
    'connections.status': (_input, sink) => {
      const listener = (all: ConnectionStatus[]): void => sink.emit(all)
      statusListeners.add(listener)
      sink.emit(allStatus())
      return () => statusListeners.delete(listener)
    },
    ...noticeHandlers(notices),
    ...mqttExplorerHandlers(
      (id) => connectivity.manager.config(id),
      (id) => connectors.get(id),
    ),
    ...historyHandlers(historian, join(options.dataDir, 'exports')),
    ...oeeHandlers(oee),
    ...alarmHandlers(alarms),
    ...tenantHandlers(tenant),
    ...reportHandlers(
      new ReportService({
        dataDir: options.dataDir,
        oee,
        connections: connectivity.manager,
        audit: connectivity.audit,
        devices: () => deviceStore.inventory?.list() ?? [],
        // An imported session asks no gateway: today's answer is not what was recorded.
        gateways: imported ? undefined : () => deploy.targets().map((t) => ({ name: t.name, url: t.url })),
        nodeRedLog: new NodeRedCheckLog(options.dataDir, imported !== undefined),
      }),
      options.renderPdf ?? chromiumPdfRenderer(),
      join(options.dataDir, 'exports'),
    ),
    ...connectionHandlers(connectivity.manager, connectivity.guard, connectivity.audit),
    ...connectionToolHandlers(connectivity.manager, allTags),
    ...visionHandlers(vision),
    ...visionModelsHandlers(visionModels),
    ...deployHandlers(deploy),
    'deploy.addDemoLine': async () => {
      const endpoint = demo?.plant.endpoints.modbus
      if (!endpoint)
        throw new WorkbenchError('UNAVAILABLE', 'The demo plant is not running, so it has no line to add — start the workstation without --no-demo')
      const existing = connectivity.manager.list().find((c) => c.kind === 'modbus-tcp' && c.config.name === 'Line1' && c.config.port === endpoint.port)
      if (existing) return { connectionId: existing.id, tagCount: existing.tags.length }
      const added = await connectivity.manager.add(demoLineModbusConnection(endpoint), true)
      return { connectionId: added.id, tagCount: added.tags.length }
    },
  }

  const exposed = imported ? readOnlyHandlers(handlers, imported.importedFrom) : handlers

  const startDemo = async (demoOptions: Exclude<WorkbenchOptions['demoPlant'], false>): Promise<void> => {
    try {
      // Loaded on demand: the OPC UA, Modbus and MQTT servers stay out of a workbench that does not run them.
      const { startEmbeddedDemoPlant } = await import('./demo-plant-connection')
      demo = await startEmbeddedDemoPlant({
        dataDir: options.dataDir,
        seed: demoOptions?.seed,
        ports: demoOptions?.ports ?? 'default',
        notices,
      })
      demoStatus = demo.status
      addConnector(demo.connector)
      await demo.connector.connect()
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      demoStatus = { running: false, message: `Demo plant did not start: ${message}` }
      notices.post('error', demoStatus.message ?? message, 'DEMO_PLANT')
    }
  }

  return {
    router: createRouter(exposed),
    handlers: exposed,
    live,
    notices,
    historian,
    alarms,
    connections: () => [...connectors.values()],
    async start() {
      // An imported session reaches no device: its connections are a record of what was there.
      if (imported) return
      if (options.demoPlant !== false) await startDemo(options.demoPlant)
      // Connections saved in earlier sessions come back and reconnect (with backoff while a device is away).
      connectivity.manager.connectAll()
    },
    async stop() {
      for (const off of detach.splice(0)) off()
      for (const timer of inventoryTimers) clearInterval(timer)
      // A peer that vanished can leave a driver's disconnect waiting forever; the historian must still get to write its last samples.
      await Promise.allSettled([...connectors.values()].map((c) => withinDeadline(c.disconnect(), `Disconnecting ${c.status().name}`)))
      if (!imported) deviceStore.inventory?.flush()
      await withinDeadline(connectivity.close(), 'Closing the connection store')
      connectors.clear()
      await withinDeadline(demo?.stop(), 'Stopping the demo plant')
      demo = undefined
      await tenant.close()
      await oee.close()
      await alarms.close()
      await visionModels.close()
      await vision.close()
      try {
        await historian.close()
      } catch (error) {
        notices.post(
          'error',
          `Historian ${historianFile} could not write its last samples on close: ${error instanceof Error ? error.message : String(error)}`,
          'HISTORIAN',
        )
      }
    },
  }
}

const STOP_STEP_TIMEOUT_MS = 3_000

/** Waits for one shutdown step at most a few seconds; a step that overruns is reported on stderr and left behind. */
async function withinDeadline(step: Promise<unknown> | undefined, what: string): Promise<void> {
  if (!step) return
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_STEP_TIMEOUT_MS)))
  const outcome = await Promise.race([
    step.then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    late,
  ])
  clearTimeout(timer)
  if (outcome === 'late') process.stderr.write(`${what} did not finish within ${STOP_STEP_TIMEOUT_MS / 1000} s; stopping without waiting for it.\n`)
}
