import { expect, test } from '../fixtures/workstation'
import { screenshotBothThemes } from '../steps/connection-tools'
import { armWrites } from '../steps/connections'
import { browseToOpen62541Press, useOpen62541Peer } from '../steps/open62541'

// Against open62541 (a server nobody here wrote): a person selects a node in the browse tree and reads its attributes,
// expands an array and adds one element as a tag, then calls a method with a typed input, confirmed and audited.

const open62541 = useOpen62541Peer()

test('OPC UA attributes pane, an array expanded, a method called with typed inputs (open62541)', async ({ page, workstation }) => {
  const peer = open62541()
  test.skip(!peer, 'the open62541 peer is not beside this repository (shared/peers/open62541)')
  test.setTimeout(180_000)
  const name = `Press o62 ${Date.now().toString(36)}`
  const { panel, tree } = await browseToOpen62541Press(page, workstation, name, peer!)

  // A scalar: value, data type, access level, minimum sampling.
  await tree.getByRole('button', { name: 'Select Setpoint', exact: true }).click()
  const attributes = panel.getByRole('region', { name: 'Attributes' })
  await expect(attributes.getByRole('heading')).toHaveText('Attributes of Setpoint')
  await expect(attributes.getByLabel('Data type')).toHaveText('Double')
  await expect(attributes.getByLabel('Access level')).toHaveText('CurrentRead, CurrentWrite')
  await expect(attributes.getByLabel('Minimum sampling')).toHaveText('200 ms')

  // A tag with its own sampling interval and deadband.
  await attributes.getByLabel('Sampling interval (ms)').fill('500')
  await attributes.getByLabel('Deadband type').selectOption('absolute')
  await attributes.getByLabel('Deadband value').fill('0.5')
  await attributes.getByRole('button', { name: 'Add with these settings' }).click()
  await expect(attributes.getByRole('status')).toHaveText('Added Setpoint as a tag.')
  await expect(panel.getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Setpoint', exact: true })).toBeVisible()

  // An array: its data type with the dimension, expanded to its four elements; one becomes a tag to trend.
  await tree.getByRole('button', { name: 'Select Profile', exact: true }).click()
  await expect(attributes.getByRole('heading')).toHaveText('Attributes of Profile')
  await expect(attributes.getByLabel('Data type')).toHaveText('Double[4]')
  await expect(attributes.getByLabel('Access level')).toHaveText('CurrentRead')
  await attributes.getByRole('button', { name: /Array of 4/ }).click()
  const elements = attributes.getByRole('table', { name: 'Array elements' })
  await expect(elements.getByRole('row')).toHaveCount(5)
  await expect(elements.getByRole('row').nth(4)).toContainText('[3]')
  await expect(elements.getByRole('row').nth(4)).toContainText('120')
  await screenshotBothThemes(page, 'opcua-attributes-array', attributes)
  await attributes.getByRole('button', { name: 'Add element 3 as tag' }).click()
  await expect(attributes.getByRole('status')).toContainText('Added Profile[3] as a tag')
  await expect(panel.getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Profile[3]', exact: true })).toBeVisible()

  // A method: its typed arguments by name, called only once armed, confirmed against exactly the inputs shown.
  await tree.getByRole('button', { name: 'Select ResetCounter', exact: true }).click()
  await expect(attributes.getByLabel('Inputs')).toHaveText('start: Int32')
  await expect(attributes.getByLabel('Outputs')).toHaveText('ok: Boolean')
  await armWrites(page, name)
  await attributes.getByRole('button', { name: 'Call ResetCounter…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Call ResetCounter' })
  await dialog.getByLabel('start (Int32)').fill('2.5')
  await dialog.getByRole('button', { name: 'Review call' }).click()
  await expect(dialog.getByRole('alert')).toHaveText('start: an Int32 is a whole number')
  await dialog.getByLabel('start (Int32)').fill('40')
  await dialog.getByRole('button', { name: 'Review call' }).click()
  const confirm = dialog.getByRole('definition')
  await expect(confirm).toHaveCount(1)
  await expect(dialog.getByLabel('Input start')).toHaveText('40')
  await screenshotBothThemes(page, 'opcua-method-confirm', dialog)
  await dialog.getByRole('button', { name: 'Confirm call' }).click()
  await expect(dialog.getByRole('status')).toHaveText('Called ResetCounter: Good.')
  await expect(dialog.getByLabel('Output ok')).toHaveText('true')
  await dialog.getByRole('button', { name: 'Close' }).click()

  const audit = page.getByRole('table', { name: 'Write audit entries' })
  const row = audit.getByRole('row').filter({ hasText: name }).filter({ hasText: 'method ns=1;s=Plant.Line2.Press.ResetCounter' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('[40]')
  await expect(row).toContainText('ok')
})
