import { Suspense, lazy, useEffect, useLayoutEffect, type ComponentType } from 'react'
import { useClient } from './client-context'
import { Nav } from './Nav'
import { HostLinkBanner } from './HostLinkBanner'
import { NoticeArea } from './NoticeArea'
import { StatusBar } from './StatusBar'
import { useUi, type View } from './ui-store'
import { createFrameApplier, useLive } from '../live/live-store'
import { TagsView } from '../features/tags/TagsView'

/** The first screen (Tags) is in the main bundle; every other view loads when first opened (uPlot, labeling, OEE charts). */
const view = (load: () => Promise<ComponentType>) => lazy(async () => ({ default: await load() }))
const VIEW_COMPONENTS: Record<View, ComponentType> = {
  connections: view(async () => (await import('../features/connections/ConnectionsView')).ConnectionsView),
  tags: TagsView,
  trends: view(async () => (await import('../features/trends/TrendsView')).TrendsView),
  oee: view(async () => (await import('../features/oee/OeeView')).OeeView),
  vision: view(async () => (await import('../features/vision/VisionView')).VisionView),
  deploy: view(async () => (await import('../features/deploy/DeployView')).DeployView),
  alarms: view(async () => (await import('../features/alarms/AlarmsView')).AlarmsView),
  report: view(async () => (await import('../features/report/ReportView')).ReportView),
}

/** Feeds the live store and the notice area from the host for as long as the app is open. */
function useHostStreams(): void {
  const client = useClient()
  const pushNotice = useUi((s) => s.pushNotice)
  const dropNotices = useUi((s) => s.dropNotices)
  useEffect(() => {
    const apply = createFrameApplier(useLive.getState().apply)
    const closeLive = client.subscribe('live.values', { intervalMs: 16 }, apply, (error) => {
      if (error) pushNotice({ id: `live-${Date.now()}`, level: 'error', code: error.code, message: error.message, time: Date.now(), local: true })
    })
    // Dismissed in any window (or withdrawn by the host): gone here too.
    const closeNotices = client.subscribe('notices', undefined, (event) => ('dismissed' in event ? dropNotices(event.dismissed) : pushNotice(event)))
    return () => {
      closeLive()
      closeNotices()
    }
  }, [client, pushNotice, dropNotices])
}

export function App(): React.JSX.Element {
  const view = useUi((s) => s.view)
  const theme = useUi((s) => s.theme)
  useHostStreams()
  // Before any effect below runs: charts read the theme's colours from the document when they are built.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  const Current = VIEW_COMPONENTS[view]
  return (
    <div className="shell">
      <Nav />
      <main className="view" aria-label={`${view} view`}>
        <HostLinkBanner />
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Current />
        </Suspense>
      </main>
      <StatusBar />
      <NoticeArea />
    </div>
  )
}
