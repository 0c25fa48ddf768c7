import { useEffect, useState } from 'react'
import { useClient } from './client-context'

/** Says plainly when the host refused this page (wrong token) or went away, and what to do. */
export function HostLinkBanner(): React.JSX.Element | null {
  const client = useClient()
  const [problem, setProblem] = useState<{ refused: boolean; detail?: string }>()
  useEffect(
    () =>
      client.link.onState((state, detail) => {
        if (state === 'open') setProblem(undefined)
        else if (state === 'refused' || state === 'closed') setProblem({ refused: state === 'refused', detail })
      }),
    [client],
  )
  if (!problem) return null
  return (
    <div className={`banner ${problem.refused ? 'banner-error' : 'banner-warning'}`} role="alert">
      <strong>{problem.refused ? 'Connection refused by the workstation host.' : 'Host connection lost.'}</strong> {problem.detail}
    </div>
  )
}
