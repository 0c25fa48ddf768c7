import { expect, type Page } from '@playwright/test'
import { test } from '../fixtures/workstation'
import type { Workstation } from '../fixtures/workstation'
import { startOpen62541Peer } from '../peers/start-peer'
import { goTo, openWorkstation } from './app'
import { addOpcUaConnection, connectionPanel } from './connections'

type Open62541Peer = NonNullable<Awaited<ReturnType<typeof startOpen62541Peer>>>

/**
 * The open62541 server (a foreign peer: shared/peers/open62541) for the specs of one file, started before them (its
 * first build takes minutes) and stopped after. Returns what reads it: undefined when it is not beside this repository.
 */
export function useOpen62541Peer(): () => Open62541Peer | undefined {
  let peer: Open62541Peer | undefined
  test.beforeAll(async () => {
    test.setTimeout(900_000)
    peer = await startOpen62541Peer()
  })
  test.afterAll(async () => {
    await peer?.stop()
  })
  return () => peer
}

/** A person adds an OPC UA connection to the peer, waits for it to connect and browses down to Plant/Line2/Press. */
export async function browseToOpen62541Press(page: Page, workstation: Workstation, name: string, peer: Open62541Peer) {
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addOpcUaConnection(page, name, peer.endpointUrl)
  const panel = connectionPanel(page, name)
  await expect(panel.getByText('connected', { exact: true })).toBeVisible({ timeout: 30_000 })
  const tree = panel.getByRole('tree', { name: 'OPC UA address space' })
  for (const folder of ['Plant', 'Line2', 'Press']) await tree.getByRole('button', { name: `Expand ${folder}`, exact: true }).click()
  return { panel, tree }
}
