import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/workstation'
import { writeTinyDetector } from '../fixtures/tiny-detector'
import { goTo, openWorkstation } from '../steps/app'
import { addDemoImages, createDatasetWithDemoImages } from '../steps/vision'
import { importModelByPath, modelsPanel, openModelsTab } from '../steps/vision-models'

/** Screenshots are named after the theme they show. */
async function shot(page: Page, name: string): Promise<void> {
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'
  await modelsPanel(page).screenshot({ path: `test-results/screens/${name}-${theme}.png` })
}

async function switchTheme(page: Page): Promise<void> {
  const before = await page.locator('html').getAttribute('data-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '')
}

test.describe('Vision models', () => {
  // Model files live outside test-results, which a parallel Playwright run may empty.
  const files = mkdtempSync(join(tmpdir(), 'otw-e2e-models-'))
  test.afterAll(() => rmSync(files, { recursive: true, force: true }))

  test('import a detector, pre-label, accept a draft, evaluate with a confusion matrix and open a mistake', async ({ page, workstation }) => {
    test.setTimeout(180_000)
    const modelFile = join(files, 'bottle-defects.onnx')
    writeTinyDetector(modelFile)
    const notAModel = join(files, 'notes.onnx')
    writeFileSync(notAModel, 'these are notes, not a model')

    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')
    await createDatasetWithDemoImages(page, 'Bottles models', 6)
    await addDemoImages(page, 30, true)
    const panel = modelsPanel(page)

    // A file that is not ONNX: a clear error, and the panel keeps working.
    await panel.getByRole('textbox', { name: 'Model file path' }).fill(notAModel)
    await panel.getByRole('button', { name: 'Inspect' }).click()
    await expect(panel.getByRole('alert')).toContainText(/notes\.onnx: not a usable ONNX model .* export the model to ONNX/)

    await importModelByPath(page, modelFile)
    await expect(panel.getByRole('table', { name: 'Signature of bottle-defects.onnx' })).toContainText('[1, 6, 2]')
    await expect(panel.getByRole('status', { name: 'Detected kind' })).toContainText('YOLO detector')
    await expect(panel.getByRole('status').filter({ hasText: 'Imported' })).toHaveText('Imported bottle-defects v1 (YOLO detector, 2 classes)')
    await expect(panel.getByRole('table', { name: 'Models' }).getByRole('row')).toHaveCount(2)
    await shot(page, 'vision-models-registry')

    await openModelsTab(page, 'Pre-label & review')
    await panel.getByRole('button', { name: 'Pre-label 6 unlabeled images' }).click()
    await expect(panel.getByRole('status', { name: 'Pre-label result' })).toHaveText('12 drafts on 6 images')
    await expect(panel.getByRole('status', { name: 'Drafts waiting' })).toHaveText('12 drafts waiting')
    // Highest confidence first: the scratches (0.90) lead the list.
    const first = panel.getByRole('table', { name: 'Drafts' }).getByRole('row').nth(1)
    await expect(first).toContainText('scratch')
    await expect(first).toContainText('0.90')
    await panel.getByRole('button', { name: 'Accept scratch on part-00000' }).click()
    await expect(panel.getByRole('status', { name: 'Drafts waiting' })).toHaveText('11 drafts waiting')
    // The keyboard: focus the first row, R rejects it.
    await panel.getByRole('table', { name: 'Drafts' }).getByRole('row').nth(1).focus()
    await page.keyboard.press('r')
    await expect(panel.getByRole('status', { name: 'Drafts waiting' })).toHaveText('10 drafts waiting')
    await shot(page, 'vision-models-review')
    // In bulk: every dent at 0.5 or more.
    await panel.getByRole('combobox', { name: 'Review class' }).selectOption('dent')
    await panel.getByRole('spinbutton', { name: 'Review minimum confidence' }).fill('0.5')
    await panel.getByRole('button', { name: 'Reject 6 matching' }).click()
    await expect(panel.getByRole('status', { name: 'Drafts waiting' })).toHaveText('4 drafts waiting')

    await openModelsTab(page, 'Evaluation')
    await panel.getByRole('checkbox', { name: /Count labelled/ }).check()
    await panel.getByRole('button', { name: 'Evaluate' }).click()
    const matrix = panel.getByRole('table', { name: 'Confusion matrix' })
    await expect(matrix).toBeVisible()
    await expect(matrix.getByRole('columnheader')).toHaveText(['label ↓ · predicted →', 'scratch', 'dent', 'background'])
    // A percentage, or "—" when the few test images hold no labelled object.
    await expect(panel.getByLabel('mAP@0.5', { exact: true })).toHaveText(/^(\d+\.\d %|—)$/)
    await expect(panel.getByRole('table', { name: 'Metrics per class' }).getByRole('row')).toHaveCount(3)
    await expect(panel.getByRole('img', { name: 'Precision-recall curve' })).toBeVisible()
    await shot(page, 'vision-models-evaluation')

    // The worst mistake opens the image with its boxes and process context; Escape closes it.
    await panel.getByRole('region', { name: 'Worst mistakes' }).getByRole('button').first().click()
    const dialog = page.getByRole('dialog')
    await expect(dialog.getByRole('img', { name: /with boxes/ })).toBeVisible()
    await expect(dialog.getByRole('complementary', { name: 'Process context' })).toContainText('camera')
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()

    await switchTheme(page)
    await shot(page, 'vision-models-evaluation')
    await openModelsTab(page, 'Registry')
    await shot(page, 'vision-models-registry')
    await openModelsTab(page, 'Pre-label & review')
    await shot(page, 'vision-models-review')

    // Inspect live: results land on the live bus as tags.
    await openModelsTab(page, 'Live & context')
    await panel.getByRole('switch', { name: 'Inspect live' }).check()
    await expect(panel.getByLabel('Rejects', { exact: true })).not.toHaveText('0')
    await expect(panel.getByLabel('Last result')).toContainText('FAIL · scratch · 0.90')
    await shot(page, 'vision-models-live')
    await panel.getByRole('switch', { name: 'Inspect live' }).uncheck()
    await expect(panel.getByRole('switch', { name: 'Inspect live' })).not.toBeChecked()
    // The results are tags like any other: listed in Tags with their last values.
    await goTo(page, 'Tags')
    await page.getByRole('searchbox', { name: 'Search tags' }).fill('Inspection')
    await expect(page.locator('[data-tag-value="Line1.Inspection.Result"]')).toContainText('fail')
    await expect(page.locator('[data-tag-value="Line1.Inspection.RejectCount"]')).toContainText(/[1-9]/)
  })
})
