// The demo packaging line: Filler -> buffer -> Capper -> buffer -> Labeler, stepped deterministically.
import { createSeededRandom, type SeededRandom } from './seeded-random'

export const MACHINE_IDS = ['Filler', 'Capper', 'Labeler'] as const
export type MachineId = (typeof MACHINE_IDS)[number]

/**
 * Machine state codes (PackML-like, as PLCs usually expose them as an integer).
 * 0 is never used so that an uninitialised register is recognisable.
 */
export const MachineState = {
  Running: 1,
  Idle: 2,
  Starved: 3,
  Blocked: 4,
  Faulted: 5,
  PlannedStop: 6,
  Setup: 7,
} as const
export type MachineStateCode = (typeof MachineState)[keyof typeof MachineState]

export const MACHINE_STATE_NAMES: Readonly<Record<MachineStateCode, string>> = {
  1: 'Running',
  2: 'Idle',
  3: 'Starved',
  4: 'Blocked',
  5: 'Faulted',
  6: 'Planned stop',
  7: 'Setup',
}

export interface FaultDefinition {
  code: number
  text: string
  /** Relative frequency among this machine's faults. */
  weight: number
  minRepairMs: number
  maxRepairMs: number
}

/** Fault codes: 1xx Filler, 2xx Capper, 3xx Labeler; 0 means no fault. */
export const MACHINE_FAULTS: Readonly<Record<MachineId, readonly FaultDefinition[]>> = {
  Filler: [
    { code: 101, text: 'Bottle jam at infeed starwheel', weight: 5, minRepairMs: 30_000, maxRepairMs: 120_000 },
    { code: 102, text: 'Low product supply pressure', weight: 2, minRepairMs: 60_000, maxRepairMs: 240_000 },
    { code: 103, text: 'Fill valve timeout', weight: 1, minRepairMs: 45_000, maxRepairMs: 180_000 },
  ],
  Capper: [
    { code: 201, text: 'Cap feeder empty', weight: 4, minRepairMs: 20_000, maxRepairMs: 90_000 },
    { code: 202, text: 'Capping torque out of range', weight: 2, minRepairMs: 40_000, maxRepairMs: 150_000 },
    { code: 203, text: 'Cap chute jam', weight: 2, minRepairMs: 30_000, maxRepairMs: 120_000 },
  ],
  Labeler: [
    { code: 301, text: 'Label web break', weight: 3, minRepairMs: 60_000, maxRepairMs: 240_000 },
    { code: 302, text: 'Glue temperature low', weight: 1, minRepairMs: 90_000, maxRepairMs: 300_000 },
    { code: 303, text: 'Label sensor misread', weight: 4, minRepairMs: 15_000, maxRepairMs: 60_000 },
  ],
}

export const FAULT_TEXTS: Readonly<Record<number, string>> = Object.fromEntries([
  [0, 'No fault'],
  ...MACHINE_IDS.flatMap((id) => MACHINE_FAULTS[id].map((fault) => [fault.code, fault.text] as const)),
])

interface MachineProfile {
  nominalSpeedBpm: number
  minSetpointBpm: number
  maxSetpointBpm: number
  /** Mean running time between faults. */
  mtbfMs: number
  /** Mean running time between minor stops (operator interventions, shown as Idle). */
  minorStopMtbfMs: number
  rejectRate: number
  temperatureRunningC: number
  temperatureStoppedC: number
  temperatureNoiseC: number
  temperatureTimeConstantMs: number
  idleCurrentA: number
  fullLoadCurrentA: number
  baseVibrationMmS: number
}

/** Downstream machines are faster than the filler (the classic V-curve), so the filler is the bottleneck. */
export const MACHINE_PROFILES: Readonly<Record<MachineId, MachineProfile>> = {
  Filler: {
    nominalSpeedBpm: 300,
    minSetpointBpm: 60,
    maxSetpointBpm: 400,
    mtbfMs: 18 * 60_000,
    minorStopMtbfMs: 25 * 60_000,
    rejectRate: 0.004,
    temperatureRunningC: 19.5,
    temperatureStoppedC: 18.5,
    temperatureNoiseC: 0.05,
    temperatureTimeConstantMs: 600_000,
    idleCurrentA: 2.1,
    fullLoadCurrentA: 11.5,
    baseVibrationMmS: 1.4,
  },
  Capper: {
    nominalSpeedBpm: 320,
    minSetpointBpm: 60,
    maxSetpointBpm: 420,
    mtbfMs: 25 * 60_000,
    minorStopMtbfMs: 30 * 60_000,
    rejectRate: 0.003,
    temperatureRunningC: 38,
    temperatureStoppedC: 24,
    temperatureNoiseC: 0.1,
    temperatureTimeConstantMs: 900_000,
    idleCurrentA: 1.2,
    fullLoadCurrentA: 6.8,
    baseVibrationMmS: 1.6,
  },
  Labeler: {
    nominalSpeedBpm: 340,
    minSetpointBpm: 60,
    maxSetpointBpm: 450,
    mtbfMs: 14 * 60_000,
    minorStopMtbfMs: 20 * 60_000,
    rejectRate: 0.008,
    temperatureRunningC: 165,
    temperatureStoppedC: 150,
    temperatureNoiseC: 0.4,
    temperatureTimeConstantMs: 300_000,
    idleCurrentA: 0.9,
    fullLoadCurrentA: 4.2,
    baseVibrationMmS: 1.1,
  },
}

/** Line-wide planned stops: every cycle ends with a break, then a short setup before running again. */
export const PLANNED_STOP_SCHEDULE = {
  cycleMs: 2 * 3_600_000,
  plannedStopMs: 10 * 60_000,
  setupMs: 5 * 60_000,
} as const

export const BUFFER_CAPACITY_BOTTLES = 24
/** ISO 10816 class II zone C boundary: the Capper's growing bearing fault crosses it after a few running hours. */
export const VIBRATION_ALARM_MMS = 4.5

export interface MachineSnapshot {
  machine: MachineId
  state: MachineStateCode
  stateName: string
  faultCode: number
  goodCount: number
  rejectCount: number
  speedBpm: number
  speedSetpointBpm: number
  cycleTimeMs: number
  temperatureC: number
  motorCurrentA: number
  vibrationMmS: number
  running: boolean
  faulted: boolean
  vibrationAlarm: boolean
  /** Model time (epoch ms) when the current state began. */
  stateSinceMs: number
}

export interface PlantSnapshot {
  timeMs: number
  machines: Record<MachineId, MachineSnapshot>
  buffers: { fillerToCapper: number; capperToLabeler: number }
}

export interface PlantModelOptions {
  seed?: number
  /** Epoch ms of the first sample; the model clock advances only through step(). */
  startTimeMs?: number
}

export interface PlantModel {
  readonly seed: number
  /** Model time in epoch ms. */
  now(): number
  /** Advances the simulation by dtMs (split internally into short sub-steps). */
  step(dtMs: number): void
  snapshot(): PlantSnapshot
  machine(id: MachineId): MachineSnapshot
  /** Sets the speed setpoint, clamped to the machine's range; returns the value applied. */
  setSpeedSetpoint(id: MachineId, bpm: number): number
}

export const DEFAULT_SEED = 20240611
const MAX_SUB_STEP_MS = 250
const SPEED_RAMP_TIME_CONSTANT_MS = 1500
const STARTUP_REJECT_WINDOW_MS = 3 * 60_000
const STARTUP_REJECT_FACTOR = 5

type OwnState =
  typeof MachineState.Running | typeof MachineState.Idle | typeof MachineState.Faulted | typeof MachineState.PlannedStop | typeof MachineState.Setup

interface MachineRuntime {
  id: MachineId
  profile: MachineProfile
  ownState: OwnState
  dwellRemainingMs: number
  faultCode: number
  state: MachineStateCode
  stateSinceMs: number
  goodCount: number
  rejectCount: number
  speedBpm: number
  speedSetpointBpm: number
  unitProgress: number
  temperatureC: number
  measuredTemperatureC: number
  motorCurrentA: number
  vibrationMmS: number
  runningMs: number
  startupRejectRemainingMs: number
}

type SchedulePhase = 'production' | 'plannedStop' | 'setup'

export function createPlantModel(options: PlantModelOptions = {}): PlantModel {
  const seed = options.seed ?? DEFAULT_SEED
  const random = createSeededRandom(seed)
  const startTimeMs = options.startTimeMs ?? 0
  let elapsedMs = 0
  let phase: SchedulePhase = 'production'
  const buffers = { fillerToCapper: BUFFER_CAPACITY_BOTTLES / 2, capperToLabeler: BUFFER_CAPACITY_BOTTLES / 2 }

  const machines: Record<MachineId, MachineRuntime> = {
    Filler: newMachine('Filler', startTimeMs),
    Capper: newMachine('Capper', startTimeMs),
    Labeler: newMachine('Labeler', startTimeMs),
  }

  function subStep(dtMs: number): void {
    elapsedMs += dtMs
    const nowMs = startTimeMs + elapsedMs
    applySchedule()
    for (const id of MACHINE_IDS) advanceOwnState(machines[id], dtMs, random)
    // Downstream first, so a bottle moves at most one machine per sub-step.
    produce(machines.Labeler, dtMs, 'capperToLabeler', null)
    produce(machines.Capper, dtMs, 'fillerToCapper', 'capperToLabeler')
    produce(machines.Filler, dtMs, null, 'fillerToCapper')
    for (const id of MACHINE_IDS) updateAnalogs(machines[id], dtMs, random)
    for (const id of MACHINE_IDS) {
      const machine = machines[id]
      const state = effectiveState(machine)
      if (state !== machine.state) {
        machine.state = state
        machine.stateSinceMs = nowMs
      }
    }
  }

  function applySchedule(): void {
    const { cycleMs, plannedStopMs, setupMs } = PLANNED_STOP_SCHEDULE
    const inCycle = elapsedMs % cycleMs
    const next: SchedulePhase = inCycle >= cycleMs - setupMs ? 'setup' : inCycle >= cycleMs - setupMs - plannedStopMs ? 'plannedStop' : 'production'
    if (next === phase) return
    phase = next
    for (const id of MACHINE_IDS) {
      const machine = machines[id]
      machine.faultCode = 0
      machine.dwellRemainingMs = 0
      if (phase === 'plannedStop') machine.ownState = MachineState.PlannedStop
      else if (phase === 'setup') machine.ownState = MachineState.Setup
      else {
        machine.ownState = MachineState.Running
        machine.startupRejectRemainingMs = STARTUP_REJECT_WINDOW_MS
      }
    }
  }

  function produce(machine: MachineRuntime, dtMs: number, input: keyof typeof buffers | null, output: keyof typeof buffers | null): void {
    const quarter = BUFFER_CAPACITY_BOTTLES / 4
    const inputLevel = input ? buffers[input] : Infinity
    const outputSpace = output ? BUFFER_CAPACITY_BOTTLES - buffers[output] : Infinity
    // Accumulation-table speed control: slow down as the infeed empties or the outfeed fills.
    const infeedFactor = input ? Math.min(1, inputLevel / quarter) : 1
    const outfeedFactor = output ? Math.min(1, outputSpace / quarter) : 1
    const wantsToRun = machine.ownState === MachineState.Running
    const targetBpm = wantsToRun ? machine.speedSetpointBpm * infeedFactor * outfeedFactor * (1 + 0.004 * random.gaussian()) : 0
    machine.speedBpm += (targetBpm - machine.speedBpm) * Math.min(1, dtMs / SPEED_RAMP_TIME_CONSTANT_MS)
    if (machine.speedBpm < 0.5 && !wantsToRun) machine.speedBpm = 0

    const starved = wantsToRun && inputLevel < 1
    const blocked = wantsToRun && !starved && outputSpace < 1
    if (!wantsToRun || starved || blocked) {
      machine.unitProgress = 0
      if (starved || blocked) machine.speedBpm = 0
      return
    }
    machine.runningMs += dtMs
    machine.unitProgress += (machine.speedBpm * dtMs) / 60_000
    const units = Math.min(Math.floor(machine.unitProgress), Math.floor(inputLevel), Math.floor(outputSpace))
    machine.unitProgress -= units
    const rejectRate = machine.profile.rejectRate * (machine.startupRejectRemainingMs > 0 ? STARTUP_REJECT_FACTOR : 1)
    for (let i = 0; i < units; i++) {
      if (input) buffers[input] -= 1
      if (random.chance(rejectRate)) {
        machine.rejectCount += 1
      } else {
        machine.goodCount += 1
        if (output) buffers[output] += 1
      }
    }
  }

  function effectiveState(machine: MachineRuntime): MachineStateCode {
    if (machine.ownState !== MachineState.Running) return machine.ownState
    if (machine.id !== 'Filler' && buffers[machine.id === 'Capper' ? 'fillerToCapper' : 'capperToLabeler'] < 1) {
      return MachineState.Starved
    }
    if (machine.id !== 'Labeler' && BUFFER_CAPACITY_BOTTLES - buffers[machine.id === 'Filler' ? 'fillerToCapper' : 'capperToLabeler'] < 1) {
      return MachineState.Blocked
    }
    return MachineState.Running
  }

  function snapshotOf(machine: MachineRuntime): MachineSnapshot {
    return {
      machine: machine.id,
      state: machine.state,
      stateName: MACHINE_STATE_NAMES[machine.state],
      faultCode: machine.faultCode,
      goodCount: machine.goodCount,
      rejectCount: machine.rejectCount,
      speedBpm: machine.speedBpm,
      speedSetpointBpm: machine.speedSetpointBpm,
      cycleTimeMs: machine.speedBpm >= 0.5 ? 60_000 / machine.speedBpm : 0,
      temperatureC: machine.measuredTemperatureC,
      motorCurrentA: machine.motorCurrentA,
      vibrationMmS: machine.vibrationMmS,
      running: machine.state === MachineState.Running,
      faulted: machine.state === MachineState.Faulted,
      vibrationAlarm: machine.vibrationMmS >= VIBRATION_ALARM_MMS,
      stateSinceMs: machine.stateSinceMs,
    }
  }

  return {
    seed,
    now: () => startTimeMs + elapsedMs,
    step(dtMs: number) {
      if (!Number.isFinite(dtMs) || dtMs < 0) {
        throw new RangeError(`Demo plant: step(${dtMs}) needs a finite, non-negative number of milliseconds`)
      }
      let remaining = dtMs
      while (remaining > 0) {
        const slice = Math.min(MAX_SUB_STEP_MS, remaining)
        subStep(slice)
        remaining -= slice
      }
    },
    snapshot: () => ({
      timeMs: startTimeMs + elapsedMs,
      machines: {
        Filler: snapshotOf(machines.Filler),
        Capper: snapshotOf(machines.Capper),
        Labeler: snapshotOf(machines.Labeler),
      },
      buffers: { ...buffers },
    }),
    machine: (id) => snapshotOf(machines[id]),
    setSpeedSetpoint(id, bpm) {
      const machine = machines[id]
      if (!machine) throw new RangeError(`Demo plant: unknown machine "${id}" — use one of ${MACHINE_IDS.join(', ')}`)
      if (!Number.isFinite(bpm)) {
        throw new RangeError(`Demo plant: speed setpoint for ${id} must be a number of bottles per minute, got ${bpm}`)
      }
      const { minSetpointBpm, maxSetpointBpm } = machine.profile
      machine.speedSetpointBpm = Math.min(maxSetpointBpm, Math.max(minSetpointBpm, bpm))
      return machine.speedSetpointBpm
    },
  }
}

function newMachine(id: MachineId, startTimeMs: number): MachineRuntime {
  const profile = MACHINE_PROFILES[id]
  return {
    id,
    profile,
    ownState: MachineState.Running,
    dwellRemainingMs: 0,
    faultCode: 0,
    state: MachineState.Running,
    stateSinceMs: startTimeMs,
    goodCount: 0,
    rejectCount: 0,
    speedBpm: profile.nominalSpeedBpm,
    speedSetpointBpm: profile.nominalSpeedBpm,
    unitProgress: 0,
    temperatureC: profile.temperatureRunningC,
    measuredTemperatureC: profile.temperatureRunningC,
    motorCurrentA: profile.idleCurrentA,
    vibrationMmS: profile.baseVibrationMmS,
    runningMs: 0,
    startupRejectRemainingMs: 0,
  }
}

/** Markov-style transitions with random dwell times; planned stops are driven by the schedule instead. */
function advanceOwnState(machine: MachineRuntime, dtMs: number, random: SeededRandom): void {
  machine.startupRejectRemainingMs = Math.max(0, machine.startupRejectRemainingMs - dtMs)
  switch (machine.ownState) {
    case MachineState.Running: {
      // A worn bearing makes the Capper trip more often.
      const wearFactor = 1 + Math.max(0, machine.vibrationMmS - VIBRATION_ALARM_MMS) / 3
      if (machine.speedBpm > 0 && random.chance((dtMs / machine.profile.mtbfMs) * wearFactor)) {
        const fault = random.pickWeighted(MACHINE_FAULTS[machine.id])
        machine.ownState = MachineState.Faulted
        machine.faultCode = fault.code
        machine.dwellRemainingMs = random.between(fault.minRepairMs, fault.maxRepairMs)
      } else if (machine.speedBpm > 0 && random.chance(dtMs / machine.profile.minorStopMtbfMs)) {
        machine.ownState = MachineState.Idle
        machine.dwellRemainingMs = random.between(5_000, 45_000)
      }
      return
    }
    case MachineState.Faulted:
    case MachineState.Idle: {
      machine.dwellRemainingMs -= dtMs
      if (machine.dwellRemainingMs <= 0) {
        machine.ownState = MachineState.Running
        machine.faultCode = 0
        machine.dwellRemainingMs = 0
      }
      return
    }
    default:
      return
  }
}

function updateAnalogs(machine: MachineRuntime, dtMs: number, random: SeededRandom): void {
  const profile = machine.profile
  const producing = machine.speedBpm > 0.5
  const loadFraction = machine.speedBpm / profile.maxSetpointBpm

  let targetTemperatureC = producing ? profile.temperatureRunningC : profile.temperatureStoppedC
  if (machine.faultCode === 302) targetTemperatureC = profile.temperatureRunningC - 30
  const alpha = Math.min(1, dtMs / profile.temperatureTimeConstantMs)
  machine.temperatureC += (targetTemperatureC - machine.temperatureC) * alpha
  // The process value is smooth; only the measurement carries noise, so the temperature does not random-walk.
  machine.measuredTemperatureC = machine.temperatureC + profile.temperatureNoiseC * random.gaussian()

  const bearingMmS = machine.id === 'Capper' ? bearingFaultVibrationMmS(machine.runningMs) : 0
  const baseVibration = producing ? profile.baseVibrationMmS * (0.6 + 0.4 * loadFraction) : 0.2 * profile.baseVibrationMmS
  const vibrationNoise = (0.04 + 0.03 * bearingMmS) * random.gaussian()
  machine.vibrationMmS = Math.max(0, baseVibration + (producing ? bearingMmS : 0.1 * bearingMmS) + vibrationNoise)

  const frictionA = 0.05 * bearingMmS
  machine.motorCurrentA = Math.max(
    0,
    profile.idleCurrentA + (profile.fullLoadCurrentA - profile.idleCurrentA) * loadFraction + (producing ? frictionA : 0) + 0.05 * random.gaussian(),
  )
}

/** Extra vibration of the Capper's failing bearing, growing with its running hours (mm/s RMS). */
export function bearingFaultVibrationMmS(runningMs: number): number {
  const hours = runningMs / 3_600_000
  return Math.min(10, 0.9 * hours + 0.08 * hours * hours)
}
