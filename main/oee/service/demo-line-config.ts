import { OeeConfigSchema, type OeeConfig, type OeeConfigInput } from '..'
import { MACHINE_IDS, MACHINE_PROFILES, MachineState } from '../../simulator/plant-model'

/** The demo plant's state register codes → OEE engine states (REGISTER-MAP.md). */
export const DEMO_STATE_MAP = {
  [MachineState.Running]: 'running',
  [MachineState.Idle]: 'idle',
  [MachineState.Starved]: 'starved',
  [MachineState.Blocked]: 'blocked',
  [MachineState.Faulted]: 'faulted',
  [MachineState.PlannedStop]: 'planned-stop',
  [MachineState.Setup]: 'setup',
} as const

/** The machine's own time zone: shifts are wall-clock times where the plant is. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Line1 of the demo plant: three machines in flow order, enum states, 32-bit good/reject totalizers, ideal rate = nominal speed, 3×8 h shifts. */
export function demoLineConfig(timeZone = localTimeZone()): OeeConfig {
  const input: OeeConfigInput = {
    calendar: {
      timeZone,
      shifts: [
        { name: 'Early', start: '06:00', end: '14:00' },
        { name: 'Late', start: '14:00', end: '22:00' },
        { name: 'Night', start: '22:00', end: '06:00' },
      ],
      productionDayStart: '06:00',
    },
    lines: [
      {
        id: 'line1',
        name: 'Line1',
        machines: MACHINE_IDS.map((id) => ({
          id: `Line1.${id}`,
          name: id,
          state: { kind: 'enum' as const, tag: `Line1.${id}.State`, map: DEMO_STATE_MAP, faultCodeTag: `Line1.${id}.FaultCode` },
          counters: { goodTag: `Line1.${id}.GoodCount`, rejectTag: `Line1.${id}.RejectCount`, bitWidth: 32 as const },
          idealRatePerMin: MACHINE_PROFILES[id].nominalSpeedBpm,
          minorStopThresholdS: 120,
        })),
      },
    ],
  }
  return OeeConfigSchema.parse(input)
}

/** The config with only one of its lines (what one line's computation reads). */
export function lineOnly(config: OeeConfig, lineId: string): OeeConfig {
  return { ...config, lines: config.lines.filter((l) => l.id === lineId) }
}

/** Every machine of every line, in line order then material-flow order. */
export function allMachines(config: OeeConfig): OeeConfig['lines'][number]['machines'] {
  return config.lines.flatMap((l) => l.machines)
}

/** Every tag the config reads (all its lines). */
export function configTags(config: OeeConfig): string[] {
  const tags = new Set<string>()
  for (const m of allMachines(config)) {
    const s = m.state
    for (const t of s.kind === 'enum'
      ? [s.tag, s.faultCodeTag]
      : [s.runningTag, s.faultTag, s.faultCodeTag, s.speedTag, s.blockedTag, s.starvedTag, s.setupTag])
      if (t) tags.add(t)
    for (const t of [m.counters.totalTag, m.counters.goodTag, m.counters.rejectTag, m.productTag]) if (t) tags.add(t)
  }
  return [...tags]
}
