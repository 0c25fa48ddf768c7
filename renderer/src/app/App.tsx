import { useEffect } from 'react'
import { useClient } from './client-context'
import { Nav } from './Nav'
import { HostLinkBanner } from './HostLinkBanner'
import { NoticeArea } from './NoticeArea'
import { StatusBar } from './StatusBar'
import { useUi, type View } from './ui-store'
import { createFrameApplier, useLive } from '../live/live-store'
import { ConnectionsView } from '../features/connections/ConnectionsView'
import { TagsView } from '../features/tags/TagsView'
import { TrendsView } from '../features/trends/TrendsView'
import { OeeView } from '../features/oee/OeeView'
import { VisionView } from '../features/vision/VisionView'
import { DeployView } from '../features/deploy/DeployView'

const VIEW_COMPONENTS: Record<View, () => React.JSX.Element> = {
  connections: ConnectionsView,
  tags: TagsView,
  trends: TrendsView,
  oee: OeeView,
  vision: VisionView,
  deploy: DeployView,
}

/** Feeds the live store and the notice area from the host for as long as the app is open. */
function useHostStreams(): void {
  const client = useClient()
  const pushNotice = useUi((s) => s.pushNotice)
  useEffect(() => {
    const apply = createFrameApplier(useLive.getState().apply)
    const closeLive = client.subscribe('live.values', { intervalMs: 100 }, apply, (error) => {
      if (error) pushNotice({ id: `live-${Date.now()}`, level: 'error', code: error.code, message: error.message, time: Date.now() })
    })
    const closeNotices = client.subscribe('notices', undefined, (notice) => pushNotice(notice))
    return () => {
      closeLive()
      closeNotices()
    }
  }, [client, pushNotice])
}

export function App(): React.JSX.Element {
  const view = useUi((s) => s.view)
  const theme = useUi((s) => s.theme)
  useHostStreams()
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  const Current = VIEW_COMPONENTS[view]
  return (
    <div className="shell">
      <Nav />
      <main className="view" aria-label={`${view} view`}>
        <HostLinkBanner />
        <Current />
      </main>
      <StatusBar />
      <NoticeArea />
    </div>
  )
}
