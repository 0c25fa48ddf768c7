import mqtt from 'mqtt'
import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { addMqttConnection, demoMqttUrl, exploreTopic } from '../steps/mqtt'
import { removeTenant } from '../steps/tenant'

const TOPIC = 'e2e/backlog/flow'
// A gateway's backlog: samples stamped three days ago by the device, arriving now.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3 * 86_400_000
const message = (i: number) => JSON.stringify({ v: i, ts: new Date(T0 + i * 1000).toISOString() })

test('Deploy → Tenant: with the tenant away, retention holds back what it has not got, says so, and deletes it only when confirmed', async ({
  page,
  workstation,
}) => {
  test.setTimeout(180_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const url = await demoMqttUrl(page)
  const peer = await mqtt.connectAsync(url)
  try {
    await peer.publishAsync(TOPIC, message(0), { retain: true, qos: 1 })
    await addMqttConnection(page, { name: 'Backlog broker', url })
    const details = await exploreTopic(page, 'Backlog broker', TOPIC)
    await details.getByRole('button', { name: 'Map $.v', exact: true }).click()
    const form = details.getByRole('form', { name: 'Map to tag' })
    await form.getByLabel('Tag name').fill('backlog_flow')
    await expect(form.getByLabel('Timestamp path')).toHaveValue('$.ts')
    await form.getByRole('button', { name: 'Add tag' }).click()
    await expect(details.getByRole('status')).toContainText('Tag "backlog_flow" added to Backlog broker')
    for (let i = 1; i <= 30; i++) await peer.publishAsync(TOPIC, message(i), { qos: 1 })
  } finally {
    await peer.endAsync()
  }

  // Keep one day of raw history: the backlog is past it at once.
  await goTo(page, 'Trends')
  await page.getByLabel('Keep raw history (days)').fill('1')
  await page.getByRole('button', { name: 'Save retention' }).click()
  await expect(page.getByRole('region', { name: 'Recording' }).getByRole('status').filter({ hasText: 'Saved' })).toBeVisible()

  // A tenant that does not answer (nothing listens on port 1): the sync is offline, nothing is sent.
  await goTo(page, 'Deploy')
  const panel = page.getByRole('region', { name: 'Tenant' })
  await panel.getByLabel('Host').fill('127.0.0.1')
  await panel.getByLabel('Port').fill('1')
  await panel.getByLabel('Database').fill('plant')
  await panel.getByLabel('User').fill('otw_sync')
  await panel.getByLabel('Password').fill('not-used')
  await panel.getByLabel('TLS').selectOption('disable')
  await panel.getByRole('button', { name: 'Save tenant' }).click()
  await expect(panel.getByRole('status')).toHaveText('Tenant saved')

  const held = panel.getByRole('alert', { name: 'Retention held' })
  await expect(held).toContainText(/holding back \d+ samples of \d+ tags? \(.*backlog_flow/, { timeout: 90_000 })
  await expect(held).toContainText('that the tenant has not got yet')
  await expect(page.getByRole('status', { name: 'Tenant sync' })).toContainText('held from retention')
  await held.scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'test-results/screens/tenant-retention-held.png', fullPage: true })

  // Cancel deletes nothing; Confirm deletes exactly the listed samples and says so.
  await held.getByRole('button', { name: 'Delete held samples…' }).click()
  let dialog = page.getByRole('dialog', { name: 'Delete held samples' })
  await expect(dialog.getByRole('table', { name: 'Held samples' })).toContainText('backlog_flow')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(held).toBeVisible()
  await held.getByRole('button', { name: 'Delete held samples…' }).click()
  dialog = page.getByRole('dialog', { name: 'Delete held samples' })
  const row = dialog.getByRole('row').filter({ hasText: 'backlog_flow' })
  await expect(row).toContainText(new Date(T0).toISOString().replace('.000Z', 'Z'))
  await dialog.screenshot({ path: 'test-results/screens/tenant-retention-force-dialog.png' })
  await dialog.getByRole('button', { name: 'Confirm delete' }).click()
  await expect(dialog.getByRole('status')).toContainText(/Forced retention: deleted \d+ held samples of \d+ tags/)
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(held).toBeHidden({ timeout: 30_000 })

  // The audit log names it.
  await goTo(page, 'Connections')
  const audit = page.getByRole('region', { name: 'Audit log' })
  await expect(audit.getByRole('table', { name: 'Write audit entries' })).toContainText('Historian retention')
  await expect(audit.getByRole('table', { name: 'Write audit entries' })).toContainText('Forced retention: deleted')

  // The tenant is given up: removed, the sync stops, and retention holds nothing for it any more.
  await goTo(page, 'Deploy')
  await removeTenant(page)
  await expect(page.getByRole('region', { name: 'Tenant' }).getByRole('alert', { name: 'Retention held' })).toHaveCount(0)
})
