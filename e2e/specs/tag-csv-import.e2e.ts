import { readFileSync } from 'node:fs'
import { expect, test } from '../fixtures/workstation'
import { startPymodbus } from '../peers/start-peer'
import { goTo, openWorkstation } from '../steps/app'
import { addModbusConnectionWithFraming, openTagImport, screenshotBothThemes } from '../steps/connection-tools'

let pymodbus: Awaited<ReturnType<typeof startPymodbus>> | undefined
test.beforeAll(async () => {
  pymodbus = await startPymodbus()
})
test.afterAll(async () => {
  await pymodbus?.stop()
})

// A Kepware export (Modbus driver): 1-based addresses, Kepware type names, tag groups in the name; one row is bad.
const KEPWARE_CSV = `Tag Name,Address,Data Type,Respect Data Type,Client Access,Scan Rate,Scaling,Raw Low,Raw High,Scaled Low,Scaled High,Scaled Data Type,Clamp Low,Clamp High,Eng Units,Description,Negate Value
"Press.Int16","400001","Short",1,"RO",250,"None",,,,,,,,"bar","Signed word",0
"Press.UInt16","400017","Word",1,"R/W",250,"None",,,,,,,,"","Unsigned word",0
"Press.Int32","400033","Long",1,"RO",250,"None",,,,,,,,"","Signed long",0
"Press.Running","000001","Boolean",1,"RO",250,"None",,,,,,,,"","First coil",0
"Press.Bcd","400002","BCD",1,"RO",250,"",,,,,,,,"","Not supported",0
`

test('Kepware tag CSV: the mapping step, per-row errors, all-or-nothing import, the tags in the tree with values, then export', async ({
  page,
  workstation,
}) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  await addModbusConnectionWithFraming(page, { name: 'Press PLC', host: '127.0.0.1', port: pymodbus!.tcpPort, framing: 'tcp' })

  await goTo(page, 'Tags')
  const dialog = await openTagImport(page)
  await dialog.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'kepware-export.csv', mimeType: 'text/csv', buffer: Buffer.from(KEPWARE_CSV) })
  await expect(dialog.getByLabel('Detected format')).toHaveText('Kepware export')
  const mapping = dialog.getByRole('table', { name: 'Column mapping' })
  await expect(mapping.getByLabel('Column for Name')).toHaveValue('Tag Name')
  await expect(mapping.getByLabel('Column for Address')).toHaveValue('Address')
  await expect(mapping.getByLabel('Column for Data type')).toHaveValue('Data Type')
  await expect(mapping.getByLabel('Column for Access')).toHaveValue('Client Access')
  await dialog.getByLabel('Target connection').selectOption('press-plc')
  await expect(dialog.getByLabel('Preview summary')).toContainText('5 rows: 4 ready, 1 with errors')
  const preview = dialog.getByRole('table', { name: 'Import preview' })
  await expect(preview.getByRole('row').filter({ hasText: 'Press.Int16' })).toContainText('hr:0')
  await expect(preview.getByRole('row').filter({ hasText: 'Press.Bcd' })).toContainText('data type "BCD" is not supported')
  await expect(dialog.getByRole('button', { name: 'Import 4 tags' })).toBeDisabled()

  // Unmapping the description changes the preview, not the file.
  await mapping.getByLabel('Column for Description').selectOption('')
  await expect(mapping.getByLabel('Column for Description')).toHaveValue('')
  await dialog.getByRole('table', { name: 'Import preview' }).scrollIntoViewIfNeeded()
  await screenshotBothThemes(page, 'tag-csv-import', dialog)

  await dialog.getByLabel(/Leave out the 1 rows with errors/).check()
  await dialog.getByRole('button', { name: 'Import 4 tags' }).click()
  await expect(dialog.getByRole('status', { name: 'Import result' })).toContainText('Imported 4 tags into Press PLC; left out 1 rows with errors')
  await dialog.getByRole('button', { name: 'Done' }).click()

  await page
    .getByRole('tree', { name: 'Tag folders' })
    .getByRole('button', { name: /Press PLC/ })
    .click()
  await expect(page.locator('[data-tag-value="press-plc:Press.Int16"]')).toContainText('-12345')
  await expect(page.locator('[data-tag-value="press-plc:Press.UInt16"]')).toContainText('54321')
  await expect(page.locator('[data-tag-value="press-plc:Press.Int32"]')).toContainText('-123456789')
  await screenshotBothThemes(page, 'tags-imported')

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV (4)' }).click()
  const file = await download
  const csv = readFileSync(await file.path(), 'utf8')
  expect(csv.split('\n')[0]).toBe(
    'id,name,path,connectionId,address,dataType,byteOrder,engineeringUnit,rangeLow,rangeHigh,rawLow,rawHigh,engLow,engHigh,deadband,access,scanRateMs,stringLength,description',
  )
  // Imported tags sit under the connection's folder, then the Kepware group.
  expect(csv).toContain('press-plc:Press.UInt16,Press.UInt16,Press PLC/Press,press-plc,hr:16,uint16,ABCD,,,,,,,,,read-write,250,,')

  // A second import of the same file clashes on every name: refused, nothing half-imported.
  const again = await openTagImport(page)
  await again.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'kepware-export.csv', mimeType: 'text/csv', buffer: Buffer.from(KEPWARE_CSV) })
  await again.getByLabel('Target connection').selectOption('press-plc')
  await expect(again.getByLabel('Preview summary')).toContainText('5 rows: 0 ready, 5 with errors')
  await expect(again.getByRole('table', { name: 'Import preview' })).toContainText('already in "Press PLC"')
  await again.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('button', { name: 'Export CSV (4)' })).toBeVisible()
})
