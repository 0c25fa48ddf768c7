import { describe, expect, it } from 'vitest'
import { createPlantModel, MACHINE_IDS, MachineState, PLANNED_STOP_SCHEDULE, type MachineId, type PlantSnapshot } from './plant-model'

const HOUR = 3_600_000

function run(seed: number, steps: number[]): PlantSnapshot[] {
  const model = createPlantModel({ seed, startTimeMs: 1_700_000_000_000 })
  return steps.map((dt) => {
    model.step(dt)
    return model.snapshot()
  })
}

/** Visits one snapshot per simulated second for `hours` hours. */
function simulate(hours: number, visit: (snapshot: PlantSnapshot) => void, seed = 7): void {
  const model = createPlantModel({ seed })
  for (let second = 0; second < hours * 3600; second++) {
    model.step(1000)
    visit(model.snapshot())
  }
}

describe('plant model', { timeout: 30_000 }, () => {
  it('replays the same states and counters for the same seed and steps', () => {
    const steps = Array.from({ length: 3000 }, (_, i) => [100, 250, 1000, 3700][i % 4])
    const first = run(42, steps)
    const second = run(42, steps)
    expect(second).toEqual(first)
    const other = run(43, steps)
    expect(other.map((s) => s.machines.Filler.goodCount)).not.toEqual(first.map((s) => s.machines.Filler.goodCount))
  })

  it('counts bottles and never lets a counter go down over a long run', () => {
    const last: Record<MachineId, { good: number; reject: number }> = {
      Filler: { good: 0, reject: 0 },
      Capper: { good: 0, reject: 0 },
      Labeler: { good: 0, reject: 0 },
    }
    const decreases: string[] = []
    simulate(8, (snapshot) => {
      for (const id of MACHINE_IDS) {
        const machine = snapshot.machines[id]
        if (machine.goodCount < last[id].good || machine.rejectCount < last[id].reject) {
          decreases.push(`${id} at ${snapshot.timeMs}`)
        }
        last[id] = { good: machine.goodCount, reject: machine.rejectCount }
      }
    })
    expect(decreases).toEqual([])
    // 8 hours at ~300 bpm with stops: tens of thousands of bottles, a few rejects.
    expect(last.Labeler.good).toBeGreaterThan(50_000)
    expect(last.Labeler.reject).toBeGreaterThan(0)
    // Conservation: what the labeler handled went through the filler first.
    expect(last.Labeler.good + last.Labeler.reject).toBeLessThanOrEqual(last.Filler.good)
  })

  it('grows the vibration of the Capper bearing only', () => {
    const firstHour: Record<MachineId, number[]> = { Filler: [], Capper: [], Labeler: [] }
    const sixthHour: Record<MachineId, number[]> = { Filler: [], Capper: [], Labeler: [] }
    let second = 0
    simulate(6, (snapshot) => {
      second += 1
      for (const id of MACHINE_IDS) {
        const machine = snapshot.machines[id]
        if (machine.state !== MachineState.Running) continue
        if (second <= 3600) firstHour[id].push(machine.vibrationMmS)
        if (second > 5 * 3600) sixthHour[id].push(machine.vibrationMmS)
      }
    })
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
    expect(mean(sixthHour.Capper)).toBeGreaterThan(mean(firstHour.Capper) + 2)
    expect(mean(sixthHour.Capper)).toBeGreaterThan(4.5)
    expect(Math.abs(mean(sixthHour.Filler) - mean(firstHour.Filler))).toBeLessThan(0.3)
    expect(Math.abs(mean(sixthHour.Labeler) - mean(firstHour.Labeler))).toBeLessThan(0.3)
  })

  it('starves the Capper when the Filler is down and blocks it when the Labeler is down', () => {
    let fillerDownSamples = 0
    let capperStarvedByFiller = 0
    let labelerDownSamples = 0
    let capperBlockedByLabeler = 0
    let impossible = 0
    simulate(8, (snapshot) => {
      const { Filler, Capper, Labeler } = snapshot.machines
      // A 24-bottle buffer runs empty (or full) in under 6 s, so 15 s of running through a neighbour's fault is impossible.
      if (Filler.state === MachineState.Faulted && snapshot.timeMs - Filler.stateSinceMs > 15_000) {
        fillerDownSamples += 1
        if (snapshot.timeMs - Capper.stateSinceMs > 15_000 && Capper.state === MachineState.Running) impossible += 1
        if (Capper.state === MachineState.Starved) capperStarvedByFiller += 1
      }
      if (Labeler.state === MachineState.Faulted && snapshot.timeMs - Labeler.stateSinceMs > 15_000) {
        labelerDownSamples += 1
        if (snapshot.timeMs - Capper.stateSinceMs > 15_000 && Capper.state === MachineState.Running) impossible += 1
        if (Capper.state === MachineState.Blocked) capperBlockedByLabeler += 1
      }
    })
    expect(impossible).toBe(0)
    expect(fillerDownSamples).toBeGreaterThan(0)
    expect(capperStarvedByFiller).toBeGreaterThan(fillerDownSamples / 2)
    expect(labelerDownSamples).toBeGreaterThan(0)
    expect(capperBlockedByLabeler).toBeGreaterThan(labelerDownSamples / 2)
  })

  it('sets the running and fault bits from the state and a fault code only while faulted', () => {
    const inconsistent: string[] = []
    simulate(3, (snapshot) => {
      for (const id of MACHINE_IDS) {
        const machine = snapshot.machines[id]
        const consistent =
          machine.running === (machine.state === MachineState.Running) &&
          machine.faulted === (machine.state === MachineState.Faulted) &&
          (machine.faultCode !== 0) === machine.faulted &&
          (!machine.faulted || Math.floor(machine.faultCode / 100) === MACHINE_IDS.indexOf(id) + 1)
        if (!consistent) inconsistent.push(`${id} at ${snapshot.timeMs}: ${JSON.stringify(machine)}`)
      }
    })
    expect(inconsistent).toEqual([])
  })

  it('stops the whole line for the planned break, then sets up', () => {
    const { cycleMs, plannedStopMs, setupMs } = PLANNED_STOP_SCHEDULE
    const model = createPlantModel({ seed: 3 })
    model.step(cycleMs - setupMs - plannedStopMs + 1000)
    for (const id of MACHINE_IDS) expect(model.machine(id).state).toBe(MachineState.PlannedStop)
    model.step(plannedStopMs)
    for (const id of MACHINE_IDS) expect(model.machine(id).state).toBe(MachineState.Setup)
    model.step(setupMs)
    for (const id of MACHINE_IDS) expect(model.machine(id).state).not.toBe(MachineState.Setup)
  })

  it('honours the speed setpoint, clamped to the machine range', () => {
    const model = createPlantModel({ seed: 5 })
    expect(model.setSpeedSetpoint('Filler', 250)).toBe(250)
    expect(model.setSpeedSetpoint('Labeler', 10_000)).toBe(450)
    model.step(10_000)
    const filler = model.machine('Filler')
    if (filler.state === MachineState.Running) expect(filler.speedBpm).toBeLessThan(260)
    expect(filler.speedSetpointBpm).toBe(250)
    expect(() => model.setSpeedSetpoint('Filler', Number.NaN)).toThrow(/bottles per minute/)
  })

  it('advances its clock only through step()', () => {
    const model = createPlantModel({ seed: 1, startTimeMs: 1_000 })
    expect(model.now()).toBe(1_000)
    model.step(2_500)
    expect(model.now()).toBe(3_500)
    expect(model.snapshot().timeMs).toBe(3_500)
    expect(() => model.step(-1)).toThrow(/non-negative/)
  })
})

describe('plant model over a day', { timeout: 30_000 }, () => {
  it('spends most of its time running', () => {
    const running: Record<MachineId, number> = { Filler: 0, Capper: 0, Labeler: 0 }
    let samples = 0
    simulate(2 * (PLANNED_STOP_SCHEDULE.cycleMs / HOUR), (snapshot) => {
      samples += 1
      for (const id of MACHINE_IDS) if (snapshot.machines[id].running) running[id] += 1
    })
    for (const id of MACHINE_IDS) {
      expect(running[id] / samples).toBeGreaterThan(0.5)
      expect(running[id] / samples).toBeLessThan(0.95)
    }
  })
})
