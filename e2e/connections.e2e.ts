import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation } from './steps/app'
import {
  addModbusConnection,
  addModbusTag,
  addOpcUaConnection,
  addOpcUaTagByBrowsing,
  armWrites,
  connectionPanel,
  demoEndpoints,
  selectConnection,
  writeTag,
} from './steps/connections'

test('connections: add Modbus and OPC UA by hand, browse and add tags, watch them, arm and write SpeedSetpoint, see the audit entry', async ({
  page,
  workstation,
}) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  const demo = await demoEndpoints(page)

  await addModbusConnection(page, 'Filler PLC', demo.modbusHost, demo.modbusPort)
  const form = connectionPanel(page, 'Filler PLC').getByRole('form', { name: 'Add tag' })
  await form.getByLabel('Address', { exact: true }).fill('40005')
  await expect(form.getByLabel('Address notations')).toHaveText('0-based hr:4 = Modicon 40005')
  await addModbusTag(page, 'Filler PLC', { name: 'Setpoint', address: '40005', dataType: 'uint16', writable: true })

  await addOpcUaConnection(page, 'Line OPC', demo.opcua)
  await selectConnection(page, 'Line OPC')
  await expect(connectionPanel(page, 'Line OPC').getByText('connected', { exact: true })).toBeVisible()
  await addOpcUaTagByBrowsing(page, 'Line OPC', ['Acme', 'Plant1', 'Packaging', 'Line1', 'Filler', 'SpeedSetpoint'])
  await armWrites(page, 'Line OPC')

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('filler-plc:')
  await expect(page.getByRole('table', { name: 'Live tag values' }).getByRole('row').filter({ hasText: 'Setpoint' })).toContainText(/\d+/)
  const dialog = await writeTag(page, 'line-opc:', 'SpeedSetpoint', '250')
  await expect(dialog.getByRole('status')).toContainText('the device now reads 250')
  await page.screenshot({ path: 'test-results/connections-write.png' })
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(page.locator('[data-tag-value="line-opc:SpeedSetpoint"]')).toContainText('250')

  await goTo(page, 'Connections')
  const audit = page.getByRole('table', { name: 'Write audit entries' })
  await expect(audit.getByRole('row').filter({ hasText: 'SpeedSetpoint' }).first()).toContainText('ok')
  await page.screenshot({ path: 'test-results/connections.png', fullPage: true })
})
