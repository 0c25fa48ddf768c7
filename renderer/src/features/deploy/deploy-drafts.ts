import { create } from 'zustand'

/** What the broker step's form holds for one target; the admin password is never kept here (only in the form). */
export interface BrokerDraft {
  url: string
  adminUsername: string
  bridge: boolean
}

interface DeployDrafts {
  /** The flow file being deployed (pasted or uploaded) and where its text came from. */
  source: 'connections' | 'flow'
  flowText: string
  flowName?: string
  /** Per target id. */
  broker: Record<string, BrokerDraft>
  set(patch: Partial<Pick<DeployDrafts, 'source' | 'flowText' | 'flowName'>>): void
  setBroker(targetId: string, patch: Partial<BrokerDraft>, initial: BrokerDraft): void
}

/**
 * The wizard's drafts outside its steps: going back to Target or ahead to Broker and returning keeps the flow file and
 * the broker's address, admin user and bridge choice, as a person expects of a wizard.
 */
export const useDeployDrafts = create<DeployDrafts>((set) => ({
  source: 'connections',
  flowText: '',
  broker: {},
  set: (patch) => set(patch),
  setBroker: (targetId, patch, initial) => set((s) => ({ broker: { ...s.broker, [targetId]: { ...(s.broker[targetId] ?? initial), ...patch } } })),
}))
