import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '../fixtures/workstation'
import { startSnap7Server } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { screenshotBothThemes } from '../steps/connection-tools'
import { addDialog, armWrites, connectionPanel, selectConnection, writeTag } from '../steps/connections'
import { addS7Connection, addS7Tag } from '../steps/s7'
import { addPen, readoutRow, trendChart } from '../steps/trends'

// Siemens S7 as an engineer meets it: Snap7's own S7 server stands in for the CPU (DB1: REAL 21.5 at byte 0, INT 7 at 4).

let snap7: Awaited<ReturnType<typeof startSnap7Server>> | undefined
const folder = mkdtempSync(join(tmpdir(), 'otw-e2e-s7-'))

test.beforeAll(async () => {
  snap7 = await startSnap7Server()
})
test.afterAll(async () => {
  await snap7?.stop()
  rmSync(folder, { recursive: true, force: true })
})

test('S7 against Snap7: add the CPU with a preset, type a tag, see its value, write it armed, see the CPU identity, import a DB source', async ({
  page,
  workstation,
}) => {
  test.setTimeout(150_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')

  // The presets fill rack and slot per CPU family; LOGO! switches to TSAPs.
  await page.getByRole('button', { name: 'Add connection' }).click()
  const dialog = addDialog(page)
  await dialog.getByLabel('Protocol').selectOption('s7')
  await dialog.getByLabel('CPU family').selectOption('S7-300')
  await expect(dialog.getByLabel('Slot', { exact: true })).toHaveValue('2')
  await dialog.getByLabel('CPU family').selectOption('LOGO! 0BA7/0BA8')
  await expect(dialog.getByLabel('Remote TSAP', { exact: true })).toHaveValue('02.00')
  await dialog.getByLabel('CPU family').selectOption('S7-1500')
  await expect(dialog.getByLabel('Rack', { exact: true })).toHaveValue('0')
  await expect(dialog.getByLabel('Slot', { exact: true })).toHaveValue('1')
  await expect(dialog.getByLabel('Preset note')).toContainText('PUT/GET')
  await dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1')
  await screenshotBothThemes(page, 's7-add-connection', dialog)
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await addS7Connection(page, { name: 'Press 4', host: '127.0.0.1', port: snap7!.port, family: 'S7-1500' })
  const panel = connectionPanel(page, 'Press 4')
  await expect(panel.getByText(`s7://127.0.0.1:${snap7!.port}?rack=0&slot=1`)).toBeVisible()

  // The address is checked as it is typed: a word cannot hold a REAL, the double word can.
  const form = panel.getByRole('form', { name: 'Add tag' })
  await form.getByLabel('Address', { exact: true }).fill('DB1.DBW0')
  await form.getByLabel('Data type').fill('REAL')
  await expect(form.getByLabel('Address check')).toHaveText('DB1.DBW0: REAL takes 4 bytes, this address covers 2 — use DB1.DBD0')
  await expect(form.getByRole('button', { name: 'Add tag' })).toBeDisabled()
  await form.getByText('Address syntax').click()
  await screenshotBothThemes(page, 's7-tag-check', form)
  await form.getByLabel('Address', { exact: true }).fill('DB1.DBX6.9')
  await form.getByLabel('Data type').fill('')
  await expect(form.getByLabel('Address check')).toHaveText('DB1.DBX6.9: bit must be 0–7')
  await addS7Tag(page, 'Press 4', { name: 'Temperature', address: 'DB1.DBD0', dataType: 'REAL', writable: true })

  // What the CPU says about itself, and the DBs it lists.
  const cpu = panel.getByRole('region', { name: 'CPU identity' })
  await expect(cpu.getByText('6ES7 315-2EH14-0AB0')).toBeVisible()
  await expect(cpu.getByText('CPU 315-2 PN/DP').first()).toBeVisible()
  await expect(cpu.getByText('V3.2.6')).toBeVisible()
  await expect(cpu.getByRole('list', { name: 'Data blocks' })).toHaveText('DB1 · 32 bytes')
  await screenshotBothThemes(page, 's7-cpu-identity', cpu)

  // Live value in Tags, as for every protocol.
  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('press-4:')
  await expect(page.locator('[data-tag-value="press-4:Temperature"]')).toContainText('21.5')

  // Armed, confirmed, read back; the audit names the S7 address.
  await goTo(page, 'Connections')
  await selectConnection(page, 'Press 4')
  await armWrites(page, 'Press 4')
  await goTo(page, 'Tags')
  const write = await writeTag(page, 'press-4:Temperature', 'Temperature', '42.5')
  await expect(write.getByRole('status')).toContainText('the device now reads 42.5')
  await screenshotBothThemes(page, 's7-write', write)
  await write.getByRole('button', { name: 'Close' }).click()
  await expect(page.locator('[data-tag-value="press-4:Temperature"]')).toContainText('42.5')
  // The trend of an S7 tag, as for any other.
  await goTo(page, 'Trends')
  await addPen(page, 'press-4:Temperature')
  await expect(trendChart(page)).toBeVisible()
  await expect(readoutRow(page, 'press-4:Temperature')).toContainText('42.5')
  await expect(readoutRow(page, 'press-4:Temperature')).toContainText('good')
  await screenshotBothThemes(page, 's7-trend')

  await goTo(page, 'Connections')
  const audit = page.getByRole('table', { name: 'Write audit entries' })
  await expect(audit.getByRole('row').filter({ hasText: 'Temperature' }).first()).toContainText('DB1.DBD0 (REAL)')

  // A DB source from TIA Portal: previewed with its offsets, then imported.
  const source = join(folder, 'Press_Data.db')
  writeFileSync(
    source,
    `DATA_BLOCK "Press_Data"
{ S7_Optimized_Access := 'FALSE' }
VERSION : 0.1
   STRUCT
      Setpoint : Real;   // °C
      Count : Int;
      Running : Bool;
      Fault : Bool;
   END_STRUCT;
BEGIN
END_DATA_BLOCK
`,
  )
  await selectConnection(page, 'Press 4')
  const importer = panel.getByRole('region', { name: 'Import from TIA Portal' })
  await importer.getByLabel('DB source or tag table file').setInputFiles(source)
  await expect(importer.getByRole('alert')).toContainText('names DB "Press_Data" but not its number')
  await importer.getByLabel('DB numbers').fill('Press_Data=1')
  await importer.getByRole('button', { name: 'Preview again' }).click()
  const preview = importer.getByRole('table', { name: 'Tags to import' })
  await expect(preview.getByRole('row').filter({ hasText: 'Press_Data.Count' })).toContainText('DB1.DBW4')
  await expect(preview.getByRole('row').filter({ hasText: 'Press_Data.Fault' })).toContainText('DB1.DBX6.1')
  await expect(importer.getByLabel('Import preview')).toContainText('Press_Data = DB1, 8 bytes')
  await screenshotBothThemes(page, 's7-import-preview', importer)
  await importer.getByRole('button', { name: 'Import 4 tags' }).click()
  await expect(importer.getByRole('status')).toHaveText('Imported 4 tags.')
  await expect(panel.getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Press_Data.Count', exact: true })).toBeVisible()
  await goTo(page, 'Tags')
  await page.getByRole('searchbox', { name: 'Search tags' }).fill('press-4:Press_Data.Count')
  await expect(page.locator('[data-tag-value="press-4:Press_Data.Count"]')).toHaveText('7')
})
