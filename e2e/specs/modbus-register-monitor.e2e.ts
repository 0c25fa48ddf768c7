import { expect, test } from '../fixtures/workstation'
import { startPymodbus } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addModbusConnectionWithFraming, modbusTools, screenshotBothThemes } from '../steps/connection-tools'
import { addModbusTag, connectionPanel } from '../steps/connections'

// Modbus Poll's window in the Modbus tools, against pymodbus (map: main/connectors/modbus/fixtures/register-map.json):
// hr 96 holds float32 -1.5 in ABCD, hr 100 the same in BADC, hr 504 does not exist, hr 1000… are writable.

let pymodbus: Awaited<ReturnType<typeof startPymodbus>> | undefined
test.beforeAll(async () => {
  pymodbus = await startPymodbus()
})
test.afterAll(async () => {
  await pymodbus?.stop()
})

test('Register monitor: a polled range with a format per cell, exceptions named, a cell written armed and confirmed, on the running link', async ({
  page,
  workstation,
}) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addModbusConnectionWithFraming(page, { name: 'Poll PLC', host: '127.0.0.1', port: pymodbus!.tcpPort, framing: 'tcp' })
  const tools = modbusTools(page, 'Poll PLC')
  await tools.getByRole('tab', { name: 'Register monitor' }).click()

  const monitor = tools.getByRole('region', { name: 'Monitor 1' })
  const form = monitor.getByRole('form', { name: 'Monitor 1 definition' })
  await form.getByLabel('Function').selectOption({ label: '03 Read Holding Registers (4x)' })
  await form.getByLabel('Address', { exact: true }).fill('40097')
  await form.getByLabel('Quantity').fill('126')
  await expect(form).toContainText('Quantity: 1 … 125 registers for function 03')
  await expect(form.getByRole('button', { name: 'Start polling' })).toBeDisabled()
  await form.getByLabel('Quantity').fill('6')
  await form.getByLabel('Poll rate (ms)').fill('200')
  await expect(monitor.getByLabel('Monitor 1 range')).toHaveText('hr:96 … hr:101 = 40097 … 40102, unit 1, every 200 ms')
  await form.getByRole('button', { name: 'Start polling' }).click()

  const grid = monitor.getByRole('table', { name: 'Monitor 1 values' })
  const value = (address: string) => grid.getByRole('row', { name: address, exact: true }).getByRole('cell').nth(2)
  // Signed by default: 0xBFC0 is -16448.
  await expect(value('40097')).toHaveText('-16448')
  await grid.getByLabel('Format 40097').selectOption('float32 ABCD')
  await expect(value('40097')).toHaveText('-1.5')
  await expect(value('40098')).toHaveText('↳ 40097')
  await grid.getByLabel('Format 40101').selectOption('float32 BADC')
  await expect(value('40101')).toHaveText('-1.5')
  await grid.getByLabel('Format 40099').selectOption('hex')
  await expect(value('40099')).toHaveText('0x0000')
  await grid.getByLabel('Format 40100').selectOption('binary')
  await expect(value('40100')).toHaveText('0000 0000 0000 0000')
  const status = monitor.getByRole('status', { name: 'Monitor 1 status' })
  await expect(status).toContainText(/Polls ([3-9]|\d\d+) · Errors 0 · Exceptions 0 · Timeouts 0 · unit 1 · FC03 · 200 ms/)
  await expect(monitor.getByLabel('Monitor 1 last poll')).toContainText('OK')

  // A tag added while the monitor polls: the link stays up, the monitor goes on, and the grid names the tag.
  const polls = async () => Number(/Polls (\d+)/.exec((await status.textContent()) ?? '')![1])
  const pollsBefore = await polls()
  await addModbusTag(page, 'Poll PLC', { name: 'Pressure', address: '40097', dataType: 'float32' })
  await expect.poll(polls).toBeGreaterThan(pollsBefore)
  await expect(grid.getByRole('row', { name: '40097', exact: true })).toContainText('Pressure')
  await expect(status).toContainText('Errors 0')
  await expect(monitor.getByLabel('Monitor 1 last poll')).toContainText('OK')

  // A second monitor on the same connection: a range across the missing hr 504 answers exception 2, named.
  await tools.getByRole('button', { name: 'New monitor' }).click()
  const second = tools.getByRole('region', { name: 'Monitor 2' })
  const secondForm = second.getByRole('form', { name: 'Monitor 2 definition' })
  await secondForm.getByLabel('Address', { exact: true }).fill('40501')
  await secondForm.getByLabel('Quantity').fill('7')
  await secondForm.getByLabel('Poll rate (ms)').fill('300')
  await secondForm.getByRole('button', { name: 'Start polling' }).click()
  await expect(second.getByLabel('Monitor 2 last poll')).toContainText('Exception 2 (illegal data address)')
  await expect(second.getByRole('status', { name: 'Monitor 2 status' })).toContainText(/Exceptions [1-9]/)
  await expect(value('40097')).toHaveText('-1.5')
  await screenshotBothThemes(page, 'modbus-register-monitor', monitor)
  await screenshotBothThemes(page, 'modbus-register-monitor-exception', second)

  // The second monitor moves to the writable registers; a cell is written through arming and confirmation.
  await secondForm.getByLabel('Address', { exact: true }).fill('hr:1000')
  await secondForm.getByLabel('Quantity').fill('4')
  await secondForm.getByLabel('Poll rate (ms)').fill('3000')
  await secondForm.getByRole('button', { name: 'Apply' }).click()
  const secondGrid = second.getByRole('table', { name: 'Monitor 2 values' })
  await expect(secondGrid.getByRole('row', { name: '41001', exact: true }).getByRole('cell').nth(2)).toHaveText('0')
  await expect(second.getByLabel('Monitor 2 last poll')).toContainText('OK')
  await secondGrid.getByLabel('Format 41001').selectOption('hex')
  await secondGrid.getByRole('button', { name: 'Write 41001' }).click()
  const dialog = page.getByRole('dialog', { name: 'Write 41001' })
  await expect(dialog.getByLabel('Shown value')).toHaveText('0x0000')
  await dialog.getByLabel('New value').fill('0x12345')
  await dialog.getByRole('button', { name: 'Review write' }).click()
  await expect(dialog.getByRole('alert')).toHaveText(/Hex takes 1 to 4 hex digits/)
  await dialog.getByLabel('New value').fill('0x04D2')
  await dialog.getByRole('button', { name: 'Review write' }).click()
  await expect(dialog.getByLabel('Old value')).toContainText('0x0000')
  await expect(dialog.getByLabel('New value')).toContainText('0x04D2')
  await expect(dialog.getByRole('button', { name: 'Confirm write' })).toBeDisabled()
  await dialog.getByRole('switch', { name: 'Arm writes' }).click()
  await expect(dialog.getByRole('status', { name: 'Write arming' })).toContainText('Armed for writes')
  await screenshotBothThemes(page, 'modbus-register-monitor-write', dialog)
  await dialog.getByRole('button', { name: 'Confirm write' }).click()
  await expect(dialog.getByRole('status')).toHaveText('Written: wrote 0x04D2 to unit 1 41001 (FC6), read back 0x04D2')
  await dialog.getByRole('button', { name: 'Close' }).click()
  // The next poll brings the new value, marked as changed until the poll after it (3 s later).
  const written = secondGrid.getByRole('row', { name: '41001', exact: true }).getByRole('cell').nth(2)
  await expect(written).toHaveText('0x04D2')
  await expect(written).toHaveAttribute('data-changed', 'true')
  await expect(secondGrid.getByRole('row', { name: '41002', exact: true }).getByRole('cell').nth(2)).not.toHaveAttribute('data-changed')
  await secondGrid.getByLabel('Format 41001').selectOption('unsigned')
  await expect(secondGrid.getByRole('row', { name: '41001', exact: true }).getByRole('cell').nth(2)).toHaveText('1234')

  // The polls ran on the connection's own link: still connected, the traffic log shows them; closing stops a monitor.
  await expect(connectionPanel(page, 'Poll PLC').getByText('connected', { exact: true })).toBeVisible()
  await second.getByRole('button', { name: 'Close monitor' }).click()
  await expect(second).toHaveCount(0)
  // A new monitor over the same registers shows them in the formats picked before (remembered per connection).
  await tools.getByRole('button', { name: 'New monitor' }).click()
  const third = tools.getByRole('region', { name: 'Monitor 3' })
  await third.getByLabel('Address', { exact: true }).fill('40097')
  await third.getByLabel('Quantity').fill('2')
  await third.getByRole('button', { name: 'Start polling' }).click()
  await expect(third.getByRole('table', { name: 'Monitor 3 values' }).getByRole('row', { name: '40097', exact: true }).getByRole('cell').nth(2)).toHaveText(
    '-1.5',
  )
  // Coils (function 01): bits, and a coil written as on/off (still armed from above).
  await third.getByLabel('Function').selectOption({ label: '01 Read Coils (0x)' })
  await expect(third.getByLabel('Address', { exact: true })).toHaveValue('00097')
  await third.getByLabel('Address', { exact: true }).fill('00001')
  await third.getByLabel('Quantity').fill('10')
  await third.getByRole('button', { name: 'Apply' }).click()
  const coils = third.getByRole('table', { name: 'Monitor 3 values' })
  const coil = (address: string) => coils.getByRole('row', { name: address, exact: true }).getByRole('cell').nth(2)
  await expect(coil('00001')).toHaveText('1')
  await expect(coil('00002')).toHaveText('0')
  await coils.getByRole('button', { name: 'Write 00002' }).click()
  const coilDialog = page.getByRole('dialog', { name: 'Write 00002' })
  await coilDialog.getByLabel('New value').selectOption('1')
  await coilDialog.getByRole('button', { name: 'Review write' }).click()
  await expect(coilDialog.getByLabel('New value')).toContainText('1 (on)')
  await coilDialog.getByRole('button', { name: 'Confirm write' }).click()
  await expect(coilDialog.getByRole('status')).toHaveText('Written: wrote 1 (on) to unit 1 00002 (FC5), read back 1 (on)')
  await coilDialog.getByRole('button', { name: 'Close' }).click()
  await expect(coil('00002')).toHaveText('1')
  await third.getByRole('button', { name: 'Close monitor' }).click()
  await tools.getByRole('tab', { name: 'Traffic log' }).click()
  const log = tools.getByRole('table', { name: 'Traffic log' })
  await expect(log.getByRole('row').filter({ hasText: 'illegal data address' }).first()).toBeVisible()
  // The FC6 request: offset 1000 (03 E8), value 0x04D2.
  await expect(log.getByRole('row').filter({ hasText: '06 03 E8 04 D2' }).first()).toBeVisible()
})
