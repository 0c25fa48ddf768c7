import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation, tagValueCell } from './steps/app'

test.describe('first start', () => {
  test('shows the demo plant connected and its values moving', async ({ page, workstation }) => {
    await openWorkstation(page, workstation)
    await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Demo plant: connected')
    await expect(page.getByRole('table', { name: 'Live tag values' })).toContainText('Filler')

    const counter = tagValueCell(page, 'Filler', 'GoodCount')
    await expect(counter).toHaveText(/\d+ bottles/)
    const first = Number((await counter.innerText()).replace(/\D/g, ''))
    await expect.poll(async () => Number((await counter.innerText()).replace(/\D/g, '')), { timeout: 20_000 }).toBeGreaterThan(first)
    await page.screenshot({ path: 'test-results/screens/first-start-tags.png' })
  })

  test('shows a tag in the detail panel with unit, range and quality', async ({ page, workstation }) => {
    await openWorkstation(page, workstation)
    await page.getByRole('searchbox', { name: 'Search tags' }).fill('Capper.Vibration')
    await page.getByRole('cell', { name: 'Vibration', exact: true }).first().click()
    const detail = page.getByRole('complementary', { name: 'Tag details' })
    await expect(detail).toContainText('Line1.Capper.Vibration')
    await expect(detail).toContainText('mm/s')
    await expect(detail).toContainText('good')
    // Record this tag only beyond a deadband.
    await detail.getByRole('spinbutton', { name: 'Recording deadband' }).fill('0.05')
    await detail.getByRole('button', { name: 'Save recording' }).click()
    await expect(detail.getByText('Saved')).toBeVisible()
  })

  test('every view says what it holds, and the theme switches', async ({ page, workstation }) => {
    await openWorkstation(page, workstation)
    await goTo(page, 'Connections')
    await expect(page.getByRole('region', { name: 'Demo plant' })).toContainText('opc.tcp://')
    await expect(page.getByRole('region', { name: 'Connection list' })).toContainText('connected')
    await page.screenshot({ path: 'test-results/screens/connections.png' })
    await goTo(page, 'Trends')
    await expect(page.getByText('Add a pen')).toBeVisible()
    await goTo(page, 'OEE')
    await expect(page.getByRole('img').first()).toBeVisible()
    await goTo(page, 'Vision')
    await expect(page.getByRole('button', { name: 'Create dataset' })).toBeVisible()
    await goTo(page, 'Deploy')
    await expect(page.getByText('No gateway yet: add the Node-RED instance you deploy to.')).toBeVisible()
    const before = await page.locator('html').getAttribute('data-theme')
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
    await goTo(page, 'Tags')
    await page.screenshot({ path: 'test-results/screens/tags-other-theme.png' })
  })

  test('a narrow window does not scroll sideways: the status bar and the views scroll inside their own boxes', async ({ page, workstation }) => {
    await page.setViewportSize({ width: 640, height: 600 })
    await openWorkstation(page, workstation)
    const bar = page.getByRole('contentinfo', { name: 'Status bar' })
    for (const view of ['Connections', 'Trends', 'Tags'] as const) {
      await goTo(page, view)
      await expect(bar).toContainText('Demo plant: connected')
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
    }
    // The theme switch at the bar's far end stays within the window.
    const theme = page.getByRole('button', { name: /Switch to (dark|light) theme/ })
    const box = (await theme.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(640)
    await page.screenshot({ path: 'test-results/screens/narrow-window.png' })
  })
})
