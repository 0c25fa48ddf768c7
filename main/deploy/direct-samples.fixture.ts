// The workbench's direct reads for tests and the benchmark: a connector's values as they come, and the last one per tag
// (kept from the moment this is made, as the live bus does in the app).
import { scalarTagValue, type TagValue } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import type { DirectSample, DirectSamples } from './data-check'

export function directSamplesOf(connector: Connector): DirectSamples {
  const latest = new Map<string, DirectSample>()
  const toSample = (v: TagValue): DirectSample => ({ tagId: v.tagId, value: scalarTagValue(v.value), time: v.sourceTime })
  connector.onValues((values) => {
    for (const v of values) latest.set(v.tagId, toSample(v))
  })
  return {
    watch: (tagIds, onSample) => {
      const wanted = new Set(tagIds)
      return connector.onValues((values) => {
        for (const v of values) if (wanted.has(v.tagId)) onSample(toSample(v))
      })
    },
    last: (tagIds) => tagIds.flatMap((id) => (latest.has(id) ? [latest.get(id)!] : [])),
  }
}
