/** The two clocks the detector compares; injectable so a test can freeze the host for minutes without waiting. */
export interface HostClock {
  /** Milliseconds that advance only while this process can run (performance.now: stops during sleep on Linux and macOS). */
  monotonicMs(): number
  /** Wall-clock epoch milliseconds (Date.now: goes on during sleep), the time base of recorded samples. */
  wallMs(): number
}

export const SYSTEM_CLOCK: HostClock = { monotonicMs: () => performance.now(), wallMs: () => Date.now() }

/** A stretch in which this process did not run: from the last time it was seen running to when it ran again. */
export interface HostPause {
  /** Wall time of the last check before the pause. */
  lastSeen: number
  /** Wall time of the check that found it. */
  resumedAt: number
}

export interface HostPauseDetectorOptions {
  /** A check that finds more than this since the previous one means the host was not running (default 10 s). */
  thresholdMs?: number
  /** How often the ticker checks (default 1 s). */
  intervalMs?: number
  clock?: HostClock
  onPause(pause: HostPause): void
}

/**
 * Finds the times the host was not running (the laptop slept, the process was suspended, the event loop stalled):
 * a ticker checks every `intervalMs`, and anyone may check in between (the recorder does before it records, so the
 * pause is reported before the first value after it). A pause is more than `thresholdMs` between two checks on
 * either clock: the monotonic one says a stalled loop, the wall clock says a sleep (the monotonic clock stands still
 * then) or a jump of the clock the samples are timed with.
 */
export class HostPauseDetector {
  private readonly clock: HostClock
  private readonly thresholdMs: number
  private lastMonotonic: number
  private lastWall: number
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: HostPauseDetectorOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK
    this.thresholdMs = options.thresholdMs ?? 10_000
    this.lastMonotonic = this.clock.monotonicMs()
    this.lastWall = this.clock.wallMs()
  }

  start(): void {
    if (this.timer) return
    this.check()
    this.timer = setInterval(() => this.check(), this.options.intervalMs ?? 1000)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Compares both clocks with the previous check; reports a pause (at most once) before anything runs after it. */
  check(): void {
    const monotonic = this.clock.monotonicMs()
    const wall = this.clock.wallMs()
    const paused = monotonic - this.lastMonotonic > this.thresholdMs || wall - this.lastWall > this.thresholdMs
    const lastSeen = this.lastWall
    this.lastMonotonic = monotonic
    this.lastWall = wall
    if (paused) this.options.onPause({ lastSeen, resumedAt: wall })
  }
}
