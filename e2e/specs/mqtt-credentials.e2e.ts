import { expect, test } from '../fixtures/workstation'
import { startMosquittoWithPassword, type Mosquitto } from '../peers/mosquitto'
import { goTo, openWorkstation } from '../steps/app'
import { connectionPanel } from '../steps/connections'
import { fillMqttConnection } from '../steps/mqtt'

let mosquitto: Mosquitto | undefined
test.beforeAll(async () => {
  mosquitto = await startMosquittoWithPassword('plant', 's3cret-pw')
})
test.afterAll(async () => {
  await mosquitto?.stop()
})

test('MQTT 5 against Mosquitto: a wrong password says not authorised and what to do; fixed in Edit settings, it connects', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const dialog = await fillMqttConnection(page, { name: 'Site broker', url: mosquitto!.url, version: '5' })
  await dialog.getByLabel('User name').fill('plant')
  await dialog.getByLabel('Password').fill('wrong')
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()

  const panel = connectionPanel(page, 'Site broker')
  await expect(panel.getByRole('alert')).toContainText('not authorised (reason 0x87) — check the user name and password')
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'
  await panel.scrollIntoViewIfNeeded()
  await page.screenshot({ path: `test-results/screens/mqtt-not-authorised-${theme}.png` })

  await panel.getByRole('button', { name: 'Edit settings' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit MQTT connection' })
  await expect(edit.getByText('leave blank to keep the saved one').first()).toBeVisible()
  await expect(edit.getByLabel('MQTT version')).toHaveValue('5')
  await edit.getByLabel('Password').fill('s3cret-pw')
  await edit.getByRole('button', { name: 'Save and reconnect' }).click()
  await expect(edit).toBeHidden()
  await expect(panel.getByText('connected', { exact: true })).toBeVisible({ timeout: 40_000 })
})
