import { expect, test } from '../fixtures/workstation'
import { goTo, openWorkstation } from '../steps/app'
import {
  addReason,
  chooseNoDataTime,
  screenshotBothThemes,
  codeFirstStopWith,
  openOeeSettings,
  openOeeTab,
  pareto,
  pickRange,
  plannedCell,
  splitStopInsideRange,
  stopsTable,
  switchTheme,
} from '../steps/oee'

const minutes = (text: string | null): number => Number(/([\d.]+) min/.exec(text ?? '')?.[1] ?? Number.NaN)

test('oee settings: add a reason, code a stop with it, split and merge the stop, move a shift boundary and see planned time change', async ({
  page,
  workstation,
}) => {
  test.setTimeout(180_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'OEE')

  // This plant counts time without data (before the recording started) as breakdown: it becomes a stop to code.
  await chooseNoDataTime(page, /^Count as breakdown/)
  await expect(page.getByRole('region', { name: 'Time without data' })).toContainText('last changed by operator')

  // The reason tree: add "Foaming" to Process (the 4th category, where it becomes the 4th reason).
  await openOeeSettings(page, 'Reasons and rules')
  await addReason(page, 'Process', 'Foaming')
  await screenshotBothThemes(page, 'oee-settings-reasons')

  // Code the first uncoded stop of today with it, from the keyboard.
  await openOeeTab(page, 'Overview')
  await pickRange(page, 'Today')
  await expect(page.getByRole('table', { name: 'Uncoded stops' }).getByRole('row').nth(1).getByRole('checkbox')).toBeVisible()
  await codeFirstStopWith(page, 4, 4)
  await expect(pareto(page)).toHaveAttribute('aria-label', /Process \d/)

  // A stop picked on the state timeline opens its split dialog at the picked time.
  await page
    .getByRole('region', { name: 'Machine states' })
    .getByRole('button', { name: /^Split Capper no-data stop/ })
    .click()
  await expect(page.getByRole('dialog', { name: 'Split stop' })).toContainText(/First part .* second part/)
  await page.getByRole('dialog', { name: 'Split stop' }).getByRole('button', { name: 'Cancel' }).click()

  // Split that stop in the middle, then merge the two parts back; the history says who did what.
  await openOeeTab(page, 'Stops')
  const coded = stopsTable(page).getByRole('row').filter({ hasText: 'Process / Foaming' })
  await expect(coded).toHaveCount(1)
  await coded.getByRole('cell').nth(2).click()
  await splitStopInsideRange(page, coded)
  await expect(coded).toHaveCount(2)
  await expect(page.getByRole('complementary', { name: 'Stop history' })).toContainText('split')
  // Splitting outside the stop is refused with the reason.
  await coded.first().getByRole('cell').nth(2).click()
  await page.keyboard.press('s')
  const dialog = page.getByRole('dialog', { name: 'Split stop' })
  const startText = (await coded.first().getByRole('cell').nth(2).textContent()) ?? ''
  await dialog.getByLabel('Split at').fill(startText.replace(' ', 'T'))
  await expect(dialog).toContainText('The split time must lie inside the stop.')
  await dialog.getByRole('button', { name: 'Split', exact: true }).click()
  await expect(dialog.getByRole('alert')).toContainText(/cannot split event .* strictly between/)
  await page.screenshot({ path: 'test-results/screens/oee-split-dialog-a.png' })
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await switchTheme(page)
  await stopsTable(page).focus()
  await page.keyboard.press('s')
  await page.screenshot({ path: 'test-results/screens/oee-split-dialog-b.png' })
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await switchTheme(page)

  await coded.nth(0).getByRole('checkbox').check()
  await coded.nth(1).getByRole('checkbox').check()
  await page
    .getByRole('region', { name: 'Stops' })
    .getByRole('button', { name: /^Merge/ })
    .click()
  await expect(coded).toHaveCount(1)
  const history = page.getByRole('complementary', { name: 'Stop history' })
  await expect(history).toContainText('merged')
  // Recode the merged stop and comment it from the same screen; both land in its history.
  await coded.first().getByRole('cell').nth(2).click()
  await page.getByLabel('Reason for the stops').selectOption({ label: 'Process / Cleaning' })
  await page.getByRole('textbox', { name: 'Comment' }).fill('line cleared after foaming')
  await page.getByRole('button', { name: 'Apply to 1 stop' }).click()
  await expect(stopsTable(page).getByRole('row').filter({ hasText: 'Process / Cleaning' })).toContainText('line cleared after foaming')
  await expect(history).toContainText('commented')
  await expect(history).toContainText(/split .*by operator/)
  await screenshotBothThemes(page, 'oee-stops')

  // Move the start of the early shift from 06:00 to 07:00: today's planned time loses (up to) that hour.
  await openOeeTab(page, 'Overview')
  await expect(plannedCell(page, 'Filler')).toContainText(/min/)
  const before = minutes(await plannedCell(page, 'Filler').textContent())
  await openOeeSettings(page, 'Shift calendar')
  await page.getByLabel('Early start').fill('07:00')
  // An overlap is refused with the shifts named, and nothing is saved.
  await page.getByLabel('Night end').fill('08:00')
  await page.getByRole('button', { name: 'Save calendar' }).click()
  await expect(page.getByRole('alert')).toContainText(/shifts "Early" \(07:00–14:00\) and "Night" \(22:00–08:00\) overlap/)
  await page.screenshot({ path: 'test-results/screens/oee-settings-calendar-error.png', fullPage: true })
  await page.getByLabel('Night end').fill('06:00')
  await page.keyboard.press('Control+s')
  await expect(page.getByRole('status').filter({ hasText: 'Calendar saved' })).toBeVisible()
  await screenshotBothThemes(page, 'oee-settings-calendar')
  await openOeeTab(page, 'Overview')
  await expect.poll(async () => minutes(await plannedCell(page, 'Filler').textContent()), { timeout: 30_000 }).toBeLessThan(before - 0.2)

  // The machine screen, with an unknown tag refused.
  await openOeeSettings(page, 'Machines')
  await page.getByRole('combobox', { name: 'Reject counter' }).fill('Line1.Filler.RejectCnt')
  await page.getByRole('button', { name: 'Save machines' }).click()
  await expect(page.getByRole('alert')).toContainText('unknown tag "Line1.Filler.RejectCnt"')
  await screenshotBothThemes(page, 'oee-settings-machines')
})
