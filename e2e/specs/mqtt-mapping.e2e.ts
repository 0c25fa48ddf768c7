import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { connectionPanel } from '../steps/connections'
import { addMqttConnection, demoMqttUrl, exploreTopic, fillMqttConnection, mqttExplorer } from '../steps/mqtt'

const TELEMETRY = 'acme/plant1/packaging/line1/filler/telemetry'

/** Screenshots are named after the theme they show. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'
  await page.screenshot({ path: `test-results/screens/${name}-${theme}.png`, fullPage })
}

async function switchTheme(page: Page): Promise<void> {
  const before = await page.locator('html').getAttribute('data-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
}

test('MQTT: add a broker by hand, map a JSON value from the explorer to a tag, watch it live in Tags', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const url = await demoMqttUrl(page)

  // The TLS part of the dialog, and its warning when certificate checks are turned off.
  const dialog = await fillMqttConnection(page, { name: 'Line broker', url: 'mqtts://127.0.0.1:8883' })
  await expect(dialog.getByLabel('CA certificate')).toBeVisible()
  await dialog.getByLabel('Verify the broker certificate').uncheck()
  await expect(dialog.getByRole('alert')).toContainText('Certificate checks are off')
  await dialog.getByRole('alert').scrollIntoViewIfNeeded()
  await shot(page, 'mqtt-add-dialog-tls')
  await dialog.getByLabel('Verify the broker certificate').check()
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await addMqttConnection(page, { name: 'Line broker', url })
  const details = await exploreTopic(page, 'Line broker', TELEMETRY)
  await expect(details).toContainText('JSON')
  await details.getByRole('button', { name: 'Map $.speed', exact: true }).click()
  const form = details.getByRole('form', { name: 'Map to tag' })
  await expect(form).toContainText('$.speed')
  await form.getByLabel('Tag name').fill('filler_speed')
  await expect(form.getByLabel('Data type')).toHaveValue(/Double|Int64/)
  await form.getByLabel('Data type').selectOption('Double')
  await form.getByLabel('Unit').fill('bpm')
  await form.getByLabel('Range low').fill('0')
  await form.getByLabel('Range high').fill('400')
  await expect(form.getByLabel('Timestamp path')).toHaveValue('$.ts')
  await form.scrollIntoViewIfNeeded()
  await shot(page, 'mqtt-map-form')
  await form.getByRole('button', { name: 'Add tag' }).click()
  await expect(details.getByRole('status')).toContainText('Tag "filler_speed" added to Line broker')
  await expect(connectionPanel(page, 'Line broker').getByRole('table', { name: 'Connection tags' })).toContainText(`${TELEMETRY}#$.speed`)
  await mqttExplorer(page).getByRole('button', { name: 'Stop exploring' }).click()

  // Edit the settings: the mapped tag stays, the connection comes back.
  const panel = connectionPanel(page, 'Line broker')
  await panel.getByRole('button', { name: 'Edit settings' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit MQTT connection' })
  await expect(edit.getByLabel('Broker URL')).toHaveValue(url)
  await edit.getByLabel('Keep alive (s)').fill('30')
  await edit.getByLabel('Client id').fill('otw-e2e-line')
  await edit.getByRole('button', { name: 'Save and reconnect' }).click()
  await expect(edit).toBeHidden()
  await expect(panel.getByText('connected', { exact: true })).toBeVisible()
  await expect(panel.getByRole('table', { name: 'Connection tags' })).toContainText('filler_speed')

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('filler_speed')
  const cell = page.locator('[data-tag-value="line-broker:filler_speed"]')
  await expect(cell).toContainText(/\d/)
  const row = page.getByRole('row').filter({ has: cell })
  await expect(row).toContainText('good')
  await row.getByRole('cell').first().click()
  await expect(page.getByRole('complementary', { name: 'Tag details' })).toContainText('bpm')
  await shot(page, 'mqtt-mapped-tag')
  await switchTheme(page)
  await shot(page, 'mqtt-mapped-tag')
})

test('MQTT: Sparkplug B metrics of the demo edge node become tags with live values; the explorer shows the payload decoded', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const url = await demoMqttUrl(page)
  await addMqttConnection(page, { name: 'Edge SP', url, sparkplug: true })
  const nodes = connectionPanel(page, 'Edge SP').getByRole('region', { name: 'Sparkplug B nodes' })
  const labeler = nodes.getByRole('row').filter({ hasText: 'labeler' })
  await expect(labeler).toContainText('online')
  await expect(labeler).toContainText('7')
  await nodes.getByRole('button', { name: 'Request rebirth of acme-plant1/line1-edge' }).click()
  await expect(nodes.getByRole('list', { name: 'Sparkplug events' })).toContainText('rebirth requested by hand')
  // Metrics come from the birth, so they are marked as the device's and offer no Remove.
  const tagTable = connectionPanel(page, 'Edge SP').getByRole('table', { name: 'Connection tags' })
  await expect(tagTable.getByRole('row').filter({ hasText: 'Speed' }).first()).toContainText('from device')
  await expect(tagTable.getByRole('button', { name: /^Remove tag/ })).toHaveCount(0)
  await nodes.scrollIntoViewIfNeeded()
  await shot(page, 'mqtt-sparkplug-nodes')

  const details = await exploreTopic(page, 'Edge SP', 'spBv1.0/acme-plant1/DDATA/line1-edge/labeler')
  await expect(details).toContainText('Sparkplug B (decoded)')
  await expect(details.getByRole('tree', { name: 'Payload' })).toContainText('alias')
  await switchTheme(page)
  await details.scrollIntoViewIfNeeded()
  await shot(page, 'mqtt-sparkplug-explorer')
  await mqttExplorer(page).getByRole('button', { name: 'Stop exploring' }).click()

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('edge-sp:')
  await expect(page.locator('[data-tag-value="edge-sp:acme-plant1/line1-edge/labeler/Speed"]')).toContainText(/\d/)
  await expect(page.locator('[data-tag-value="edge-sp:acme-plant1/line1-edge/labeler/Motor/Temperature"]')).toContainText(/\d/)
  await shot(page, 'mqtt-sparkplug-tags')
})
