import { readFileSync } from 'node:fs'
import mqtt from 'mqtt'
import { expect, test } from '../fixtures/workstation'
import { startMosquittoOpen, type Mosquitto } from '../peers/mosquitto'
import { startPymodbus } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addModbusConnectionWithFraming } from '../steps/connection-tools'
import { connectionPanel } from '../steps/connections'
import { addMqttConnection, mqttExplorer } from '../steps/mqtt'

// What a controls engineer does on day one: a Modbus tag with scale, unit and scan rate, armed and written from Tags,
// the audit log filtered and exported; Mosquitto explored (collapsed tree, search, natural order), published to and a
// retained topic cleared, the explorer still running after a trip to another view.

let pymodbus: Awaited<ReturnType<typeof startPymodbus>> | undefined
let mosquitto: Mosquitto | undefined
test.beforeAll(async () => {
  pymodbus = await startPymodbus()
  mosquitto = await startMosquittoOpen()
})
test.afterAll(async () => {
  await pymodbus?.stop()
  await mosquitto?.stop()
})

test('Modbus tag form with scale, unit and scan rate; arm and write from Tags; the audit log filtered and exported', async ({ page, workstation }) => {
  test.setTimeout(150_000)
  const name = `Press ${Date.now() % 100000}`
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addModbusConnectionWithFraming(page, { name, host: '127.0.0.1', port: pymodbus!.tcpPort, framing: 'tcp' })
  const form = connectionPanel(page, name).getByRole('form', { name: 'Add tag' })
  await form.getByLabel('Tag name').fill('Pressure')
  await form.getByLabel('Address', { exact: true }).fill('41001')
  await form.getByLabel('Scale').fill('0')
  await expect(form).toContainText('Scale: a number other than 0')
  await expect(form.getByRole('button', { name: 'Add tag' })).toBeDisabled()
  await form.getByLabel('Scale').fill('0.1')
  await form.getByLabel('Unit', { exact: true }).fill('bar')
  await form.getByLabel('Scan rate (ms)').fill('250')
  await form.getByLabel('Range low').fill('0')
  await form.getByLabel('Range high').fill('100')
  await form.getByLabel(/Writable/).check()
  await expect(form.getByLabel('Scaling')).toContainText('engineering = raw × 0.1 + 0 bar')
  await form.screenshot({ path: 'test-results/screens/modbus-tag-form.png' })
  await form.getByRole('button', { name: 'Add tag' }).click()
  await expect(connectionPanel(page, name).getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Pressure', exact: true })).toBeVisible()

  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('Pressure')
  await page
    .getByRole('table', { name: 'Live tag values' })
    .getByRole('row')
    .filter({ hasText: name })
    .getByRole('cell', { name: 'Pressure', exact: true })
    .click()
  const details = page.getByRole('complementary', { name: 'Tag details' })
  await expect(details).toContainText('bar')
  await details.getByRole('switch', { name: 'Arm writes' }).click()
  await expect(details.getByRole('status', { name: 'Write arming' })).toContainText(/Armed for writes — disarms in [45]:\d\d/)
  await details.getByRole('button', { name: 'Write…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Write Pressure' })
  await dialog.getByLabel('New value').fill('250')
  await dialog.getByRole('button', { name: 'Check' }).click()
  const confirm = dialog.getByRole('button', { name: 'Confirm write' })
  await expect(confirm).toBeDisabled()
  // Disabled looks disabled: faded and a not-allowed cursor.
  expect(Number(await confirm.evaluate((b) => getComputedStyle(b).opacity))).toBeLessThan(0.6)
  expect(await confirm.evaluate((b) => getComputedStyle(b).cursor)).toBe('not-allowed')
  await dialog.screenshot({ path: 'test-results/screens/write-confirm-disabled.png' })
  await dialog.getByRole('button', { name: 'Change value' }).click()
  await dialog.getByLabel('New value').fill('12.3')
  await dialog.getByRole('button', { name: 'Check' }).click()
  await dialog.getByRole('button', { name: 'Confirm write' }).click()
  await expect(dialog.getByRole('status')).toContainText('the device now reads 12.30 bar')
  await dialog.getByRole('button', { name: 'Close' }).click()

  await goTo(page, 'Connections')
  const audit = page.getByRole('region', { name: 'Audit log' })
  await audit.getByLabel('Connection', { exact: true }).selectOption({ label: name })
  const rows = audit.getByRole('table', { name: 'Write audit entries' }).getByRole('row')
  const ok = rows.filter({ hasText: 'written, read back' })
  await expect(ok).toHaveCount(1)
  // The tag's name, not `<connection id>:Pressure`; 24-hour time with the date.
  await expect(ok.getByRole('cell', { name: 'Pressure', exact: true })).toBeVisible()
  await expect(ok.getByRole('cell').first()).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
  await audit.getByLabel('Result').selectOption('refused')
  await expect(rows.filter({ hasText: 'refused' })).toHaveCount(1)
  await expect(audit.getByRole('status', { name: 'Audit rows shown' })).toContainText('1 of')
  await audit.getByLabel('Result').selectOption('')
  const download = page.waitForEvent('download')
  await audit.getByRole('button', { name: 'Export CSV' }).click()
  const csv = readFileSync((await (await download).path())!, 'utf8')
  expect(csv.split('\r\n')[0]).toBe('time,user,connection,tag,address,old,new,result,message')
  expect(csv).toContain(`,${name},Pressure,`)
  await audit.screenshot({ path: 'test-results/screens/audit-log-filtered.png' })
})

test('MQTT explorer on Mosquitto: collapsed tree, search, natural order, survives a view switch; publish and clear retained, armed and audited', async ({
  page,
  workstation,
}) => {
  test.setTimeout(150_000)
  const name = `Site broker ${Date.now() % 100000}`
  const root = `e2e${Date.now() % 100000}`
  const peer = await mqtt.connectAsync(mosquitto!.url)
  try {
    for (const s of ['s10', 's2', 's1']) await peer.publishAsync(`${root}/sensors/${s}`, `{"v":${s.slice(1)}}`, { retain: true, qos: 1 })
    await openWorkstation(page, workstation)
    await goTo(page, 'Connections')
    await addMqttConnection(page, { name, url: mosquitto!.url })
    const explorer = mqttExplorer(page)
    const picker = explorer.getByLabel('Explore', { exact: true })
    await picker.selectOption((await picker.locator('option', { hasText: `${name} (` }).getAttribute('value')) ?? '')
    await explorer.getByRole('button', { name: 'Explore broker' }).click()
    await expect(explorer.getByRole('status', { name: 'Explorer status' })).toContainText('connected')
    const tree = explorer.getByRole('tree', { name: 'Topics' })
    const top = tree.getByRole('treeitem', { name: root, exact: true })
    await expect(top).toHaveAttribute('aria-expanded', 'false')
    await expect(tree.getByRole('treeitem', { name: `${root}/sensors/s2`, exact: true })).toBeHidden()
    await top.getByRole('button', { name: `Expand ${root}`, exact: true }).click()
    await tree.getByRole('button', { name: `Expand ${root}/sensors`, exact: true }).click()
    const sensors = tree
      .getByRole('treeitem', { name: `${root}/sensors`, exact: true })
      .getByRole('group')
      .getByRole('treeitem')
    await expect(sensors).toHaveCount(3)
    expect(await sensors.evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')))).toEqual([
      `${root}/sensors/s1`,
      `${root}/sensors/s2`,
      `${root}/sensors/s10`,
    ])
    await explorer.getByRole('searchbox', { name: 'Search topics' }).fill('s10')
    await expect(tree.getByRole('treeitem', { name: `${root}/sensors/s10`, exact: true })).toBeVisible()
    await expect(tree.getByRole('treeitem', { name: `${root}/sensors/s2`, exact: true })).toBeHidden()

    // Another view and back: the same session, still connected, the search kept.
    await goTo(page, 'Tags')
    await goTo(page, 'Connections')
    await expect(explorer.getByRole('status', { name: 'Explorer status' })).toContainText('connected')
    await expect(explorer.getByRole('button', { name: 'Stop exploring' })).toBeVisible()
    await expect(explorer.getByRole('searchbox', { name: 'Search topics' })).toHaveValue('s10')
    await explorer.getByRole('searchbox', { name: 'Search topics' }).fill(`${root}/sensors/s2`)
    await tree
      .getByRole('treeitem', { name: `${root}/sensors/s2`, exact: true })
      .getByRole('button', { name: /^s2/ })
      .click()

    const publish = explorer.getByRole('region', { name: 'Publish' })
    await expect(publish.getByRole('button', { name: 'Publish…' })).toBeDisabled()
    await publish.getByRole('switch', { name: 'Arm writes' }).click()
    await expect(publish.getByRole('status', { name: 'Write arming' })).toContainText(/Armed for publishing/)
    const got = new Promise<string>((resolve) => peer.on('message', (topic, payload) => topic === `${root}/cmd/start` && resolve(payload.toString())))
    await peer.subscribeAsync(`${root}/cmd/start`, { qos: 1 })
    await publish.getByLabel('Topic', { exact: true }).fill(`${root}/cmd/+`)
    await expect(publish).toContainText('no wildcards')
    await publish.getByLabel('Topic', { exact: true }).fill(`${root}/cmd/start`)
    await publish.getByLabel('Payload').fill('{"start":true}')
    await publish.getByLabel('QoS').selectOption('1')
    await publish.getByRole('button', { name: 'Publish…' }).click()
    const confirm = page.getByRole('dialog', { name: 'Publish message' })
    await expect(confirm.getByLabel('Topic')).toHaveText(`${root}/cmd/start`)
    await expect(confirm.getByLabel('Payload')).toHaveText('{"start":true}')
    await expect(confirm.getByLabel('QoS')).toHaveText('1')
    await expect(confirm.getByLabel('Retain')).toHaveText('no')
    await confirm.screenshot({ path: 'test-results/screens/mqtt-publish-confirm.png' })
    await confirm.getByRole('button', { name: 'Confirm publish' }).click()
    await expect(confirm.getByRole('status')).toContainText(`Published to ${root}/cmd/start (QoS 1`)
    expect(await got).toBe('{"start":true}')
    await confirm.getByRole('button', { name: 'Close' }).click()

    const details = explorer.getByRole('complementary', { name: 'Topic details' })
    await details.getByRole('button', { name: 'Clear retained…' }).click()
    const clear = page.getByRole('dialog', { name: 'Clear retained message' })
    await expect(clear.getByLabel('Topic')).toHaveText(`${root}/sensors/s2`)
    await clear.getByRole('button', { name: 'Confirm clear' }).click()
    await expect(clear.getByRole('status')).toContainText('Cleared the retained message')
    await clear.getByRole('button', { name: 'Close' }).click()
    await page.screenshot({ path: 'test-results/screens/mqtt-explorer-publish.png', fullPage: true })

    const audit = page.getByRole('region', { name: 'Audit log' })
    await audit.getByLabel('Connection', { exact: true }).selectOption({ label: name })
    const rows = audit.getByRole('table', { name: 'Write audit entries' }).getByRole('row')
    await expect(rows.filter({ hasText: `publish ${root}/cmd/start` })).toContainText('{"start":true}')
    await expect(rows.filter({ hasText: `clear retained ${root}/sensors/s2` })).toContainText('ok')
  } finally {
    await peer.endAsync(true)
  }
})
