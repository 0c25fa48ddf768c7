import { readFileSync } from 'node:fs'
import { expect, test } from '../fixtures/workstation'
import { startSnap7Server } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { screenshotBothThemes } from '../steps/connection-tools'
import { connectionPanel } from '../steps/connections'
import { addS7Connection, addS7Tag } from '../steps/s7'

// An S7 connection's tools as an engineer uses them: counters that move, the hex traffic log paused, filtered and
// exported, then the connection edited to another CPU and seen to reconnect. Two Snap7 servers stand in for the CPUs.

let first: Awaited<ReturnType<typeof startSnap7Server>> | undefined
let second: Awaited<ReturnType<typeof startSnap7Server>> | undefined
test.beforeAll(async () => {
  ;[first, second] = await Promise.all([startSnap7Server(), startSnap7Server()])
})
test.afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()])
})

test('S7 tools: counters move, the traffic log pauses, filters and exports; Edit settings moves the connection and it reconnects', async ({
  page,
  workstation,
}) => {
  test.setTimeout(150_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addS7Connection(page, { name: 'Tools Press', host: '127.0.0.1', port: first!.port, family: 'S7-1500' })
  await addS7Tag(page, 'Tools Press', { name: 'Temperature', address: 'DB1.DBD0', dataType: 'REAL' })
  // DB 9 does not exist on the CPU: its reads come back as item errors.
  await addS7Tag(page, 'Tools Press', { name: 'Ghost', address: 'DB9.DBW0', dataType: 'INT' })
  const panel = connectionPanel(page, 'Tools Press')
  const tools = panel.getByRole('region', { name: 'S7 tools' })
  const counters = tools.getByLabel('S7 counters')
  await expect(counters).toContainText('Item errors')
  await expect(counters).toContainText('Refused requests')
  const requests = counters.getByRole('definition').first()
  const itemErrors = counters.getByRole('definition').nth(3)
  const number = async () => Number(await requests.textContent())

  // The polls count: requests go up, and the missing DB shows as item errors.
  await expect.poll(number, { timeout: 20_000 }).toBeGreaterThan(0)
  const start = await number()
  await expect.poll(number, { timeout: 20_000 }).toBeGreaterThan(start)
  await expect.poll(async () => Number(await itemErrors.textContent()), { timeout: 20_000 }).toBeGreaterThan(0)

  // The traffic log: read var requests and their replies in hex.
  await tools.getByRole('button', { name: 'Show traffic log' }).click()
  const log = tools.getByRole('table', { name: 'Traffic log' })
  await expect(log.getByRole('row').filter({ hasText: 'read var' }).first()).toBeVisible()
  await expect(
    log
      .getByRole('row')
      .filter({ hasText: /03 00 / })
      .first(),
  ).toBeVisible()
  await tools.getByLabel('Service filter').fill('read var')
  await tools.getByLabel('Direction').selectOption('tx')
  await expect(log.getByRole('row').nth(1)).toContainText('TX')
  await expect(log.getByRole('row').nth(1)).toContainText('read var')
  await expect(log.getByRole('cell', { name: 'RX', exact: true })).toHaveCount(0)
  await tools.getByLabel('Direction').selectOption('all')
  await tools.getByLabel('Only errors').check()
  await expect(log.getByRole('row').nth(1)).toBeVisible()
  await expect(log.getByRole('cell', { name: 'ok', exact: true })).toHaveCount(0)
  await expect(log.getByRole('cell', { name: 'sent', exact: true })).toHaveCount(0)
  await tools.getByLabel('Only errors').uncheck()
  await screenshotBothThemes(page, 's7-tools-traffic', tools)

  // Paused, the counters and the log on screen stand still; resumed, they move again.
  await tools.getByRole('button', { name: 'Pause' }).click()
  await expect(tools.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible()
  const frozen = await requests.textContent()
  const newest = await log.getByRole('row').nth(1).textContent()
  await page.waitForTimeout(2500)
  await expect(requests).toHaveText(frozen!)
  await expect(log.getByRole('row').nth(1)).toHaveText(newest!)
  await tools.getByRole('button', { name: 'Resume' }).click()
  await expect(requests).not.toHaveText(frozen!, { timeout: 20_000 })

  // Exported for a support ticket: bus-monitor lines, and CSV with the S7 columns.
  const text = page.waitForEvent('download')
  await tools.getByRole('button', { name: 'Export log (.txt)' }).click()
  const lines = readFileSync(await (await text).path(), 'utf8')
  expect(lines).toMatch(/^\d{4}-\d\d-\d\dT\S+ TX #\d+ read var 03 00 [0-9A-F ]+ sent$/m)
  const csv = page.waitForEvent('download')
  await tools.getByRole('button', { name: 'Export CSV' }).click()
  expect(readFileSync(await (await csv).path(), 'utf8').split('\n')[0]).toBe('seq,time,direction,pduRef,service,hex,result,rttMs')

  // Reset counters: the count starts again from zero (the polls go on counting).
  const before = await number()
  await tools.getByRole('button', { name: 'Reset counters' }).click()
  await expect.poll(number, { timeout: 20_000 }).toBeLessThan(before)

  // Edit settings: bad input is refused in words and nothing is lost; then the other CPU, PDU 480.
  await tools.getByRole('button', { name: 'Clear' }).click()
  await tools.getByLabel('Service filter').fill('connect')
  await panel.getByRole('button', { name: 'Edit settings' }).click()
  const edit = page.getByRole('dialog', { name: 'Edit S7 connection' })
  await expect(edit.getByLabel('Host', { exact: true })).toHaveValue('127.0.0.1')
  await expect(edit.getByLabel('Port', { exact: true })).toHaveValue(String(first!.port))
  await expect(edit.getByLabel('Slot', { exact: true })).toHaveValue('1')
  // A TSAP that is not one passes the form but not main's check: the reason is shown and the saved settings stay.
  await edit.getByLabel('Addressing').selectOption('tsap')
  await edit.getByLabel('Remote TSAP', { exact: true }).fill('XYZ')
  await edit.getByRole('button', { name: 'Save and reconnect' }).click()
  await expect(edit.getByRole('alert')).toContainText('TSAP')
  await expect(edit).toBeVisible()
  await expect(panel.getByText(`s7://127.0.0.1:${first!.port}?rack=0&slot=1`)).toBeVisible()
  await edit.getByLabel('Addressing').selectOption('rack-slot')
  await edit.getByLabel('Port', { exact: true }).fill(String(second!.port))
  await edit.getByLabel('PDU size').fill('480')
  await screenshotBothThemes(page, 's7-edit-connection', edit)
  await edit.getByRole('button', { name: 'Save and reconnect' }).click()
  await expect(edit).toBeHidden()
  await expect(panel.getByText(`s7://127.0.0.1:${second!.port}?rack=0&slot=1`)).toBeVisible()
  await expect(panel.getByText(/^(connected|degraded)$/)).toBeVisible({ timeout: 20_000 })
  // The new link's connect frames are in the same log, and the tags kept on reading.
  await expect(log.getByRole('row').filter({ hasText: 'connect' }).first()).toBeVisible({ timeout: 20_000 })
  await expect(panel.getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Temperature', exact: true })).toBeVisible()
  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('tools-press:')
  await expect(page.locator('[data-tag-value="tools-press:Temperature"]')).toContainText('21.5')
})
