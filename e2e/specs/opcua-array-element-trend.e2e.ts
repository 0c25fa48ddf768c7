import { expect, test } from '../fixtures/workstation'
import { goTo } from '../steps/app'
import { screenshotBothThemes } from '../steps/connection-tools'
import { trendChart } from '../steps/trends'
import { browseToOpen62541Press, useOpen62541Peer } from '../steps/open62541'

// One element of an OPC UA array becomes its own tag and is trended like any other: against open62541, whose
// Plant/Line2/Press/Profile is a Double[4] holding [t, sin t, cos t, Setpoint]. The demo
// plant's OPC UA server has no arrays, so the foreign peer serves them.

const open62541 = useOpen62541Peer()

test('OPC UA array: one element added as a tag and shown in Trends (open62541)', async ({ page, workstation }) => {
  const peer = open62541()
  test.skip(!peer, 'the open62541 peer is not beside this repository (shared/peers/open62541)')
  test.setTimeout(120_000)
  const { panel, tree } = await browseToOpen62541Press(page, workstation, 'Press array', peer!)
  await tree.getByRole('button', { name: 'Select Profile', exact: true }).click()
  const attributes = panel.getByRole('region', { name: 'Attributes' })
  await expect(attributes.getByLabel('Data type')).toHaveText('Double[4]')
  await attributes.getByRole('button', { name: /Array of 4/ }).click()
  await attributes.getByRole('button', { name: 'Add element 1 as tag' }).click()
  await expect(attributes.getByRole('status')).toContainText('Added Profile[1] as a tag')
  await expect(panel.getByRole('table', { name: 'Connection tags' }).getByRole('cell', { name: 'Profile[1]', exact: true })).toBeVisible()

  // In Trends the element (sin t) is a pen of its own: a scalar, by name, with its value and quality in the readout.
  await goTo(page, 'Trends')
  const search = page.getByRole('searchbox', { name: 'Find a tag to add as a pen' })
  await search.fill('press-array:Profile')
  await expect(page.getByRole('list', { name: 'Tags' }).getByRole('listitem')).toHaveCount(1)
  await page.getByRole('button', { name: 'Add press-array:Profile[1]', exact: true }).click()
  await expect(trendChart(page)).toBeVisible()
  const row = page.getByRole('table', { name: 'Cursor readout' }).getByRole('row').filter({ hasText: 'Press array / Profile[1]' })
  await expect(row).toContainText('good')
  await expect(row.getByRole('cell').nth(1)).toHaveText(/^-?(0|1|0\.\d+)$/)
  await expect(trendChart(page)).toHaveAccessibleName(/Profile\[1\]/)
  await screenshotBothThemes(page, 'opcua-array-element-trend')
})
