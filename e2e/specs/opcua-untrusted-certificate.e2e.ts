import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '../fixtures/workstation'
import { startSecureOpcUaServer } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addSecureOpcUaConnection, screenshotBothThemes } from '../steps/connection-tools'
import { addOpcUaTagByBrowsing, connectionPanel } from '../steps/connections'

let server: Awaited<ReturnType<typeof startSecureOpcUaServer>> | undefined
let pki: string

test.beforeAll(async () => {
  pki = mkdtempSync(join(tmpdir(), 'otw-e2e-opcua-'))
  server = await startSecureOpcUaServer(pki)
})

test.afterAll(async () => {
  await server?.stop()
  rmSync(pki, { recursive: true, force: true })
})

test('OPC UA Basic256Sha256 SignAndEncrypt: the untrusted certificate is shown with its thumbprint, trusted from the UI, then it connects and browses', async ({
  page,
  workstation,
}) => {
  test.setTimeout(180_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addSecureOpcUaConnection(page, 'Oven', server!.endpointUrl, /Basic256Sha256 \/ SignAndEncrypt/)

  const panel = connectionPanel(page, 'Oven')
  const banner = panel.getByRole('alert', { name: 'Untrusted server certificate' })
  await expect(banner).toContainText('not trusted yet')
  await expect(banner).toContainText('OTW e2e secure server')
  const thumbprint = (await banner.getByLabel('Server thumbprint').innerText()).trim()
  expect(thumbprint).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/)

  // The certificate manager lists it as rejected, with the same thumbprint and its validity.
  const certificates = page.getByRole('region', { name: 'OPC UA certificates' })
  const row = certificates.getByRole('row', { name: /Certificate OTW e2e secure server/ })
  await expect(row).toContainText('rejected')
  await expect(row).toContainText(thumbprint)
  await expect(certificates.getByRole('group', { name: 'Own certificate' })).toContainText('OT Workbench')
  await screenshotBothThemes(page, 'opcua-untrusted', panel)
  await certificates.scrollIntoViewIfNeeded()
  await screenshotBothThemes(page, 'opcua-certificates', certificates)

  await banner.getByRole('button', { name: 'Trust and connect' }).click()
  await expect(banner).toBeHidden()
  await expect(panel.getByText('connected', { exact: true })).toBeVisible()
  await expect(row).toContainText('trusted')

  await addOpcUaTagByBrowsing(page, 'Oven', ['Oven', 'Temperature'])
  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('oven:')
  await expect(page.locator('[data-tag-value="oven:Temperature"]')).toContainText(/18\d\.\d/)
})
