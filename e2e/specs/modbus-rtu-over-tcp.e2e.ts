import { expect, test } from '../fixtures/workstation'
import { startPymodbus } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addModbusConnectionWithFraming } from '../steps/connection-tools'
import { addModbusTag, connectionPanel, selectConnection } from '../steps/connections'

let pymodbus: Awaited<ReturnType<typeof startPymodbus>> | undefined

test.beforeAll(async () => {
  pymodbus = await startPymodbus()
})
test.afterAll(async () => {
  await pymodbus?.stop()
})

test('Modbus RTU over TCP against pymodbus: add it by hand, add a tag, see its value', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addModbusConnectionWithFraming(page, { name: 'Gateway', host: '127.0.0.1', port: pymodbus!.rtuPort, framing: 'rtu-over-tcp' })
  await expect(
    connectionPanel(page, 'Gateway')
      .getByText(/modbus\+rtu-tcp:\/\/127\.0\.0\.1:\d+/)
      .first(),
  ).toBeVisible()
  // int16 -12345 at 40001 and uint16 54321 at 40017 in the pymodbus register map.
  await addModbusTag(page, 'Gateway', { name: 'Int16', address: '40001', dataType: 'int16' })
  await addModbusTag(page, 'Gateway', { name: 'UInt16', address: 'hr:16', dataType: 'uint16' })

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('gateway:')
  await expect(page.locator('[data-tag-value="gateway:Int16"]')).toContainText('-12345')
  await expect(page.locator('[data-tag-value="gateway:UInt16"]')).toContainText('54321')

  // The traffic log shows RTU frames: unit address first, CRC last (no MBAP header).
  await goTo(page, 'Connections')
  await selectConnection(page, 'Gateway')
  const tools = connectionPanel(page, 'Gateway').getByRole('region', { name: 'Modbus tools' })
  await tools.getByRole('tab', { name: 'Traffic log' }).click()
  await expect(
    tools
      .getByRole('table', { name: 'Traffic log' })
      .getByRole('row')
      .filter({ hasText: /^.*TX.*01 03 00 00 00 01/ })
      .first(),
  ).toBeVisible()
})
