import { useEffect, useState } from 'react'
import { useChannelQuery } from '../../bridge/queries'

/** Armed connections and when each disarms (polled: arming expires on the host). */
export function useArmed(): Map<string, number> {
  const armed = useChannelQuery('writes.armed', undefined, { refetchInterval: 2000 })
  return new Map((armed.data ?? []).flatMap((a) => (a.armedUntil === null ? [] : [[a.connectionId, a.armedUntil] as const])))
}

/** Seconds left until `until`, ticking once a second. */
export function useCountdown(until: number | null | undefined): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!until) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [until])
  return until ? Math.max(0, Math.round((until - now) / 1000)) : 0
}

export const formatCountdown = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
