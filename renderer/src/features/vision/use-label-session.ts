// The React binding of label-session.ts for the LabelingPanel.
import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import type { VisionImage } from '../../../../preload/contract'
import type { LabelState } from './label-history'
import { createLabelSession, type LabelSession, type LabelSessionState, stateOf } from './label-session'

/**
 * The session of the image shown: created with it (the panel is keyed by image), fed the host's record when it changes, saved
 * on leaving, and asking before the window closes with unsaved edits.
 */
export function useLabelSession(
  image: VisionImage,
  save: (labels: LabelState) => Promise<void>,
): LabelSessionState & { session: LabelSession; labels: LabelState; dirty: boolean } {
  const [session] = useState(() => createLabelSession(stateOf(image), save))
  session.setSaver(save)
  const state = useStore(session.store)
  const dirty = state.history.present !== state.saved
  useEffect(
    () => () => {
      session.leave()?.catch((error: unknown) => console.error(`Labels of ${image.id} were not saved on leaving the image:`, error))
    },
    // Runs once, on unmount; the session holds the latest labels.
    [],
  )
  useEffect(() => session.hostChanged(stateOf(image)), [session, image])
  useEffect(() => {
    if (!dirty) return
    const warn = (event: BeforeUnloadEvent): void => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])
  return { ...state, session, labels: state.history.present, dirty }
}
