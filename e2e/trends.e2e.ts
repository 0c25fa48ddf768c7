import { expect, test } from './fixtures/workstation'
import { dismissNotices, goTo, openWorkstation } from './steps/app'
import { addModbusConnection, addModbusTag, connectionPanel, demoEndpoints, selectConnection } from './steps/connections'
import { addPen, readoutRow, trendChart } from './steps/trends'

test('trends: add two pens from the demo plant, see them move, zoom into the past, read the cursor values', async ({ page, workstation }) => {
  await openWorkstation(page, workstation)
  await goTo(page, 'Trends')
  await addPen(page, 'Line1.Filler.Speed')
  await addPen(page, 'Line1.Capper.GoodCount')
  await expect(page.getByRole('status', { name: 'Range' })).toContainText('Live')

  // Live: the readout follows the newest samples as the historian records the plant; the counter never goes back. (It
  // stands still while the demo line is in one of its stops, which come at times relative to the plant's start.)
  const counter = readoutRow(page, 'Line1.Capper.GoodCount').getByRole('cell').nth(1)
  const counterAt = readoutRow(page, 'Line1.Capper.GoodCount').getByRole('cell').nth(3)
  await expect(counter).toHaveText(/\d+ bottles/)
  const first = Number((await counter.innerText()).replace(/\D/g, ''))
  const firstAt = await counterAt.innerText()
  await expect.poll(() => counterAt.innerText(), { timeout: 20_000 }).not.toBe(firstAt)
  expect(Number((await counter.innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(first)
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
  await expect(page.getByRole('group', { name: 'Export history' }).getByRole('status')).toContainText(
    /Exported [\d,]+ rows .* to .*history-.*-parquet\.parquet/,
  )
  await page.getByRole('group', { name: 'Export history' }).screenshot({ path: 'test-results/screens/trends-export-parquet.png' })

  // Zoom into the past with the mouse wheel: the view leaves live mode and shows recorded history. A notice from an
  // earlier step may sit over the chart's right edge: closed first, as a person would.
  await dismissNotices(page)
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

test('trends: a connection lost and back leaves a gap in the trend, live and in history, that the readout calls "no data"', async ({ page, workstation }) => {
  test.setTimeout(150_000)
  await openWorkstation(page, workstation)
  await goTo(page, 'Connections')
  // A name of its own: the workstation is shared with connections.e2e, which adds a "Filler PLC" (its id would be filler-plc-2 here).
  const demo = await demoEndpoints(page)
  await addModbusConnection(page, 'Capper gap PLC', demo.modbusHost, demo.modbusPort)
  await addModbusTag(page, 'Capper gap PLC', { name: 'Speed', address: '30003', dataType: 'float32' })

  await goTo(page, 'Trends')
  await addPen(page, 'capper-gap-plc:Speed')
  const speed = readoutRow(page, 'capper-gap-plc:Speed')
  const quality = speed.getByRole('cell').nth(2)
  await expect(quality).toHaveText('good')
  // Some seconds of values before the outage, the outage itself and values after it: each wide enough to see and to point at.
  const stretch = (): Promise<void> => page.waitForTimeout(8_000)
  await stretch()

  // The connection goes away: live, the pen's line ends and the readout says why there is nothing to show.
  await goTo(page, 'Connections')
  await selectConnection(page, 'Capper gap PLC')
  await connectionPanel(page, 'Capper gap PLC').getByRole('button', { name: 'Disconnect' }).click()
  await expect(connectionPanel(page, 'Capper gap PLC').getByText('disconnected', { exact: true })).toBeVisible()
  await goTo(page, 'Trends')
  await expect(quality).toHaveText(/^no data — Capper gap PLC/)
  await expect(speed.getByRole('cell').nth(1)).toHaveText('—')
  await stretch()

  await goTo(page, 'Connections')
  await selectConnection(page, 'Capper gap PLC')
  await connectionPanel(page, 'Capper gap PLC').getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(connectionPanel(page, 'Capper gap PLC').getByText('connected', { exact: true })).toBeVisible()
  await goTo(page, 'Trends')
  await expect(quality).toHaveText('good')
  await stretch()

  // Zoom to the last minute by dragging over it: recorded history, no longer moving. Notices closed first (see above).
  await dismissNotices(page)
  const chart = trendChart(page)
  let box = (await chart.boundingBox())!
  const at = (fraction: number): [number, number] => [box.x + box.width * fraction, box.y + box.height / 2]
  await page.mouse.move(...at(0.8))
  await page.mouse.down()
  await page.mouse.move(...at(0.9), { steps: 5 })
  await page.mouse.move(...at(0.999), { steps: 5 })
  await page.mouse.up()
  await expect(page.getByRole('status', { name: 'Range' })).toContainText('History')

  // A person moves along the line from the newest values back until the readout shows the gap.
  let x = 0.99
  await expect
    .poll(
      async () => {
        await page.mouse.move(...at(x))
        x -= 0.01
        return quality.innerText()
      },
      { timeout: 30_000, intervals: [50] },
    )
    .toMatch(/^no data — Capper gap PLC/)
  const gap = x + 0.01
  await expect(speed.getByRole('cell').nth(1)).toHaveText('—')
  // Past the gap, on either side, the readout shows values again: the gap is a stretch, not the end of the line.
  await page.mouse.move(...at(0.99))
  await expect(quality).toHaveText('good')
  await expect
    .poll(async () => {
      await page.mouse.move(...at((x -= 0.01)))
      return quality.innerText()
    })
    .toBe('good')
  expect(x).toBeGreaterThan(0.05) // on a value recorded before the gap, still over the chart
  // The middle of the gap, not its edge: a redrawn chart may shift by a pixel.
  const middle = (gap + x + 0.01) / 2

  // Both themes, pointing at the gap.
  for (let i = 0; i < 2; i++) {
    const theme = await page.locator('html').getAttribute('data-theme')
    // The chart is rebuilt for the other theme: point at the gap afresh, where the chart is now.
    box = (await chart.boundingBox())!
    // However many connections the status bar lists, the window does not scroll sideways under the pointer.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
    await page.mouse.move(...at(0.5))
    await page.mouse.move(...at(middle))
    await expect(quality).toHaveText(/^no data/)
    await page.getByRole('region', { name: 'Trend chart' }).screenshot({ path: `test-results/screens/trends-gap-${theme ?? 'dark'}.png` })
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', theme ?? '')
  }
})
