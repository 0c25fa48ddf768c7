import { expect, test } from './fixtures/workstation'
import { goTo, openWorkstation } from './steps/app'
import { addPen, readoutRow, trendChart } from './steps/trends'

test('trends: add two pens from the demo plant, see them move, zoom into the past, read the cursor values', async ({ page, workstation }) => {
  await openWorkstation(page, workstation)
  await goTo(page, 'Trends')
  await addPen(page, 'Line1.Filler.Speed')
  await addPen(page, 'Line1.Capper.GoodCount')
  await expect(page.getByRole('status', { name: 'Range' })).toContainText('Live')

  // Live: the counter pen's readout keeps growing as the historian records the plant.
  const counter = readoutRow(page, 'Line1.Capper.GoodCount').getByRole('cell').nth(1)
  await expect(counter).toHaveText(/\d+ bottles/)
  const first = Number((await counter.innerText()).replace(/\D/g, ''))
  await expect.poll(async () => Number((await counter.innerText()).replace(/\D/g, '')), { timeout: 20_000 }).toBeGreaterThan(first)
  await expect(readoutRow(page, 'Line1.Filler.Speed')).toContainText('bpm')
  await expect(readoutRow(page, 'Line1.Filler.Speed')).toContainText('good')

  // The recording's retention is set where the history is looked at.
  const recording = page.getByRole('region', { name: 'Recording' })
  await expect(recording.getByRole('status', { name: 'Historian' })).toContainText('samples')
  await recording.getByRole('spinbutton', { name: 'Keep raw history (days)' }).fill('30')
  await recording.getByRole('button', { name: 'Save retention' }).click()
  await expect(recording.getByText('Saved')).toBeVisible()

  // Export the recorded history of both pens: progress, then where the file is.
  await page.getByRole('group', { name: 'Export history' }).getByRole('combobox', { name: 'Export format' }).selectOption('csv-long')
  await page.getByRole('button', { name: 'Export history' }).click()
  await expect(page.getByRole('group', { name: 'Export history' }).getByRole('status')).toContainText(/Exported [\d,]+ rows .* to .*history-.*\.csv/)
  // and as Parquet (long format) for pandas/Spark/DuckDB
  await page.getByRole('group', { name: 'Export history' }).getByRole('combobox', { name: 'Export format' }).selectOption('parquet')
  await page.getByRole('button', { name: 'Export history' }).click()
  await expect(page.getByRole('group', { name: 'Export history' }).getByRole('status')).toContainText(/Exported [\d,]+ rows .* to .*history-.*-parquet\.parquet/)
  await page.getByRole('group', { name: 'Export history' }).screenshot({ path: 'test-results/screens/trends-export-parquet.png' })

  // Zoom into the past with the mouse wheel: the view leaves live mode and shows recorded history.
  const chart = trendChart(page)
  const box = (await chart.boundingBox())!
  // Zoom around the newest samples (near the right edge) so the zoomed window still holds this short recording.
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2)
  await page.mouse.wheel(0, -400)
  await expect(page.getByRole('status', { name: 'Range' })).toContainText('History')
  await expect(page.getByRole('button', { name: /Back to live/ })).toBeVisible()

  // The cursor readout follows the mouse over recorded samples (a person moves along the line until it shows a value).
  const speed = readoutRow(page, 'Line1.Filler.Speed').getByRole('cell').nth(1)
  let x = 0.99
  await expect
    .poll(
      async () => {
        await page.mouse.move(box.x + box.width * x, box.y + box.height / 2)
        x = x > 0.5 ? x - 0.02 : 0.99
        return speed.innerText()
      },
      { timeout: 20_000 },
    )
    .toMatch(/\d+(\.\d+)? bpm/)
  await page.screenshot({ path: 'test-results/screens/trends-zoomed.png' })

  // Keyboard: L goes back to live.
  await chart.focus()
  await page.keyboard.press('l')
  await expect(page.getByRole('status', { name: 'Range' })).toContainText('Live')
})
