import { useQuery } from '@tanstack/react-query'
import type { VisionModel, VisionModelKind } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { queryKey } from '../../../bridge/queries'

export const KIND_LABELS: Record<VisionModelKind, string> = {
  'yolo-detector': 'YOLO detector',
  classifier: 'Image classifier',
  anomaly: 'Anomaly model',
}

export const modelKey = (m: { name: string; version: number }): string => `${m.name}@${m.version}`

export function useModels() {
  const client = useClient()
  return useQuery({ queryKey: queryKey('visionModels', 'list'), queryFn: () => client.call('visionModels.list') })
}

/** A model picker: every version, newest first within a name. */
export function ModelSelect({
  models,
  value,
  onChange,
  filter,
  label = 'Model',
}: {
  models: VisionModel[]
  value: string
  onChange: (key: string) => void
  filter?: (m: VisionModel) => boolean
  label?: string
}): React.JSX.Element {
  const shown = models.filter((m) => !filter || filter(m)).sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version)
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {shown.length === 0 && <option value="">No model — import one first</option>}
      {shown.map((m) => (
        <option key={modelKey(m)} value={modelKey(m)}>
          {m.name} v{m.version} ({KIND_LABELS[m.kind]})
        </option>
      ))}
    </select>
  )
}
