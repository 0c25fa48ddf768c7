import { goTo, openWorkstation } from './steps/app'
import { addDemoImages, shapeList, createDatasetWithDemoImages, drawBox, labelAndNext, labelingCanvas } from './steps/vision'
import { expect, test } from './fixtures/workstation'

test.describe('Vision', () => {
  test('label demo images with mouse and keys, export YOLO, train the anomaly model and see its heat map', async ({ page, workstation }) => {
    test.setTimeout(120_000)
    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')
    await createDatasetWithDemoImages(page, 'Bottles line 1', 6)
    await expect(page.getByRole('list', { name: 'Images' }).getByRole('listitem')).toHaveCount(6)
    await expect(labelingCanvas(page)).toBeVisible()

    // Undo/redo and Delete on a box before the real labels.
    await drawBox(page, [0.1, 0.1], [0.2, 0.2])
    await expect(shapeList(page)).toHaveCount(1)
    await page.keyboard.press('Control+z')
    await expect(shapeList(page)).toHaveText(/No shapes/)
    await page.keyboard.press('Control+y')
    await expect(shapeList(page)).toHaveCount(1)
    await page.keyboard.press('Delete')
    await expect(shapeList(page)).toHaveText(/No shapes/)

    const labelled = [
      await labelAndNext(page, 1, [0.3, 0.3], [0.5, 0.45]),
      await labelAndNext(page, 2, [0.4, 0.5], [0.6, 0.7]),
      await labelAndNext(page, 3, [0.45, 0.2], [0.55, 0.8]),
    ]
    for (const id of labelled) await expect(page.getByRole('button', { name: `Image ${id}, labeled, 1 box` })).toBeVisible()
    await page.getByRole('button', { name: `Image ${labelled[1]}, labeled, 1 box` }).click()
    await expect(shapeList(page)).toHaveText(/^Box 1 · dent at \d+,\d+ \d+×\d+/)
    await page.screenshot({ path: 'test-results/screens/vision-labeling.png' })

    await page.getByRole('button', { name: 'Export YOLO' }).click()
    await expect(page.getByRole('group', { name: 'YOLO export' }).getByRole('status')).toContainText(
      /Exported 3 images as YOLO to \S+\/vision\/exports\/bottles-line-1-yolo-/,
    )

    await addDemoImages(page, 20, true)
    await page.getByRole('button', { name: 'Train anomaly model' }).click()
    await expect(page.getByRole('group', { name: 'Anomaly model' }).getByRole('status')).toContainText(/Anomaly model trained on \d+ good images, threshold/)
    await page.getByRole('button', { name: 'Run on this image' }).click()
    const result = page.getByRole('figure', { name: 'Anomaly result' })
    await expect(result.getByRole('img', { name: `Anomaly heat map of ${labelled[1]}` })).toBeVisible()
    await expect(result).toContainText(/(PASS|FAIL) \S+: score \d+\.\d\d \(threshold \d+\.\d\d\)/)
    await result.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'test-results/screens/vision.png', fullPage: true })
  })
})
