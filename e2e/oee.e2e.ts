import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation } from './steps/app'
import { chooseNoDataTime, codeFirstStopWithKeys, expectNumbers, lineRow, openOeeTab, pareto, pickRange, screenshotBothThemes, uncodedQueue } from './steps/oee'

const lineAvailability = async (page: Page): Promise<number> =>
  Number(/([\d.]+) %/.exec((await page.getByRole('img', { name: /^Line availability / }).getAttribute('aria-label')) ?? '')?.[1] ?? Number.NaN)

test('oee: see A/P/Q/OEE of the demo line with the time before recording as No data, count it as breakdown instead, code that stop from the queue with the keyboard, see the Pareto change', async ({
  page,
  workstation,
}) => {
  test.setTimeout(120_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'OEE')
  await chooseNoDataTime(page, /^Leave out of planned time/)
  await openOeeTab(page, 'Overview')
  // Today includes the time before the recording started: by default it is "No data", left out of planned time.
  await pickRange(page, 'Today')
  await expectNumbers(page)
  await expect(lineRow(page)).toContainText(/\d+\.\d %/)
  const noData = page.getByRole('status', { name: 'No data' })
  await expect(noData).toContainText(/No data: (\d+ h )?\d+ min/)
  await expect(noData).toContainText('left out of planned time')
  await expect(page.getByRole('img', { name: /Loss waterfall for/ })).toHaveAttribute('aria-label', /No data left out [\d.]+ min/)
  await expect(pareto(page)).toHaveAttribute('aria-label', /no data .* of machine time left out \(not a stop\)/)
  await expect(page.getByRole('img', { name: /Machine state timeline/ })).toBeVisible()
  const leftOut = await lineAvailability(page)
  await screenshotBothThemes(page, 'oee-overview-no-data-left-out')
  await page.getByRole('region', { name: 'Machine states' }).screenshot({ path: 'test-results/screens/oee-states-no-data.png' })
  await page.getByRole('region', { name: 'Downtime Pareto' }).screenshot({ path: 'test-results/screens/oee-pareto-no-data.png' })

  // The plant counts it as breakdown instead: the setting is one click away from the figure.
  await noData.getByRole('button', { name: 'Change…' }).click()
  const section = page.getByRole('region', { name: 'Time without data' })
  await expect(section.getByRole('radio', { name: /^Leave out of planned time/ })).toBeChecked()
  await section.getByRole('radio', { name: /^Count as breakdown/ }).check()
  await page.keyboard.press('Control+s')
  await expect(page.getByRole('status').filter({ hasText: 'Saved; OEE recomputed with it.' })).toBeVisible()
  await screenshotBothThemes(page, 'oee-settings-no-data')

  await openOeeTab(page, 'Overview')
  await expect(noData).toContainText('counted as breakdown')
  await expect.poll(() => lineAvailability(page), { timeout: 30_000 }).toBeLessThan(leftOut)
  await expect(page.getByRole('img', { name: /Loss waterfall for/ })).toHaveAttribute('aria-label', /No data [\d.]+ min, Breakdowns/)
  // Now the no-data stretch is an uncoded stop, its own category in the Pareto.
  const rows = uncodedQueue(page).getByRole('row')
  await expect(rows.nth(1).getByRole('checkbox')).toBeVisible()
  await expect(uncodedQueue(page)).toContainText('no-data')
  const before = await rows.count()
  await expect(pareto(page)).toHaveAttribute('aria-label', /No data [\d.]+ min/)
  await screenshotBothThemes(page, 'oee-overview-no-data-breakdown')

  // 6 = Other, 1 = No data recorded.
  await codeFirstStopWithKeys(page, 6, 1)
  await expect.poll(() => rows.count()).toBeLessThan(before)
  await expect(pareto(page)).toHaveAttribute('aria-label', /Other \d/)
  await page.getByRole('group', { name: 'Pareto by' }).getByRole('button', { name: 'Count' }).click()
  await expect(pareto(page)).toHaveAttribute('aria-label', /by count: .*Other 1 stops/)
  await page.screenshot({ path: 'test-results/oee-coded.png', fullPage: true })
})
