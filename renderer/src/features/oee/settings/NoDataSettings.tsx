import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { OeeNoDataTime, OeeSettings } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { LastChange, SaveBar } from './settings-common'
import { queryKey } from '../../../bridge/queries'

const CHOICES: { id: OeeNoDataTime; label: string; help: string }[] = [
  {
    id: 'exclude',
    label: 'Leave out of planned time (default)',
    help: 'Availability, performance and OEE are computed over the recorded time only. The time is shown as "No data" and is not a stop to code.',
  },
  {
    id: 'breakdown',
    label: 'Count as breakdown',
    help: 'The time counts as planned production time lost to a breakdown, and each stretch is a stop in the lists and the Pareto.',
  },
]

/** How time with nothing recorded (before the app started, a lost connection) counts in OEE: the plant decides. */
export function NoDataSettings({ settings }: { settings: OeeSettings }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [choice, setChoice] = useState<OeeNoDataTime>(settings.noDataTime)
  useEffect(() => setChoice(settings.noDataTime), [settings.noDataTime])
  const save = useMutation({
    mutationFn: () => client.call('oee.saveNoDataTime', { noDataTime: choice }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('oee') }),
  })
  const dirty = choice !== settings.noDataTime
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault()
      if (dirty && !save.isPending) save.mutate()
    }
  }
  return (
    <div className="oee-settings-stack" onKeyDown={onKeyDown}>
      <section className="panel" aria-label="Time without data">
        <div className="oee-chart-head">
          <h2>Time without data</h2>
          <LastChange changes={settings.changes.noDataTime} />
        </div>
        <p className="muted small oee-no-data-intro">
          Planned time in which nothing is known about a machine&apos;s state: before its first recorded sample, while its connection was down (bad values), or
          a gap marked NaN in a recording.
        </p>
        <fieldset className="oee-no-data-choices">
          <legend>Time without data</legend>
          {CHOICES.map((c) => (
            <label key={c.id} className="oee-no-data-choice">
              <input type="radio" name="oee-no-data-time" value={c.id} checked={choice === c.id} onChange={() => setChoice(c.id)} />
              <span>
                <strong>{c.label}</strong>
                <span className="muted small">{c.help}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </section>
      <SaveBar
        what="Time without data"
        save={save}
        dirty={dirty}
        onDiscard={() => setChoice(settings.noDataTime)}
        saveLabel="Save"
        savedText="Saved; OEE recomputed with it."
      />
    </div>
  )
}
