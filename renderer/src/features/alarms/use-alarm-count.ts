import { useEffect, useState } from 'react'
import type { AlarmCount } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'

/** Active and unacknowledged alarms, as the host reports them after every change. */
export function useAlarmCount(): AlarmCount | undefined {
  const client = useClient()
  const [count, setCount] = useState<AlarmCount>()
  useEffect(() => client.subscribe('alarms.count', undefined, setCount), [client])
  return count
}
