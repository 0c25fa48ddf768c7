import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useClient } from '../../../app/client-context'
import { CalendarSettings } from './CalendarSettings'
import { MachineSettings } from './MachineSettings'
import { NoDataSettings } from './NoDataSettings'
import { ReasonSettings } from './ReasonSettings'
import { TagOptions } from './settings-common'
import { queryKey } from '../../../bridge/queries'

const SECTIONS = [
  { id: 'machines', label: 'Machines' },
  { id: 'calendar', label: 'Shift calendar' },
  { id: 'reasons', label: 'Reasons and rules' },
  { id: 'no-data', label: 'Time without data' },
] as const
type Section = (typeof SECTIONS)[number]['id']

/** Where a plant sets up OEE: machines from tags, the shift calendar, the reason tree and fault-code rules, time without data. */
export function OeeSettingsPanel({ initialSection }: { initialSection?: Section } = {}): React.JSX.Element {
  const client = useClient()
  const [section, setSection] = useState<Section>(initialSection ?? 'machines')
  const settings = useQuery({ queryKey: queryKey('oee', 'settings'), queryFn: () => client.call('oee.settings') })
  return (
    <div className="oee-settings">
      <TagOptions />
      <div role="tablist" aria-label="OEE settings" className="oee-subtabs">
        {SECTIONS.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            aria-selected={section === s.id}
            className={section === s.id ? 'active' : undefined}
            onClick={() => setSection(s.id)}
          >
            {s.label}
          </button>
        ))}
      </div>
      {settings.error && <p role="alert">Settings could not be read: {settings.error.message}</p>}
      {settings.data && section === 'machines' && <MachineSettings settings={settings.data} />}
      {settings.data && section === 'calendar' && <CalendarSettings settings={settings.data} />}
      {settings.data && section === 'reasons' && <ReasonSettings settings={settings.data} />}
      {settings.data && section === 'no-data' && <NoDataSettings settings={settings.data} />}
    </div>
  )
}
