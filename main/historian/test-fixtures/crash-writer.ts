// Child process for the crash test: ingests steadily until killed, reporting progress on stdout.
import { openHistorian } from '../index'

const file = process.argv[2]
const T0 = 1_700_000_000_000
const TAGS = 20
const h = openHistorian({ file, flushIntervalMs: 100, retentionIntervalMs: 0 })
let i = 0
setInterval(() => {
  // 50 samples per tag every 10 ms; every value is derivable from (tag, index) so the parent can verify it.
  for (let k = 0; k < 50; k++, i++) {
    for (let tag = 0; tag < TAGS; tag++) h.append(`Crash.T${tag}`, T0 + i * 10, i * 0.5 + tag)
  }
  const s = h.stats()
  process.stdout.write(`${i * TAGS} ${s.bufferedSamples} ${s.flushes}\n`)
}, 10)
