import { readFileSync } from 'node:fs'
import { expect, test } from '../fixtures/workstation'
import { startPymodbus } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addModbusConnectionWithFraming, modbusTools, screenshotBothThemes } from '../steps/connection-tools'
import { addModbusTag, armWrites, connectionPanel, selectConnection, writeTag } from '../steps/connections'

let pymodbus: Awaited<ReturnType<typeof startPymodbus>> | undefined
test.beforeAll(async () => {
  pymodbus = await startPymodbus()
})
test.afterAll(async () => {
  await pymodbus?.stop()
})

test('Modbus tools: register-range scan with progress and decoded results, add rows as tags, unit scan, counters and the traffic log', async ({
  page,
  workstation,
}) => {
  test.setTimeout(150_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addModbusConnectionWithFraming(page, { name: 'Scanner', host: '127.0.0.1', port: pymodbus!.tcpPort, framing: 'tcp' })
  const tools = modbusTools(page, 'Scanner')

  // hr 495..510: 500-503 and 505-506 exist in the pymodbus map, each holding its own offset.
  const form = tools.getByRole('form', { name: 'Register scan' })
  await form.getByLabel('Start').fill('40496')
  await form.getByLabel('Count').fill('16')
  await expect(form).toContainText('hr:495 … hr:510 = 40496 … 40511')
  await form.getByRole('button', { name: 'Scan registers' }).click()
  await expect(tools.getByRole('progressbar', { name: 'Register scan progress' })).toBeVisible()
  await expect(tools.getByRole('status', { name: 'Register scan progress status' })).toContainText('16 / 16 registers')
  await expect(tools.getByLabel('Register scan summary')).toContainText('6 answered, 10 refused')
  await expect(tools.getByLabel('Register scan summary')).toContainText('40505 illegal data address (exception 2)')
  const results = tools.getByRole('table', { name: 'Register scan results' })
  await expect(results.getByRole('row')).toHaveCount(7)
  const row = results.getByRole('row').filter({ hasText: '40501' })
  await expect(row).toContainText('hr:500')
  await expect(row).toContainText('0x01F4')
  await expect(row).toContainText('500')

  await results.getByLabel('Select 40501').check()
  await results.getByLabel('Select 40502').check()
  await tools.getByLabel('Tag name prefix').fill('R')
  await tools.getByRole('button', { name: 'Add 2 as tags' }).click()
  const tags = connectionPanel(page, 'Scanner').getByRole('table', { name: 'Connection tags' })
  await expect(tags.getByRole('cell', { name: 'R40501', exact: true })).toBeVisible()
  await expect(tags.getByRole('cell', { name: 'R40502', exact: true })).toBeVisible()
  await screenshotBothThemes(page, 'modbus-register-scan', tools)

  await tools.getByRole('tab', { name: 'Unit id scan' }).click()
  const units = tools.getByRole('form', { name: 'Unit id scan' })
  await units.getByLabel('Last unit id').fill('8')
  await units.getByLabel('Timeout (ms)').fill('100')
  await units.getByRole('button', { name: 'Scan unit ids' }).click()
  await expect(tools.getByRole('status', { name: 'Unit scan result' })).toHaveText('Found unit 1, 2, 7')
  await expect(tools.getByRole('table', { name: 'Units found' }).getByRole('row')).toHaveCount(4)
  await screenshotBothThemes(page, 'modbus-unit-scan', tools)

  // A long scan (silent ids cost the timeout each) shows progress and stops on Esc, keeping what it found.
  await units.getByLabel('Last unit id').fill('247')
  await units.getByRole('button', { name: 'Scan unit ids' }).click()
  await expect(tools.getByRole('status', { name: 'Unit scan progress status' })).toContainText(/^(1\d|[2-9]\d|1\d\d) \/ 247 ids/)
  await units.getByRole('button', { name: 'Cancel scan (Esc)' }).press('Escape')
  await expect(tools.getByRole('status', { name: 'Unit scan result' })).toHaveText('Cancelled — the units found so far are listed')
  await expect(units.getByRole('button', { name: 'Scan unit ids' })).toBeVisible()
  await expect(tools.getByRole('table', { name: 'Units found' }).getByRole('row')).toHaveCount(4)

  // Counters count the scans; the traffic log shows them in hex, filterable and exportable.
  const counters = tools.getByRole('definition')
  await expect(counters.first()).not.toHaveText('—')
  await expect(tools.getByLabel('Modbus counters')).toContainText('Timeouts')
  await tools.getByRole('tab', { name: 'Traffic log' }).click()
  const log = tools.getByRole('table', { name: 'Traffic log' })
  await expect(log.getByRole('row').filter({ hasText: 'illegal data address' }).first()).toBeVisible()
  await tools.getByLabel('Only errors').check()
  await expect(log.getByRole('cell', { name: 'ok', exact: true })).toHaveCount(0)
  await expect(log.getByRole('cell', { name: 'sent', exact: true })).toHaveCount(0)
  await tools.getByLabel('Only errors').uncheck()
  await tools.getByLabel('Direction').selectOption('tx')
  await expect(log.getByRole('row').nth(1)).toContainText('TX')
  await tools.getByRole('button', { name: 'Pause' }).click()
  await expect(tools.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible()
  await screenshotBothThemes(page, 'modbus-traffic', tools)
  await tools.getByRole('button', { name: 'Resume' }).click()

  const download = page.waitForEvent('download')
  await tools.getByRole('button', { name: 'Export log (.txt)' }).click()
  const text = readFileSync(await (await download).path(), 'utf8')
  expect(text).toMatch(/^\d{4}-\d\d-\d\dT\S+ TX unit 1 FC3 [0-9A-F ]+ /m)
  expect(text).toContain('exception 2')

  // Reset counters: the scans' exceptions are gone; the polls (which answer) keep counting.
  await expect(counters.nth(3)).not.toHaveText('0')
  await tools.getByRole('button', { name: 'Reset counters' }).click()
  await expect(counters.nth(3)).toHaveText('0')

  // A tag added from a scan of unit 2 reads unit 2 (hr:600 holds 1111 on unit 1, 2222 on unit 2, 7777 on unit 7).
  await tools.getByRole('tab', { name: 'Register scan' }).click()
  await form.getByLabel('Unit id').fill('2')
  await form.getByLabel('Start').fill('hr:600')
  await form.getByLabel('Count').fill('1')
  await form.getByRole('button', { name: 'Scan registers' }).click()
  await expect(results.getByRole('row').filter({ hasText: '40601' })).toContainText('2222')
  await results.getByLabel('Select 40601').check()
  await tools.getByLabel('Tag name prefix').fill('Unit2_')
  await tools.getByRole('button', { name: 'Add 1 as tags' }).click()
  await expect(tags.getByRole('cell', { name: 'Unit2_40601', exact: true })).toBeVisible()

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('scanner:Unit2_')
  const value = page.locator('[data-tag-value="scanner:Unit2_40601"]')
  await expect(value).toHaveText('2222')
  await page.getByRole('table', { name: 'Live tag values' }).getByRole('cell', { name: 'Unit2_40601', exact: true }).click()
  const details = page.getByRole('complementary', { name: 'Tag details' })
  await expect(details.getByLabel('Unit id', { exact: true })).toHaveText('2')
  await details.getByRole('button', { name: 'Edit unit id' }).click()
  const edit = details.getByRole('form', { name: 'Edit unit id' })
  await edit.getByLabel('Unit id').fill('7')
  await edit.getByRole('button', { name: 'Save unit id' }).click()
  await expect(details.getByLabel('Unit id', { exact: true })).toHaveText('7')
  await expect(value).toHaveText('7777')

  // hr:1100 keeps at most 500, as a PLC limiting a setpoint: the write dialog and the audit log say mismatch, not ok.
  await goTo(page, 'Connections')
  await selectConnection(page, 'Scanner')
  await addModbusTag(page, 'Scanner', { name: 'Limited', address: 'hr:1100', dataType: 'uint16', writable: true })
  await addModbusTag(page, 'Scanner', { name: 'Marker7', address: 'hr:600', dataType: 'uint16', unitId: '7' })
  await expect(tags.getByRole('row').filter({ hasText: 'Marker7' }).getByRole('cell').nth(2)).toHaveText('7')
  await armWrites(page, 'Scanner')
  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('scanner:Marker7')
  await expect(page.locator('[data-tag-value="scanner:Marker7"]')).toHaveText('7777')
  const dialog = await writeTag(page, 'scanner:Limited', 'Limited', '800')
  await expect(dialog.getByRole('alert', { name: 'Read-back mismatch' })).toContainText('800 was sent, but the device now reads 500')
  await dialog.getByRole('button', { name: 'Close' }).click()
  await goTo(page, 'Connections')
  const audit = page.getByRole('table', { name: 'Write audit entries' })
  await expect(audit.getByRole('row').filter({ hasText: 'Limited' }).first()).toContainText('mismatch')
  await expect(audit.getByRole('row').filter({ hasText: 'Limited' }).first()).toContainText('unit 1 hr:1100 (41101)')
})
