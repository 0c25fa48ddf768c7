import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto'
import { expect, test } from '../fixtures/workstation'
import { writeTinyDetector } from '../fixtures/tiny-detector'
import { goTo, openWorkstation } from '../steps/app'
import { addDemoImages, createDatasetWithDemoImages, labelingCanvas } from '../steps/vision'
import { importModelByPath, modelsPanel, openModelsTab } from '../steps/vision-models'

const { onnx } = onnxProto as unknown as { onnx: typeof OnnxTypes }

/** Screenshots are named after the theme they show. */
async function shot(page: Page, name: string, region = modelsPanel(page)): Promise<void> {
  const theme = (await page.locator('html').getAttribute('data-theme')) ?? 'default'
  await region.screenshot({ path: `test-results/screens/${name}-${theme}.png` })
}

/**
 * An image classifier as a training run exports one (Ultralytics classify layout: input [1, 3, 64, 64], probabilities
 * [1, 3], names in the metadata) whose answer is fixed: scratch 0.62, dent 0.31, good 0.07.
 */
function writeTinyClassifier(file: string): void {
  const float = onnx.TensorProto.DataType.FLOAT
  const valueInfo = (name: string, dims: number[]): OnnxTypes.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: float, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  })
  const tensor = (name: string, dims: number[], data: number[]): OnnxTypes.ITensorProto => ({
    name,
    dims,
    dataType: float,
    rawData: new Uint8Array(Float32Array.from(data).buffer),
  })
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'otw-e2e',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: [
      { key: 'names', value: "{0: 'scratch', 1: 'dent', 2: 'good'}" },
      { key: 'task', value: 'classify' },
    ],
    graph: {
      name: 'tiny-classifier',
      node: [
        { opType: 'ReduceSum', input: ['images'], output: ['sum'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { opType: 'Mul', input: ['sum', 'zero'], output: ['zeroed'] },
        { opType: 'Add', input: ['zeroed', 'answer'], output: ['probs'] },
      ],
      initializer: [tensor('zero', [], [0]), tensor('answer', [1, 3], [0.62, 0.31, 0.07])],
      input: [valueInfo('images', [1, 3, 64, 64])],
      output: [valueInfo('probs', [1, 3])],
    },
  })
  writeFileSync(file, onnx.ModelProto.encode(model).finish())
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
    // A bulk reject asks first, with the count; "Keep them" has focus and changes nothing.
    const confirm = panel.getByRole('alertdialog', { name: 'Confirm reject' })
    await expect(confirm).toContainText('Reject 6 drafts?')
    await expect(confirm.getByRole('button', { name: 'Keep them' })).toBeFocused()
    await confirm.getByRole('button', { name: 'Keep them' }).click()
    await expect(panel.getByRole('status', { name: 'Drafts waiting' })).toHaveText('10 drafts waiting')
    await panel.getByRole('button', { name: 'Reject 6 matching' }).click()
    await confirm.getByRole('button', { name: 'Reject 6' }).click()
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
  test('import an image classifier, pre-label image classes, accept them in the review list and on the labeling view by keyboard and in bulk', async ({
    page,
    workstation,
  }) => {
    test.setTimeout(180_000)
    const modelFile = join(files, 'part-classes.onnx')
    writeTinyClassifier(modelFile)
    await openWorkstation(page, workstation)
    await goTo(page, 'Vision')
    await createDatasetWithDemoImages(page, 'Classified parts', 4)
    const panel = modelsPanel(page)

    await importModelByPath(page, modelFile)
    await expect(panel.getByRole('status', { name: 'Detected kind' })).toContainText('Image classifier')
    await expect(panel.getByRole('status').filter({ hasText: 'Imported' })).toHaveText('Imported part-classes v1 (Image classifier, 3 classes)')

    // Multi-label dataset: every class at or above 0.25 becomes a draft image class (scratch 0.62, dent 0.31; good 0.07 is not).
    await openModelsTab(page, 'Pre-label & review')
    await expect(panel.getByLabel('Classifier drafts')).toContainText('every class at or above the confidence threshold (0.25')
    await panel.getByRole('button', { name: 'Pre-label 4 unlabeled images' }).click()
    await expect(panel.getByRole('status', { name: 'Pre-label result' })).toHaveText('8 image-class drafts on 4 images')
    const waiting = panel.getByRole('status', { name: 'Drafts waiting' })
    await expect(waiting).toHaveText('8 drafts waiting')
    const rows = panel.getByRole('table', { name: 'Drafts' }).getByRole('row')
    await expect(rows.nth(1)).toHaveAccessibleName('Image class draft scratch 0.62 on part-00000')
    await expect(rows.nth(1)).toContainText('image class')
    await expect(rows.nth(1)).toContainText('whole image')
    // The same #N as the grid and the labeling header: the image's place in the dataset.
    await expect(rows.nth(1).getByRole('cell', { name: '#1 · part-00000', exact: true })).toBeVisible()
    await expect(panel.getByRole('img', { name: 'Thumbnail of part-00000' }).first()).toBeVisible()
    await shot(page, 'vision-models-class-drafts')

    // Enter opens the image with every draft of it; Escape closes it.
    await rows.nth(1).focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Image part-00000' })
    await expect(dialog.getByLabel('Image-class drafts')).toHaveText('Image-class drafts:scratch 0.62dent 0.31')
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    // The keyboard in the list: A accepts the focused draft.
    await rows.nth(1).focus()
    await page.keyboard.press('a')
    await expect(waiting).toHaveText('7 drafts waiting')
    await expect(rows.nth(1)).toHaveAccessibleName('Image class draft scratch 0.62 on part-00001')
    // In bulk: every dent draft rejected.
    await panel.getByRole('combobox', { name: 'Review kind' }).selectOption('Image classes')
    await panel.getByRole('combobox', { name: 'Review class' }).selectOption('dent')
    await panel.getByRole('button', { name: 'Reject 4 matching' }).click()
    await panel.getByRole('alertdialog', { name: 'Confirm reject' }).getByRole('button', { name: 'Reject 4' }).click()
    await expect(waiting).toHaveText('3 drafts waiting')
    await panel.getByRole('combobox', { name: 'Review class' }).selectOption('All classes')

    // The labeling view: a dashed "draft 0.62" chip among the image classes; A accepts it, N saves and moves on.
    await page
      .getByRole('list', { name: 'Images' })
      .getByRole('button', { name: /^Image part-00001, / })
      .click()
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /^Labeling canvas for part-00001: .*image drafts: scratch draft 0\.62;/)
    const chips = page.getByRole('list', { name: 'Image class drafts' })
    await expect(chips.getByRole('button', { name: 'Image class draft scratch 0.62' })).toHaveAttribute('aria-pressed', 'true')
    await expect(chips).toContainText('draft 0.62')
    const labeling = page.getByRole('region', { name: 'Labeling' })
    await shot(page, 'vision-labeling-class-draft', labeling)
    await switchTheme(page)
    await shot(page, 'vision-labeling-class-draft', labeling)
    await shot(page, 'vision-models-class-drafts')
    await page.keyboard.press('a')
    await expect(chips).toBeHidden()
    await expect(page.getByRole('button', { name: 'Image class scratch (Shift+1)' })).toHaveAttribute('aria-pressed', 'true')
    await page.keyboard.press('n')
    await expect(labelingCanvas(page)).toHaveAttribute('aria-label', /^Labeling canvas for part-00002: .*image drafts: scratch draft 0\.62;/)
    await expect(waiting).toHaveText('2 drafts waiting')
    // Shift+A accepts every draft of the image; Ctrl+S saves.
    await page.keyboard.press('Shift+A')
    await expect(page.getByRole('button', { name: 'Image class scratch (Shift+1)' })).toHaveAttribute('aria-pressed', 'true')
    await page.keyboard.press('Control+s')
    await expect(page.getByRole('status', { name: 'Save state' })).toHaveText('Saved')
    await expect(waiting).toHaveText('1 draft waiting')

    // The last one in bulk from the list; the image opened here shows it accepted.
    await page
      .getByRole('list', { name: 'Images' })
      .getByRole('button', { name: /^Image part-00003, / })
      .click()
    await expect(chips.getByRole('button', { name: 'Image class draft scratch 0.62' })).toBeVisible()
    await panel.getByRole('button', { name: 'Accept 1 matching' }).click()
    await expect(waiting).toHaveText('0 drafts waiting')
    await expect(chips).toBeHidden()
    await expect(page.getByRole('button', { name: 'Image class scratch (Shift+1)' })).toHaveAttribute('aria-pressed', 'true')
    await expect(page.getByRole('status', { name: 'Dataset summary' })).toHaveText('4 images · 0 unlabeled · 4 labeled · 0 reviewed · 0 rejected')
  })
})
