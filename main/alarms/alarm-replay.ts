// Replays rules over recorded history: the same engine as live, fed the recorded samples in time order.
import type { AlarmRule, AlarmTransition } from '../../preload/contract'
import { AlarmEngine, type AlarmInput, type QualityStatus } from './alarm-engine'

/** A tag's recorded samples as the historian returns them (NaN marks no data; q 0 good, 1 uncertain, 2 bad). */
export interface RecordedSeries {
  tagId: string
  t: ArrayLike<number>
  v: ArrayLike<number>
  q: ArrayLike<number>
}

const QUALITY: readonly QualityStatus[] = ['good', 'uncertain', 'bad']

/** Every transition the rules would have made from `from` to `to`, with nobody acknowledging. */
export function replayRules(rules: readonly AlarmRule[], series: readonly RecordedSeries[], from: number, to: number): AlarmTransition[] {
  const transitions: AlarmTransition[] = []
  const engine = new AlarmEngine({ onTransition: (t) => transitions.push(t) })
  for (const rule of rules) engine.upsertRule(rule, from)
  const cursor = series.map(() => 0)
  const input: AlarmInput & { quality: { status: QualityStatus } } = { tagId: '', value: null, quality: { status: 'good' }, stale: false }
  for (;;) {
    let pick = -1
    let pickTime = Infinity
    for (let s = 0; s < series.length; s++) {
      const i = cursor[s]!
      const t = series[s]!.t
      if (i < t.length && t[i]! < pickTime) {
        pick = s
        pickTime = t[i]!
      }
    }
    if (pick < 0 || pickTime > to) break
    const s = series[pick]!
    const i = cursor[pick]!++
    if (pickTime < from) continue
    engine.tick(pickTime)
    const v = s.v[i]!
    input.tagId = s.tagId
    input.value = Number.isNaN(v) ? null : v
    input.stale = Number.isNaN(v)
    input.quality.status = Number.isNaN(v) ? 'uncertain' : (QUALITY[s.q[i]!] ?? 'bad')
    engine.ingestOne(input, pickTime)
  }
  engine.tick(to)
  return transitions
}
