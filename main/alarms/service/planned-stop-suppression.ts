// Suppresses a machine's alarm rules while its state tag says "planned stop" (the OEE line's state maps), and releases
// them when it says anything else.
import type { TagValue } from '../../../preload/contract'
import type { AlarmService } from './alarm-service'

/** A machine whose state tag can say "planned stop": the values (as text) that mean it, and the names rules use for it. */
export interface PlannedStopMachine {
  names: readonly string[]
  stateTag: string
  plannedValues: ReadonlySet<string>
}

const REFRESH_MS = 5_000

export class PlannedStopSuppression {
  private byTag = new Map<string, PlannedStopMachine>()
  private readonly planned = new Map<string, boolean>()
  private refreshedAt = -Infinity

  constructor(
    private readonly alarms: Pick<AlarmService, 'suppress'>,
    private readonly machines: () => readonly PlannedStopMachine[],
    private readonly now: () => number = Date.now,
  ) {}

  ingest(values: readonly TagValue[]): void {
    // The line's configuration can change in the OEE settings; it is read again every few seconds.
    if (this.now() - this.refreshedAt > REFRESH_MS) {
      this.byTag = new Map(this.machines().map((m) => [m.stateTag, m]))
      this.refreshedAt = this.now()
    }
    if (this.byTag.size === 0) return
    for (const value of values) {
      const machine = this.byTag.get(value.tagId)
      if (!machine || value.stale || value.quality.status === 'bad' || value.value === null) continue
      const planned = machine.plannedValues.has(String(value.value))
      if (this.planned.get(value.tagId) === planned) continue
      this.planned.set(value.tagId, planned)
      for (const name of machine.names) this.alarms.suppress(name, planned, 'planned stop')
    }
  }
}

/** The machines of an OEE line whose enum state map has a planned-stop value; rules may name a machine by id or name. */
export function plannedStopMachines(
  machines: ReadonlyArray<{ id: string; name?: string; state: { kind: string; tag?: string; map?: Record<string, string> } }>,
): PlannedStopMachine[] {
  return machines.flatMap((m) => {
    if (m.state.kind !== 'enum' || !m.state.tag || !m.state.map) return []
    const plannedValues = new Set(Object.entries(m.state.map).flatMap(([value, state]) => (state === 'planned-stop' ? [value] : [])))
    if (plannedValues.size === 0) return []
    return [{ names: [...new Set([m.id, m.name ?? m.id])], stateTag: m.state.tag, plannedValues }]
  })
}
