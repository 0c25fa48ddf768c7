import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation } from './steps/app'
import { codeFirstStopWithKeys, expectNumbers, lineRow, pareto, pickRange, uncodedQueue } from './steps/oee'

test('oee: see A/P/Q/OEE of the demo line, code a stop from the queue with the keyboard, see the Pareto change', async ({ page, workstation }) => {
  await openWorkstation(page, workstation)
  await goTo(page, 'OEE')
  // Today includes the time before the recording started: a no-data stretch in planned time is an uncoded stop.
  await pickRange(page, 'Today')
  await expectNumbers(page)
  await expect(lineRow(page)).toContainText(/\d+\.\d %/)
  await expect(page.getByRole('img', { name: /Loss waterfall for/ })).toBeVisible()
  await expect(page.getByRole('img', { name: /Machine state timeline/ })).toBeVisible()
  await page.screenshot({ path: 'test-results/oee-overview.png', fullPage: true })

  const rows = uncodedQueue(page).getByRole('row')
  await expect(rows.nth(1).getByRole('checkbox')).toBeVisible()
  const before = await rows.count()
  await expect(pareto(page)).toHaveAttribute('aria-label', /Uncoded/)

  // 6 = Other, 1 = No data recorded.
  await codeFirstStopWithKeys(page, 6, 1)
  await expect.poll(() => rows.count()).toBeLessThan(before)
  await expect(pareto(page)).toHaveAttribute('aria-label', /Other \d/)
  await page.getByRole('group', { name: 'Pareto by' }).getByRole('button', { name: 'Count' }).click()
  await expect(pareto(page)).toHaveAttribute('aria-label', /by count: .*Other 1 stops/)
  await page.screenshot({ path: 'test-results/oee-coded.png', fullPage: true })
})
