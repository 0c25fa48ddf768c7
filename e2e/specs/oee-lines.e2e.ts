import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import { openOeeSettings, openOeeTab, pickRange, screenshotBothThemes } from '../steps/oee'

const percent = /\d+\.\d %|—/

test('oee lines: add a second line, assign a machine to it, see both lines and the site, then remove it again (asked first)', async ({ page, workstation }) => {
  test.setTimeout(180_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'OEE')

  // One line (the demo plant's): no line picker, the line's own overview.
  await pickRange(page, 'Last 24 h')
  await expect(page.getByRole('table', { name: 'OEE per machine and line' })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Line', exact: true })).toHaveCount(0)

  // Add a line and name it; it has no machine yet, and the editor says how to give it one.
  await openOeeSettings(page, 'Machines')
  const lineTabs = page.getByRole('tablist', { name: 'Line', exact: true })
  await page.getByRole('button', { name: 'Add line' }).click()
  await expect(lineTabs.getByRole('tab', { name: 'Line 2 (0)' })).toHaveAttribute('aria-selected', 'true')
  await page.getByRole('textbox', { name: 'Line name' }).fill('Packaging Line 2')
  await expect(page.getByRole('note')).toContainText('Packaging Line 2 has no machine yet')
  // Saving a line without machines is refused, naming the line's field.
  await page.getByRole('button', { name: 'Save machines' }).click()
  await expect(page.getByRole('alert')).toContainText('a line needs at least one machine')

  // Assign the Labeler of Line1 to it.
  await lineTabs.getByRole('tab', { name: /^Line1/ }).click()
  await page
    .getByRole('tablist', { name: 'Machine' })
    .getByRole('tab', { name: /Labeler/ })
    .click()
  await page.getByRole('combobox', { name: "Machine's line" }).selectOption({ label: 'Packaging Line 2' })
  await expect(lineTabs.getByRole('tab', { name: 'Packaging Line 2 (1)' })).toBeVisible()
  await expect(lineTabs.getByRole('tab', { name: 'Line1 (2)' })).toBeVisible()
  await page.getByRole('button', { name: 'Save machines' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Machines saved' })).toBeVisible()
  await screenshotBothThemes(page, 'oee-lines-settings')

  // The overview: all lines with the site, then each line's machines.
  await openOeeTab(page, 'Overview')
  const picker = page.getByRole('combobox', { name: 'Line', exact: true })
  await expect(picker).toHaveValue('all')
  const site = page.getByRole('table', { name: 'OEE per line and site' })
  for (const row of ['Line1', 'Packaging Line 2', 'Site'])
    await expect(site.getByRole('row').filter({ has: page.getByRole('rowheader', { name: row, exact: true }) })).toContainText(percent)
  await expect(page.getByRole('table', { name: 'OEE of Line1' })).toContainText('Capper')
  await expect(page.getByRole('table', { name: 'OEE of Line1' })).not.toContainText('Labeler')
  await expect(page.getByRole('table', { name: 'OEE of Packaging Line 2' })).toContainText('Labeler')
  await expect(page.getByRole('img', { name: /^Site oee / })).toBeVisible()
  await screenshotBothThemes(page, 'oee-lines-all')

  // One line picked: its own figures and charts.
  await picker.selectOption({ label: 'Packaging Line 2' })
  const own = page.getByRole('table', { name: 'OEE per machine and line' })
  await expect(own.getByRole('rowheader', { name: /^Labeler/ })).toBeVisible()
  await expect(own.getByRole('rowheader', { name: /^Filler/ })).toHaveCount(0)
  await expect(page.getByRole('region', { name: 'Machine states' })).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/oee-lines-one.png', fullPage: true })

  // Back as it was for the specs after this one: the Labeler goes back to Line1, and the line is removed — asked first.
  await openOeeSettings(page, 'Machines')
  await lineTabs.getByRole('tab', { name: /^Packaging Line 2/ }).click()
  await page.getByRole('combobox', { name: "Machine's line" }).selectOption({ label: 'Line1' })
  await lineTabs.getByRole('tab', { name: /^Packaging Line 2/ }).click()
  await page.getByRole('button', { name: 'Remove line…' }).click()
  const confirm = page.getByRole('group', { name: 'Confirm removing the line' })
  await expect(confirm).toContainText('Remove Packaging Line 2 and its 0 machine(s)')
  await confirm.getByRole('button', { name: 'Keep it' }).click()
  await expect(lineTabs.getByRole('tab')).toHaveCount(2)
  await page.getByRole('button', { name: 'Remove line…' }).click()
  await confirm.getByRole('button', { name: 'Remove line', exact: true }).click()
  await expect(lineTabs.getByRole('tab')).toHaveCount(1)
  await expect(page.getByRole('tablist', { name: 'Machine' }).getByRole('tab')).toHaveText(['1. Filler', '2. Capper', '3. Labeler'])
  await page.getByRole('button', { name: 'Save machines' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Machines saved' })).toBeVisible()
  await openOeeTab(page, 'Overview')
  await expect(page.getByRole('table', { name: 'OEE per machine and line' }).getByRole('rowheader', { name: /^Labeler/ })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Line', exact: true })).toHaveCount(0)
})
